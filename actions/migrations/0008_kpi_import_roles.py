"""Who may read KPI values and imports, and who may import: only administrators."""

from django.db import migrations

from actions.migration_helpers import grant_role_permissions

READING_ROLES = ("Panel member", "Subgroup lead", "Participation officer", "IV coordinator")
ADMIN = [
    "actions.import_kpi_data",
    "actions.add_kpivalue",
    "actions.change_kpivalue",
    "actions.delete_kpivalue",
    "actions.view_kpivalue",
    "actions.view_kpiimport",
]


def grant(apps, schema_editor):
    for role in READING_ROLES:
        grant_role_permissions(apps, role, ["actions.view_kpivalue"])
    grant_role_permissions(apps, "Administrator", ADMIN)


class Migration(migrations.Migration):
    dependencies = [("actions", "0007_kpi_import_progress")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
