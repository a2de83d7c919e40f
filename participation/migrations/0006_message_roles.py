"""Participation officers answer young people's messages; administrators too."""

from django.db import migrations

from actions.migration_helpers import grant_role_permissions


def grant(apps, schema_editor):
    grant_role_permissions(
        apps, "Participation officer", [f"participation.{v}_youngpersonmessage" for v in ("change", "view")]
    )
    grant_role_permissions(
        apps,
        "Administrator",
        [f"participation.{v}_youngpersonmessage" for v in ("add", "change", "delete", "view")],
    )


class Migration(migrations.Migration):
    dependencies = [("participation", "0005_young_people_messages")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
