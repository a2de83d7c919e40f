"""Loading the participation groups named in a strategy document (see actions.strategy_loader)."""

from django.apps import apps as live_apps


def load_participation_groups(data: dict, *, apps=live_apps) -> int:
    ParticipationGroup = apps.get_model("participation", "ParticipationGroup")
    groups = data.get("participation_groups", [])
    for item in groups:
        ParticipationGroup.objects.update_or_create(
            slug=item["slug"],
            defaults={"name": item["name"], "kind": item["kind"], "purpose": item.get("purpose", "")},
        )
    return len(groups)
