"""The participation groups named in the strategies, and who may maintain them."""

from django.db import migrations

from actions.migration_helpers import grant_role_permissions
from actions.strategy_loader import read_strategy
from participation.groups_loader import load_participation_groups


def load(apps, schema_editor):
    load_participation_groups(read_strategy(), apps=apps)
    for role in ("Panel member", "Subgroup lead", "IV coordinator"):
        grant_role_permissions(apps, role, ["participation.view_participationgroup"])
    grant_role_permissions(
        apps,
        "Participation officer",
        ["participation.view_participationgroup", "participation.change_participationgroup"],
    )
    grant_role_permissions(
        apps,
        "Administrator",
        [f"participation.{verb}_participationgroup" for verb in ("add", "change", "delete", "view")],
    )


class Migration(migrations.Migration):
    dependencies = [("participation", "0001_initial"), ("actions", "0003_roles")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
