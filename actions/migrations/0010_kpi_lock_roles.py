"""Only administrators may change figures in periods of an issued report; they (and
only they) see the locks and the record of such changes."""

from django.db import migrations

from actions.migration_helpers import grant_role_permissions

ADMIN = [
    "actions.amend_locked_kpi_values",
    "actions.view_kpiperiodlock",
    "actions.view_kpivalueamendment",
]


def grant(apps, schema_editor):
    grant_role_permissions(apps, "Administrator", ADMIN)


class Migration(migrations.Migration):
    dependencies = [("actions", "0009_kpi_period_locks")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
