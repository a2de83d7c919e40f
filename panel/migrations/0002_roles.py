"""Who may read and maintain meetings and reports in the Django admin.

The portal's own pages check object rules in panel/rules.py; these model permissions
are for the admin and keep the groups honest about what each role holds.
"""

from django.db import migrations

from actions.migration_helpers import grant_role_permissions

READ = ["panel.view_meeting", "panel.view_agendaitem", "panel.view_panelaction", "panel.view_progressreport"]
ADMIN = [
    f"panel.{verb}_{model}"
    for model in ("meeting", "agendaitem", "panelaction", "progressreport")
    for verb in ("add", "change", "delete", "view")
] + ["panel.view_reminderlog"]


def grant(apps, schema_editor):
    for role in ("Panel member", "Subgroup lead", "Participation officer", "IV coordinator"):
        grant_role_permissions(apps, role, READ)
    grant_role_permissions(apps, "Administrator", ADMIN)


class Migration(migrations.Migration):
    dependencies = [("panel", "0001_initial"), ("actions", "0003_roles")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
