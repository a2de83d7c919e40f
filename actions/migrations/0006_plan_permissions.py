"""Permissions of the roles on the delivery plan's models (the Django admin uses them).

Who may change which action is an object rule (actions/rules.py); these are the
model-level grants: everyone reads the plan, administrators manage it. Progress
updates are immutable, so nobody is granted change or delete on them.
"""

from django.db import migrations

from actions.migration_helpers import grant_role_permissions

READ = [
    f"actions.view_{model}"
    for model in (
        "subgroup",
        "action",
        "milestone",
        "progressupdate",
        "historicalaction",
        "historicalmilestone",
    )
]
ADMIN = READ + [
    f"actions.{verb}_{model}"
    for model in ("subgroup", "action", "milestone")
    for verb in ("add", "change", "delete")
]


def grant(apps, schema_editor):
    for role in ("Panel member", "Subgroup lead", "Participation officer", "IV coordinator"):
        grant_role_permissions(apps, role, READ)
    grant_role_permissions(apps, "Administrator", ADMIN)


class Migration(migrations.Migration):
    dependencies = [("actions", "0005_action_history")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
