"""Loading a strategy (themes, commitments, KPI library) from a JSON document.

The data migration calls this with the historical app registry; the ``load_strategy``
command calls it with the live one, so another council can load its own strategy.
Rows are matched on their stable codes, so loading twice changes nothing.
"""

import json
from pathlib import Path

from django.apps import apps as live_apps

HAVERING_STRATEGY = Path(__file__).resolve().parent / "data" / "havering-2025-2028.json"

KPI_FIELDS = ("name", "definition", "unit", "polarity", "frequency", "data_source", "is_derived")


def read_strategy(path: Path = HAVERING_STRATEGY) -> dict:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def load_strategy(data: dict, *, apps=live_apps) -> dict[str, int]:
    """Create or update themes, commitments and KPIs; returns how many of each."""
    Theme = apps.get_model("actions", "Theme")
    Commitment = apps.get_model("actions", "Commitment")
    KPI = apps.get_model("actions", "KPI")

    themes = {}
    commitments = 0
    for position, item in enumerate(data["themes"], start=1):
        theme, _ = Theme.objects.update_or_create(
            code=item["code"],
            defaults={
                "name": item["name"],
                "promise": item["promise"],
                "easy_read": item.get("easy_read", ""),
                "position": position,
            },
        )
        themes[theme.code] = theme
        for number, text in enumerate(item["commitments"], start=1):
            Commitment.objects.update_or_create(
                code=f"{theme.code}{number}",
                defaults={"theme": theme, "text": text, "position": number},
            )
            commitments += 1

    for item in data.get("kpis", []):
        defaults = {field: item[field] for field in KPI_FIELDS if field in item}
        defaults["theme"] = themes.get(item.get("theme"))
        KPI.objects.update_or_create(code=item["code"], defaults=defaults)

    return {"themes": len(themes), "commitments": commitments, "kpis": len(data.get("kpis", []))}
