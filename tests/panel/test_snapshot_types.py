"""A report's stored snapshot reads back as typed data, whatever code froze it."""

import json
from pathlib import Path

from panel.snapshot_types import (
    SCHEMA_VERSION,
    Commentary,
    MeasureRow,
    Snapshot,
    Table,
    ThemeSection,
    read_snapshot,
    snapshot_json,
)

STORED = Path(__file__).with_name("snapshots")


def stored(data: dict) -> dict:
    """``data`` as the database gives it back: JSON, so tuples come back as lists."""
    return json.loads(json.dumps(data))


def measure(**fields) -> dict:
    return {"code": "W01", "name": "Health checks", "display": "72%", "rag": "red", **fields}


def legacy(kpi: dict) -> dict:
    """A snapshot in the shape stored before it had a schema version."""
    return {
        "period_start": "2026-04-01",
        "period_end": "2026-04-30",
        "themes": [{"code": "W", "name": "Well-being", "actions": [], "rag_counts": [], "kpis": [kpi]}],
        "context": [],
        "sections": [],
    }


def test_commentary_frozen_as_a_plain_string_reads_as_commentary():
    snapshot = read_snapshot(legacy(measure(commentary="Two nurses left.")))
    assert snapshot.measures[0].commentary == Commentary(text="Two nurses left.")


def test_commentary_frozen_as_text_and_author_reads_as_commentary():
    frozen = {"text": "Two nurses left.", "corrective_action": "Agency nurse.", "author": "A Lead"}
    snapshot = read_snapshot(legacy(measure(commentary=frozen, owner="A Lead")))
    (kpi,) = snapshot.measures
    assert kpi.commentary == Commentary(
        text="Two nurses left.", corrective_action="Agency nurse.", author="A Lead"
    )
    assert kpi.owner == "A Lead"


def test_no_commentary_or_an_empty_one_reads_as_none():
    assert read_snapshot(legacy(measure(commentary=""))).measures[0].commentary is None
    assert read_snapshot(legacy(measure(commentary=None))).measures[0].commentary is None
    assert read_snapshot(legacy(measure())).measures[0].commentary is None


def test_the_first_reports_shape_opens_with_defaults_for_what_it_lacks():
    """The first reports had no ratings, sections, questions or agenda, and a few keys since dropped."""
    first = {
        "period_start": "2025-04-01",
        "period_end": "2025-04-30",
        "kpi_count": 12,
        "themes": [
            {
                "code": "W",
                "name": "Well-being",
                "actions": [
                    {"id": 1, "commitment": "W1", "title": "Dental checks", "due_date": "2025-06-30"}
                ],
                "kpis": [{"code": "W01", "name": "Health checks", "unit": "percent", "value": "72.0"}],
            }
        ],
    }
    snapshot = read_snapshot(first)
    (action,) = snapshot.actions
    assert (action.title, action.rag, action.overdue, action.done) == ("Dental checks", "", False, "")
    (kpi,) = snapshot.measures
    assert (kpi.value, kpi.display, kpi.commentary, kpi.comparators) == ("72.0", "", None, {})
    assert snapshot.sections == () and snapshot.questions == () and snapshot.summary is None


def test_the_current_shape_round_trips_through_the_stored_json():
    snapshot = Snapshot(
        period_start="2026-04-01",
        period_end="2026-04-30",
        themes=(
            ThemeSection(
                code="W",
                name="Well-being",
                kpis=(
                    MeasureRow(
                        code="W01",
                        name="Health checks",
                        value=72.0,
                        comparators={"england": 88.5},
                        commentary=Commentary(text="Two nurses left.", written_on="2026-05-02"),
                    ),
                ),
            ),
        ),
        sections=(
            Table(title="IV", sheet="IV", headers=("Measure", "Figure"), rows=(("Waiting", "Fewer than 6"),)),
        ),
    )
    data = stored(snapshot_json(snapshot))
    assert data["schema_version"] == SCHEMA_VERSION
    assert read_snapshot(data) == snapshot


def test_a_report_built_before_the_snapshot_was_typed_reads_back_whole():
    """A meeting pack stored by the code before typed snapshots: every part reads back."""
    data = json.loads((STORED / "june.json").read_text())
    snapshot = read_snapshot(data)
    assert [theme.code for theme in snapshot.themes] == [theme["code"] for theme in data["themes"]]
    assert len(snapshot.framework) == len(data["framework"]) and snapshot.framework[0].comparators
    assert snapshot.questions[0].text == "Why have dental checks fallen?"
    w01 = next(kpi for kpi in snapshot.measures if kpi.code == "W01")
    assert w01.commentary.corrective_action == "Agency nurse from May."
    assert read_snapshot(stored(snapshot_json(snapshot))) == snapshot


def test_the_data_of_a_report_not_built_yet_reads_as_an_empty_snapshot():
    assert read_snapshot({}) == Snapshot()
