"""A report's one-page summary: what changed since the previous report of its kind.

Worked out from two frozen snapshots (this report's and the previous issued one's), never
from today's records, so a summary reads the same however late it is opened or rebuilt.
"""

from actions.rag import RAG, RAG_ORDER

# GOV.UK Frontend's tag colours, so the chart matches the tags on every page.
RAG_COLOURS = {
    RAG.RED: "#942514",
    RAG.AMBER: "#6e3619",
    RAG.GREEN: "#005a30",
    RAG.COMPLETE: "#0c2d4a",
    RAG.NONE: "#383f43",
}
CHART_WIDTH = 300  # SVG user units for the longest bar


def _actions(data: dict) -> dict[int, dict]:
    return {a["id"]: {**a, "theme": t["name"]} for t in data.get("themes", []) for a in t.get("actions", [])}


def _measures(data: dict) -> dict[str, dict]:
    rows = [k for t in data.get("themes", []) for k in t.get("kpis", [])] + list(data.get("context", []))
    return {k["code"]: k for k in rows}


def _commentary(kpi: dict) -> str:
    """The owner's commentary on a measure, if the snapshot carries it (a string or {"text": ...})."""
    note = kpi.get("commentary") or ""
    if isinstance(note, dict):
        note = note.get("text") or ""
    return str(note)


def _change(now: int, before: int | None) -> str:
    if before is None:
        return ""
    if now == before:
        return "no change"
    return f"up {now - before}" if now > before else f"down {before - now}"


MEASURE_RAGS = tuple(rag for rag in RAG_ORDER if rag != RAG.COMPLETE)


def counted(number: int, noun: str) -> str:
    """ "1 action", "8 actions": never "8 action(s)" in what the panel reads."""
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _counts(now: dict, before: dict | None, *, rags=RAG_ORDER) -> list[dict]:
    rows = []
    tallies = {rag: sum(1 for item in now.values() if item["rag"] == rag) for rag in rags}
    earlier = (
        {rag: sum(1 for item in before.values() if item["rag"] == rag) for rag in rags}
        if before is not None
        else None
    )
    largest = max([1, *tallies.values(), *(earlier or {}).values()])
    for position, rag in enumerate(rags):
        count, was = tallies[rag], earlier[rag] if earlier is not None else None
        rows.append(
            {
                "rag": rag.value,
                "label": rag.label,
                "count": count,
                "before": was,
                "change": _change(count, was),
                # Geometry for the vector chart: one row of two bars (now, before) per rating.
                "y": position * 24,
                "width": round(count / largest * CHART_WIDTH, 1),
                "width_before": round((was or 0) / largest * CHART_WIDTH, 1),
                "colour": RAG_COLOURS[rag],
            }
        )
    return rows


def _action_line(action: dict, was: dict | None) -> dict:
    return {
        "commitment": action["commitment"],
        "title": action["title"],
        "theme": action["theme"],
        "lead": action["lead"],
        "status_label": action["status_label"],
        "was": was["rag_label"] if was else "not in the plan",
    }


def _measure_line(kpi: dict, was: dict | None) -> dict:
    return {
        "code": kpi["code"],
        "name": kpi["name"],
        "display": kpi.get("display", ""),
        "was": was.get("display", "") if was else "",
        "rag_label": kpi.get("rag_label", ""),
        "commentary": _commentary(kpi),
    }


def report_summary(*, data: dict, previous_data: dict | None, previous_title: str = "") -> dict:
    """The summary of ``data``, compared with ``previous_data`` (None for the first of its kind)."""
    actions, measures = _actions(data), _measures(data)
    before_actions = _actions(previous_data) if previous_data is not None else None
    before_measures = _measures(previous_data) if previous_data is not None else None

    turned_red, completed, into_red, out_of_red = [], [], [], []
    if before_actions is not None:
        for pk, action in actions.items():
            was = before_actions.get(pk)
            if action["rag"] == RAG.RED and (was is None or was["rag"] != RAG.RED):
                turned_red.append(_action_line(action, was))
            if action["status"] == "completed" and (was is None or was["status"] != "completed"):
                completed.append(_action_line(action, was))
    if before_measures is not None:
        for code, kpi in measures.items():
            was = before_measures.get(code)
            was_red = was is not None and was.get("rag") == RAG.RED
            if kpi.get("rag") == RAG.RED and not was_red:
                into_red.append(_measure_line(kpi, was))
            elif was_red and kpi.get("rag") != RAG.RED:
                out_of_red.append(_measure_line(kpi, was))

    action_counts = _counts(actions, before_actions)
    # A measure is never "complete": that rating is for actions alone.
    measure_counts = _counts(measures, before_measures, rags=MEASURE_RAGS)
    questions = data.get("questions", [])
    red_now = next(row["count"] for row in action_counts if row["rag"] == RAG.RED)
    note = [
        f"{len(actions)} actions at the end of the period: "
        + ", ".join(f"{row['count']} {row['label'].lower()}" for row in action_counts if row["count"]),
    ]
    if previous_data is not None:
        note.append(
            f"Since {previous_title}: {counted(len(turned_red), 'action')} turned red, "
            f"{len(completed)} completed; {counted(len(into_red), 'measure')} moved into red "
            f"and {len(out_of_red)} out of red."
        )
    decide = []
    if turned_red:
        decide.append(
            f"Which of the {counted(len(turned_red), 'action')} that turned red to ask their leads about."
        )
    elif red_now:
        decide.append(f"Whether the {counted(red_now, 'red action')} need the panel's challenge.")
    if into_red:
        decide.append(
            f"What to ask the owners of the {counted(len(into_red), 'measure')} that moved into red."
        )
    if questions:
        decide.append(
            f"Whether the answers to the {counted(len(questions), 'open question')} are enough to close them."
        )
    return {
        "previous_title": previous_title if previous_data is not None else "",
        "actions": action_counts,
        "measures": measure_counts,
        "counts": [
            {
                "rag": a["rag"],
                "actions": a,
                "measures": next((m for m in measure_counts if m["rag"] == a["rag"]), None),
            }
            for a in action_counts
        ],
        "chart_height": len(RAG_ORDER) * 24,
        "actions_turned_red": turned_red,
        "actions_completed": completed,
        "measures_into_red": into_red,
        "measures_out_of_red": out_of_red,
        "questions": questions,
        "agenda": data.get("agenda", []),
        "note": note,
        "decide": decide,
    }
