"""A report's one-page summary: what changed since the previous report of its kind.

Worked out from two frozen snapshots (this report's and the previous issued one's), never
from today's records, so a summary reads the same however late it is opened or rebuilt.
"""

import dataclasses

from actions.models import Action
from actions.rag import RAG, RAG_ORDER

from .snapshot_types import (
    ActionLine,
    ActionRow,
    CountsRow,
    MeasureLine,
    MeasureRow,
    RatingCount,
    Snapshot,
    Summary,
)

# GOV.UK Frontend's tag colours, so the chart matches the tags on every page.
RAG_COLOURS = {
    RAG.RED: "#942514",
    RAG.AMBER: "#6e3619",
    RAG.GREEN: "#005a30",
    RAG.COMPLETE: "#0c2d4a",
    RAG.NONE: "#383f43",
}
CHART_WIDTH = 300  # SVG user units for the longest bar
ROW_HEIGHT = 24  # SVG user units for one rating's pair of bars
MEASURE_RAGS = tuple(rag for rag in RAG_ORDER if rag != RAG.COMPLETE)


def _actions_by_id(snapshot: Snapshot) -> dict[int, tuple[str, ActionRow]]:
    """Each action by id, with the name of its promise."""
    return {action.id: (theme.name, action) for theme in snapshot.themes for action in theme.actions}


def _measures(snapshot: Snapshot) -> dict[str, MeasureRow]:
    return {kpi.code: kpi for kpi in snapshot.measures}


def _change(now: int, before: int | None) -> str:
    if before is None:
        return ""
    if now == before:
        return "no change"
    return f"up {now - before}" if now > before else f"down {before - now}"


def counted(number: int, noun: str) -> str:
    """ "1 action", "8 actions": never "8 action(s)" in what the panel reads."""
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _tally(rags: list[str], over) -> dict[RAG, int]:
    return {rag: rags.count(rag) for rag in over}


def _counts(now: list[str], before: list[str] | None, *, rags=RAG_ORDER) -> tuple[RatingCount, ...]:
    """How many of ``now`` (and of ``before``, the previous report's) have each rating."""
    tallies = _tally(now, rags)
    earlier = _tally(before, rags) if before is not None else dict.fromkeys(rags)
    largest = max([1, *tallies.values(), *(n for n in earlier.values() if n is not None)])
    return tuple(
        RatingCount(
            rag=rag.value,
            label=rag.label,
            count=tallies[rag],
            before=earlier[rag],
            change=_change(tallies[rag], earlier[rag]),
            # Geometry for the vector chart: one row of two bars (now, before) per rating.
            y=position * ROW_HEIGHT,
            width=round(tallies[rag] / largest * CHART_WIDTH, 1),
            width_before=round((earlier[rag] or 0) / largest * CHART_WIDTH, 1),
            colour=RAG_COLOURS[rag],
        )
        for position, rag in enumerate(rags)
    )


def _action_line(theme: str, action: ActionRow, was: ActionRow | None) -> ActionLine:
    return ActionLine(
        commitment=action.commitment,
        title=action.title,
        theme=theme,
        lead=action.lead,
        status_label=action.status_label,
        was=was.rag_label if was else "not in the plan",
    )


def _measure_line(kpi: MeasureRow, was: MeasureRow | None) -> MeasureLine:
    return MeasureLine(
        code=kpi.code,
        name=kpi.name,
        display=kpi.display,
        was=was.display if was else "",
        rag_label=kpi.rag_label,
        commentary=kpi.commentary.text if kpi.commentary else "",
    )


def _action_moves(now: Snapshot, before: Snapshot) -> tuple[list[ActionLine], list[ActionLine]]:
    """The actions that turned red, and those completed, since ``before``."""
    earlier = {pk: action for pk, (_, action) in _actions_by_id(before).items()}
    turned_red, completed = [], []
    for pk, (theme, action) in _actions_by_id(now).items():
        was = earlier.get(pk)
        if action.rag == RAG.RED and (was is None or was.rag != RAG.RED):
            turned_red.append(_action_line(theme, action, was))
        if action.status == Action.Status.COMPLETED and (
            was is None or was.status != Action.Status.COMPLETED
        ):
            completed.append(_action_line(theme, action, was))
    return turned_red, completed


def _measure_moves(now: Snapshot, before: Snapshot) -> tuple[list[MeasureLine], list[MeasureLine]]:
    """The measures that moved into red, and out of it, since ``before``."""
    earlier = _measures(before)
    into_red, out_of_red = [], []
    for code, kpi in _measures(now).items():
        was = earlier.get(code)
        was_red = was is not None and was.rag == RAG.RED
        if kpi.rag == RAG.RED and not was_red:
            into_red.append(_measure_line(kpi, was))
        elif was_red and kpi.rag != RAG.RED:
            out_of_red.append(_measure_line(kpi, was))
    return into_red, out_of_red


def _note(summary: Summary, *, action_count: int, compared: bool) -> tuple[str, ...]:
    """What the panel is asked to note: the counts, and what moved since the previous report."""
    note = [
        f"{action_count} actions at the end of the period: "
        + ", ".join(f"{row.count} {row.label.lower()}" for row in summary.actions if row.count),
    ]
    if compared:
        turned_red, completed = (
            counted(len(summary.actions_turned_red), "action"),
            len(summary.actions_completed),
        )
        note.append(
            f"Since {summary.previous_title}: {turned_red} turned red, {completed} completed; "
            f"{counted(len(summary.measures_into_red), 'measure')} moved into red "
            f"and {len(summary.measures_out_of_red)} out of red."
        )
    return tuple(note)


def _decide(summary: Summary) -> tuple[str, ...]:
    """What the panel is asked to decide, from what moved and what is still open."""
    decide = []
    red_now = next(row.count for row in summary.actions if row.rag == RAG.RED)
    if turned_red := len(summary.actions_turned_red):
        decide.append(
            f"Which of the {counted(turned_red, 'action')} that turned red to ask their leads about."
        )
    elif red_now:
        decide.append(f"Whether the {counted(red_now, 'red action')} need the panel's challenge.")
    if into_red := len(summary.measures_into_red):
        decide.append(f"What to ask the owners of the {counted(into_red, 'measure')} that moved into red.")
    if questions := len(summary.questions):
        decide.append(
            f"Whether the answers to the {counted(questions, 'open question')} are enough to close them."
        )
    return tuple(decide)


def _rating_counts(
    snapshot: Snapshot, previous: Snapshot | None
) -> tuple[tuple[RatingCount, ...], tuple[RatingCount, ...]]:
    """Actions, then measures, by rating (a measure is never "complete": that is for actions)."""
    if previous is None:
        return _counts([a.rag for a in snapshot.actions], None), _counts(
            [k.rag for k in snapshot.measures], None, rags=MEASURE_RAGS
        )
    return _counts([a.rag for a in snapshot.actions], [a.rag for a in previous.actions]), _counts(
        [k.rag for k in snapshot.measures], [k.rag for k in previous.measures], rags=MEASURE_RAGS
    )


def report_summary(*, snapshot: Snapshot, previous: Snapshot | None, previous_title: str = "") -> Summary:
    """The summary of ``snapshot``, compared with ``previous`` (None for the first of its kind)."""
    compared = previous is not None
    action_counts, measure_counts = _rating_counts(snapshot, previous)
    turned_red, completed = _action_moves(snapshot, previous) if compared else ([], [])
    into_red, out_of_red = _measure_moves(snapshot, previous) if compared else ([], [])
    summary = Summary(
        previous_title=previous_title if compared else "",
        actions=action_counts,
        measures=measure_counts,
        counts=tuple(
            CountsRow(
                rag=a.rag, actions=a, measures=next((m for m in measure_counts if m.rag == a.rag), None)
            )
            for a in action_counts
        ),
        chart_height=len(RAG_ORDER) * ROW_HEIGHT,
        actions_turned_red=tuple(turned_red),
        actions_completed=tuple(completed),
        measures_into_red=tuple(into_red),
        measures_out_of_red=tuple(out_of_red),
        questions=snapshot.questions,
        agenda=snapshot.agenda,
    )
    return dataclasses.replace(
        summary,
        note=_note(summary, action_count=len(snapshot.actions), compared=compared),
        decide=_decide(summary),
    )
