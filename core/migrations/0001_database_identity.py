import secrets

from django.db import migrations, models


def make_identity(apps, schema_editor):
    apps.get_model("core", "DatabaseIdentity").objects.create(pk=1, token=secrets.token_hex(16))


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="DatabaseIdentity",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("token", models.CharField(max_length=32, unique=True)),
            ],
            options={"verbose_name_plural": "database identity"},
        ),
        migrations.RunPython(make_identity, migrations.RunPython.noop),
    ]
