"""Administrators see who has set up two-factor sign-in (read-only device lists)."""

from django.db import migrations

from actions.migration_helpers import grant_role_permissions

PERMS = ["otp_totp.view_totpdevice", "otp_static.view_staticdevice"]


def grant(apps, schema_editor):
    grant_role_permissions(apps, "Administrator", PERMS)


class Migration(migrations.Migration):
    dependencies = [
        ("actions", "0003_roles"),
        ("otp_totp", "0003_add_timestamps"),
        ("otp_static", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
