"""The five roles as groups, with their permissions on the strategy's reference data."""

from django.db import migrations

from actions.migration_helpers import grant_role_permissions

READ = ["actions.view_theme", "actions.view_commitment", "actions.view_kpi"]
ADMIN = [
    f"actions.{verb}_{model}"
    for model in ("theme", "commitment", "kpi")
    for verb in ("add", "change", "delete", "view")
] + [
    "auth.add_user",
    "auth.change_user",
    "auth.delete_user",
    "auth.view_user",
    "auth.view_group",
    "axes.view_accessattempt",
    "axes.delete_accessattempt",
    "axes.view_accesslog",
]


def create_roles(apps, schema_editor):
    for role in ("Panel member", "Subgroup lead", "Participation officer", "IV coordinator"):
        grant_role_permissions(apps, role, READ)
    grant_role_permissions(apps, "Administrator", ADMIN)


class Migration(migrations.Migration):
    dependencies = [
        ("actions", "0002_strategy"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("axes", "__latest__"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
