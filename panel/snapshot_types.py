"""The shape of a progress report's frozen snapshot: frozen dataclasses, stored as JSON.

``panel.snapshot`` builds a ``Snapshot``, ``panel.summary`` adds its ``Summary``, and
``snapshot_json`` writes both to ``ProgressReport.data`` with ``SCHEMA_VERSION``.
``read_snapshot`` is the one way back: it reads every shape a report has ever been stored
in, so a report issued by older code still opens. Dates are ISO text ("2026-04-30"), as
they were frozen; the templates print them with ``uk_date``.

Every field but those each stored shape has had from the first (a code, a name, a title)
has a default, which is what an older snapshot without it reads as; keys no longer written
are ignored.
A change of meaning (not just a new field) raises ``SCHEMA_VERSION`` and adds a step to
``_upgrade``.
"""

import dataclasses
import types
import typing
from dataclasses import dataclass, field

# 1: the first typed shape. Before it (no "schema_version" key) a measure's commentary
# may be a plain string as well as {"text": ...}.
SCHEMA_VERSION = 1

# A cell of a section's table: a name, a count, a figure in words, or nothing.
Cell = str | int | float | None


@dataclass(frozen=True)
class ActionRow:
    """An action as it stood at period end."""

    id: int | None = None
    commitment: str = ""
    title: str = ""
    lead: str = ""
    lead_organisation: str = ""
    due_date: str | None = None
    status: str = ""
    status_label: str = ""
    rag: str = ""
    rag_label: str = ""
    overdue: bool = False
    stale: bool = False
    latest_update: str | None = None
    done: str = ""
    next_steps: str = ""


@dataclass(frozen=True)
class Commentary:
    """A measure's owner's commentary on the reported period."""

    text: str = ""
    corrective_action: str = ""
    author: str = ""
    written_on: str | None = None


@dataclass(frozen=True)
class MeasureRow:
    """A local measure's latest figure by period end, with its rating and comparators."""

    code: str
    name: str
    period_end: str | None = None
    # A number, or words when the figure is withheld (small counts).
    value: float | str | None = None
    numerator: int | str | None = None
    denominator: int | str | None = None
    display: str = ""
    rag: str = ""
    rag_label: str = ""
    trend_label: str = ""
    travel: str = ""
    travel_short: str = ""
    travel_long: str = ""
    rating_reason: str = ""
    target: float | None = None
    target_display: str = ""
    comparators: dict[str, float] = field(default_factory=dict)
    comparators_display: dict[str, str] = field(default_factory=dict)
    owner: str = ""
    commentary: Commentary | None = None


@dataclass(frozen=True)
class RagCount:
    rag: str
    count: int


@dataclass(frozen=True)
class ThemeSection:
    """One promise: its actions, their count by rating, and its measures."""

    code: str
    name: str
    actions: tuple[ActionRow, ...] = ()
    rag_counts: tuple[RagCount, ...] = ()
    kpis: tuple[MeasureRow, ...] = ()


@dataclass(frozen=True)
class FrameworkRow:
    """A DfE National Framework indicator as the meeting pack shows it."""

    code: str
    name: str
    outcome: str = ""
    domain: str = ""
    period_end: str | None = None
    havering: str = ""
    # (area, figure in words) pairs, in the order of the table's columns.
    comparators: tuple[tuple[str, ...], ...] = ()
    travel: str = ""
    quartile: int | None = None
    file: str = ""


@dataclass(frozen=True)
class Table:
    """A section shown as one table (and one sheet of the workbook)."""

    title: str
    sheet: str
    headers: tuple[str, ...] = ()
    rows: tuple[tuple[Cell, ...], ...] = ()
    empty: str = ""


@dataclass(frozen=True)
class Question:
    """A question or action of the panel's, open at period end."""

    kind: str
    text: str
    owner: str = ""
    raised: str | None = None
    due_date: str | None = None
    response: str = ""


@dataclass(frozen=True)
class AgendaEntry:
    position: int
    title: str
    presenter: str = ""


@dataclass(frozen=True)
class RatingCount:
    """One rating's count, against the previous report's, with its bar in the chart."""

    rag: str
    label: str
    count: int
    before: int | None = None
    change: str = ""
    y: int = 0
    width: float = 0
    width_before: float = 0
    colour: str = ""


@dataclass(frozen=True)
class CountsRow:
    """A row of the summary's table: a rating's actions and (if it applies) measures."""

    rag: str
    actions: RatingCount
    measures: RatingCount | None = None


@dataclass(frozen=True)
class ActionLine:
    commitment: str
    title: str
    theme: str = ""
    lead: str = ""
    status_label: str = ""
    was: str = ""


@dataclass(frozen=True)
class MeasureLine:
    code: str
    name: str
    display: str = ""
    was: str = ""
    rag_label: str = ""
    commentary: str = ""


@dataclass(frozen=True)
class Summary:
    """The report's first page: what changed since the previous report of its kind."""

    previous_title: str = ""
    actions: tuple[RatingCount, ...] = ()
    measures: tuple[RatingCount, ...] = ()
    counts: tuple[CountsRow, ...] = ()
    chart_height: int = 0
    actions_turned_red: tuple[ActionLine, ...] = ()
    actions_completed: tuple[ActionLine, ...] = ()
    measures_into_red: tuple[MeasureLine, ...] = ()
    measures_out_of_red: tuple[MeasureLine, ...] = ()
    questions: tuple[Question, ...] = ()
    agenda: tuple[AgendaEntry, ...] = ()
    note: tuple[str, ...] = ()
    decide: tuple[str, ...] = ()


@dataclass(frozen=True)
class Snapshot:
    """Everything a report shows, as it stood at ``period_end``."""

    # Empty only in the data of a report not built yet (the field's default, {}).
    period_start: str = ""
    period_end: str = ""
    themes: tuple[ThemeSection, ...] = ()
    # Measures that belong to no promise (context figures).
    context: tuple[MeasureRow, ...] = ()
    framework: tuple[FrameworkRow, ...] = ()
    sections: tuple[Table, ...] = ()
    questions: tuple[Question, ...] = ()
    agenda: tuple[AgendaEntry, ...] = ()
    summary: Summary | None = None

    @property
    def actions(self) -> tuple[ActionRow, ...]:
        """Every action, promise by promise."""
        return tuple(action for theme in self.themes for action in theme.actions)

    @property
    def measures(self) -> tuple[MeasureRow, ...]:
        """Every measure: each promise's, then the context figures."""
        return tuple(kpi for theme in self.themes for kpi in theme.kpis) + self.context


def snapshot_json(snapshot: Snapshot) -> dict:
    """``snapshot`` as the JSON stored on the report, with the version of its shape."""
    return {"schema_version": SCHEMA_VERSION, **dataclasses.asdict(snapshot)}


def read_snapshot(data: dict) -> Snapshot:
    """A report's stored data, whatever the version of the code that froze it, as a ``Snapshot``."""
    return _load(Snapshot, _upgrade(data))


def loaded(kind: type, data: dict):
    """A dataclass of this module from its JSON (a section of a snapshot)."""
    return _load(kind, data)


def _upgrade(data: dict) -> dict:
    """``data`` in the current shape: each step rewrites what one version changed."""
    if data.get("schema_version", 0) < 1:
        data = {
            **data,
            "themes": [
                {**theme, "kpis": _commentary_v1(theme.get("kpis", []))} for theme in data.get("themes", [])
            ],
            "context": _commentary_v1(data.get("context", [])),
        }
    return data


def _commentary_v1(kpis: list[dict]) -> list[dict]:
    """Commentary frozen as a plain string reads as {"text": ...}; an empty one as none."""
    return [
        {**kpi, "commentary": {"text": kpi["commentary"]} if kpi["commentary"] else None}
        if isinstance(kpi.get("commentary"), str)
        else kpi
        for kpi in kpis
    ]


def _load(kind, value):
    """``value`` (parsed JSON) as ``kind``: dataclasses field by field (keys the class does not
    know are left out, fields the data lacks take their defaults), tuples item by item."""
    if value is None:
        return None
    if dataclasses.is_dataclass(kind):
        hints = typing.get_type_hints(kind)
        return kind(
            **{
                f.name: _load(hints[f.name], value[f.name])
                for f in dataclasses.fields(kind)
                if f.name in value
            }
        )
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin is tuple:
        return tuple(_load(args[0], item) for item in value)
    if origin is types.UnionType:
        inner = [arg for arg in args if arg is not type(None)]
        return _load(inner[0], value) if len(inner) == 1 else value
    return value
