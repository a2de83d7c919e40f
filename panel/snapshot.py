"""What a progress report freezes: the plan and its figures as they stood at period end.

The snapshot (``panel.snapshot_types.Snapshot``, stored on the report as JSON) has the
words and figures already written out, so a report reads the same in three years' time whatever happens to the
live records. Everything in it is an aggregate or about the plan: no child's record.
Disclosure control (``core.disclosure``) is applied here, before anything is frozen:
every page, workbook, PDF and e-mail made from a report reads what a panel member may see.
"""

from datetime import date, datetime, time

from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from actions.kpis.formatting import kpi_figure, kpi_number, kpi_value_fields, kpi_value_text
from actions.kpis.framework import framework_report_rows
from actions.kpis.selectors import current_commentaries, latest_kpi_figures
from actions.models import KPI, Action, ProgressUpdate, Theme
from actions.rag import RAG, RAG_ORDER
from actions.selectors import plan_state
from core.disclosure import count as suppress_small
from core.disclosure import worked_out
from core.formatting import person_name
from core.months import month_end
from participation.derived_kpis import derived_kpis_record
from participation.iv.selectors import iv_panel_figures
from participation.models import FeedbackItem
from participation.selectors import participation_panel_figures

from .models import AgendaItem, PanelAction
from .snapshot_types import (
    ActionRow,
    AgendaEntry,
    Commentary,
    FrameworkRow,
    MeasureRow,
    Question,
    RagCount,
    Snapshot,
    Table,
    ThemeSection,
    loaded,
)


def _end_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.max))


def _actions_by_theme(as_of: date) -> dict[int, list[ActionRow]]:
    latest = ProgressUpdate.objects.filter(action=OuterRef("id"), created_at__lte=_end_of(as_of)).order_by(
        "-created_at", "-pk"
    )
    actions = (
        plan_state(as_of=as_of)
        .annotate(
            done_then=Subquery(latest.values("done")[:1]), next_then=Subquery(latest.values("next_steps")[:1])
        )
        .select_related("commitment", "lead")
        .order_by("commitment__position", "due_date", "id")
    )
    themes: dict[int, list[ActionRow]] = {}
    for action in actions:
        themes.setdefault(action.commitment.theme_id, []).append(
            ActionRow(
                id=action.id,
                commitment=action.commitment.code,
                title=action.title,
                lead=person_name(action.lead),
                lead_organisation=action.lead_organisation,
                due_date=action.due_date.isoformat(),
                status=action.status,
                status_label=Action.Status(action.status).label,
                rag=action.rag,
                rag_label=RAG(action.rag).label,
                overdue=action.is_overdue,
                stale=action.is_stale,
                latest_update=timezone.localdate(action.last_update_at).isoformat()
                if action.last_update_at
                else None,
                done=action.done_then or "",
                next_steps=action.next_then or "",
            )
        )
    return themes


def _commentary(entry) -> Commentary | None:
    """The owner's commentary on the period's figure, as it stood when the report was built."""
    if entry is None:
        return None
    return Commentary(
        text=entry.commentary,
        corrective_action=entry.corrective_action,
        author=person_name(entry.author),
        written_on=timezone.localdate(entry.created_at).isoformat(),
    )


def _measure_row(figure, commentary: Commentary | None) -> MeasureRow:
    kpi, latest = figure.kpi, figure.latest
    value, numerator, denominator = kpi_value_fields(latest, kpi) if latest else (None, None, None)
    return MeasureRow(
        code=kpi.code,
        name=kpi.name,
        period_end=latest.period_end.isoformat() if latest else None,
        value=float(value) if value is not None and not isinstance(value, str) else value,
        numerator=numerator,
        denominator=denominator,
        display=kpi_figure(latest, kpi) if latest else "No figure",
        rag=figure.rag.value,
        rag_label=figure.rag.label,
        trend_label=figure.trend.label if figure.trend else "",
        # Direction of travel, short and long term, and why the figure is its colour.
        travel=figure.travel.words,
        travel_short=figure.travel.short.meaning if figure.travel.short else "",
        travel_long=figure.travel.long.meaning if figure.travel.long else "",
        # Reports go to panel members: no figure withheld from them on their pages.
        rating_reason=figure.rating_reason(small_numbers=False),
        target=float(kpi.target) if kpi.target is not None else None,
        target_display=kpi_number(kpi.target, kpi) if kpi.target is not None else "",
        comparators={area: float(v.value) for area, v in figure.comparators.items() if v.value is not None},
        comparators_display={area: kpi_value_text(v, kpi) for area, v in figure.comparators.items()},
        owner=person_name(kpi.owner) if kpi.owner else "",
        commentary=commentary,
    )


def _kpi_rows(as_of: date) -> dict[int | None, list[MeasureRow]]:
    rows: dict[int | None, list[MeasureRow]] = {}
    figures = latest_kpi_figures(
        kpis=list(
            KPI.objects.filter(source=KPI.Source.LOCAL).select_related("theme", "owner").order_by("code")
        ),
        as_of=as_of,
    )
    said = current_commentaries(
        periods=[(figure.kpi.pk, figure.latest.period_end) for figure in figures if figure.latest]
    )
    for figure in figures:
        latest = figure.latest
        commentary = _commentary(said.get((figure.kpi.pk, latest.period_end))) if latest else None
        rows.setdefault(figure.kpi.theme_id, []).append(_measure_row(figure, commentary))
    return rows


def _rag_counts(items: list[ActionRow]) -> tuple[RagCount, ...]:
    counts = dict.fromkeys(RAG_ORDER, 0)
    for item in items:
        counts[RAG(item.rag)] += 1
    return tuple(RagCount(rag=rag.value, count=n) for rag, n in counts.items() if n)


def _iv_section(as_of: date) -> Table:
    iv = iv_panel_figures(as_of=as_of)
    percent = f"{iv.percent_with_iv}%" if iv.percent_with_iv is not None else "–"
    rows = [
        ["Children waiting for a visitor", suppress_small(iv.waiting)],
        ["Longest wait (days)", worked_out(iv.longest_wait_days, iv.waiting)],
        [
            "Median days from referral to match (past year)",
            worked_out(iv.median_days_to_match, iv.matched_in_year),
        ],
        ["Children in care with a visitor", suppress_small(iv.looked_after_with_iv)],
        ["Care leavers with a visitor (Havering's extension)", suppress_small(iv.care_leavers_with_iv)],
        [
            "Children in care with a visitor, % of all children in care",
            worked_out(percent, iv.looked_after_with_iv, iv.cla_count),
        ],
        [
            f"Matches lasting {iv.min_match_months} months or more",
            suppress_small(iv.current_matches_min_length),
        ],
        *[[f"Matches ended in the year: {reason}", suppress_small(n)] for reason, n in iv.endings_by_reason],
    ]
    return Table(
        title="Independent Visitors",
        sheet="Independent Visitors",
        headers=("Measure", "Figure"),
        rows=tuple(tuple(row) for row in rows),
    )


def _participation_section(as_of: date) -> Table:
    figures = participation_panel_figures(as_of=as_of)
    rows = [
        [
            g.name,
            g.session_count,
            suppress_small(g.in_care),
            suppress_small(g.care_leavers),
            suppress_small(g.others),
        ]
        for g in figures.groups
        if g.session_count
    ]
    total = figures.totals
    rows.append(
        [
            "All groups",
            total.session_count,
            suppress_small(total.in_care),
            suppress_small(total.care_leavers),
            suppress_small(total.others),
        ]
    )
    return Table(
        title="Participation in the past year",
        sheet="Participation",
        headers=("Group", "Sessions", "Attendances: in care", "Care leavers", "Others"),
        rows=tuple(tuple(row) for row in rows),
        empty="No sessions were logged in the year.",
    )


def _you_said_we_did(start: date, end: date) -> Table:
    items = (
        FeedbackItem.objects.filter(raised_on__lte=end)
        .filter(
            Q(raised_on__gte=start)
            | Q(reported_back_on__gte=start, reported_back_on__lte=end)
            | Q(status__in=FeedbackItem.OPEN_STATUSES)
        )
        .select_related("group", "theme", "action")
        .order_by("theme__position", "-raised_on", "pk")
    )
    return Table(
        title="You said, we did",
        sheet="You said, we did",
        headers=("Promise", "Group", "You said", "We did", "Status", "Action"),
        rows=tuple(
            (
                item.theme.name,
                item.group.name if item.group else "",
                item.said,
                item.response or "Not answered yet",
                item.get_status_display(),
                item.action.title if item.action else "",
            )
            for item in items
        ),
        empty="Nothing was raised or answered in this period.",
    )


def _open_questions(as_of: date) -> tuple[Question, ...]:
    """The panel's questions and actions raised by ``as_of`` and still open then."""
    items = (
        PanelAction.objects.filter(meeting__starts_at__lte=_end_of(as_of))
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=as_of))
        .select_related("meeting", "owner")
        .order_by("meeting__starts_at", "pk")
    )
    return tuple(
        Question(
            kind=item.get_kind_display(),
            text=item.text,
            owner=person_name(item.owner),
            raised=timezone.localdate(item.meeting.starts_at).isoformat(),
            due_date=item.due_date.isoformat() if item.due_date else None,
            response=item.response,
        )
        for item in items
    )


def _agenda(meeting) -> tuple[AgendaEntry, ...]:
    if meeting is None:
        return ()
    return tuple(
        AgendaEntry(position=item.position, title=item.title, presenter=item.presenter)
        for item in AgendaItem.objects.filter(meeting=meeting).order_by("position", "pk")
    )


def build_snapshot(report, progress) -> Snapshot:
    as_of = report.period_end
    if as_of == month_end(as_of):
        # The portal's own figures (H03–H05) for the month go in before the report
        # freezes the period; once it is issued they are locked with the rest.
        progress(2, "Working out the derived figures")
        derived_kpis_record(period_end=as_of)
    progress(5, "Reading the action plan")
    actions = _actions_by_theme(as_of)
    progress(35, "Reading the performance figures")
    kpis = _kpi_rows(as_of)
    progress(60, "Reading participation and Independent Visitor figures")
    sections = (
        _iv_section(as_of),
        _participation_section(as_of),
        _you_said_we_did(report.period_start, as_of),
    )
    progress(85, "Writing the report")
    themes = tuple(
        ThemeSection(
            code=theme.code,
            name=theme.name,
            actions=tuple(actions.get(theme.pk, [])),
            rag_counts=_rag_counts(actions.get(theme.pk, [])),
            kpis=tuple(kpis.get(theme.pk, [])),
        )
        for theme in Theme.objects.order_by("position")
    )
    pack = report.kind == report.Kind.MEETING_PACK
    return Snapshot(
        period_start=report.period_start.isoformat(),
        period_end=as_of.isoformat(),
        themes=themes,
        context=tuple(kpis.get(None, [])),
        # DfE's National Framework indicators, as the inspectors read them (meeting packs).
        framework=tuple(loaded(FrameworkRow, row) for row in framework_report_rows(as_of=as_of))
        if pack
        else (),
        sections=sections,
        questions=_open_questions(as_of),
        agenda=_agenda(report.meeting),
    )
