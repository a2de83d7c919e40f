"""The words young people asked us to drop (Say It Louder's "words that matter"), each
with plain words to use instead; participation officers keep the list in the admin and
write and approve easy-read texts."""

from django.db import migrations

from actions.migration_helpers import grant_role_permissions

JARGON = [
    ("placement", "the home where you live"),
    ("LAC", "children in care"),
    ("contact", "family time, or seeing your family"),
    ("respite", "a short break"),
    ("subgroup", "the team working on this"),
    ("panel", "the group of council leaders who check our promises"),
    ("protocol", "the rules we follow"),
    ("co-produce", "make it together with you"),
    ("care plan review", "your meeting about your care plan"),
]


def seed(apps, schema_editor):
    JargonTerm = apps.get_model("actions", "JargonTerm")
    for term, plain_words in JARGON:
        JargonTerm.objects.get_or_create(
            term=term,
            defaults={"plain_words": plain_words, "note": "Asked for by young people in care."},
        )


def grant(apps, schema_editor):
    grant_role_permissions(
        apps,
        "Participation officer",
        [
            *(f"actions.{verb}_jargonterm" for verb in ("add", "change", "delete", "view")),
            *(f"actions.{verb}_easyreadtext" for verb in ("add", "change", "view")),
        ],
    )
    grant_role_permissions(
        apps,
        "Administrator",
        [
            f"actions.{verb}_{model}"
            for model in ("jargonterm", "easyreadtext")
            for verb in ("add", "change", "delete", "view")
        ],
    )


class Migration(migrations.Migration):
    dependencies = [("actions", "0014_easy_read_texts")]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
