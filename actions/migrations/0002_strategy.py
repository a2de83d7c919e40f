"""The Havering strategy as data: themes, "We will…" commitments and the KPI library.

Production databases get these from ``migrate`` alone; demo data adds nothing here.
"""

from django.db import migrations

from actions.strategy_loader import load_strategy, read_strategy


def load(apps, schema_editor):
    load_strategy(read_strategy(), apps=apps)


class Migration(migrations.Migration):
    dependencies = [("actions", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
