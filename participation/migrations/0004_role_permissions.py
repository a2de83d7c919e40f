"""Who may do what with sessions, feedback and the Independent Visitor records.

Every role reads participation; participation officers write it. Only IV coordinators
and administrators touch IV records; only administrators read the log of who viewed them.
"""

from django.db import migrations

from actions.migration_helpers import grant_role_permissions

PARTICIPATION = ("participationsession", "feedbackitem")
IV = ("volunteer", "referral", "referralevent", "match", "visit", "review")


def perms(models, verbs):
    return [f"participation.{verb}_{model}" for model in models for verb in verbs]


def grant(apps, schema_editor):
    for role in ("Panel member", "Subgroup lead", "IV coordinator"):
        grant_role_permissions(apps, role, perms(PARTICIPATION, ("view",)))
    grant_role_permissions(apps, "Participation officer", perms(PARTICIPATION, ("add", "change", "view")))
    grant_role_permissions(apps, "IV coordinator", perms(IV, ("add", "change", "view")))
    grant_role_permissions(
        apps,
        "Administrator",
        [*perms(PARTICIPATION + IV, ("add", "change", "delete", "view")), "participation.view_recordview"],
    )


class Migration(migrations.Migration):
    dependencies = [("participation", "0003_sessions_feedback_independent_visitors")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
