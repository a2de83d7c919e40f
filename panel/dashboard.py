"""What the panel's dashboard shows, read in a fixed number of queries at any scale.

Every figure is an aggregate: no child-level record reaches this page.
"""

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from actions.kpis.benchmarks import benchmark_positions
from actions.kpis.selectors import KPIFigures, latest_kpi_figures, red_and_amber_commentary
from actions.models import KPI, KPICommentary, KPIValue, Theme
from actions.month_ends import rag_counts_over_time, rag_totals
from actions.rag import RAG, RAG_ORDER
from actions.selectors import plan_state, rag_by_theme
from core.cache import cached
from participation.derived_kpis import latest_derived
from participation.iv.selectors import IVFigures, iv_panel_figures, overdue_visits
from participation.models import FeedbackItem
from participation.selectors import feedback_overdue_before

from .charts import RagHistoryChart, StackedBar, rag_bar, rag_history_chart
from .models import Meeting, ProgressReport
from .reports import latest_report

ATTENTION_LIMIT = 8
# What each part of the page rests on (each part is cached apart, on its own tables: a lead's
# progress update makes only the plan's part stale). The measures: the KPI figures, their
# benchmarks among other councils and owners' commentary (as the KPI list page).
MEASURES_REST_ON = (
    "actions_kpi",
    "actions_kpivalue",
    "actions_kpivalueamendment",
    "actions_kpiimport",
    "actions_kpicommentary",
    "actions_kpiperiodlock",
    "actions_theme",
    "actions_localauthority",
    "actions_statisticalneighbour",
    "actions_neighbourmodel",
    "actions_dfemapping",
)
# The plan's part: the plan's tables, and the measures' (its table counts measures by promise).
PLAN_REST_ON = ("actions",)
# Feedback, Independent Visitors, meetings and reports, and the derived measures (KPI figures).
PEOPLE_REST_ON = ("participation", "panel", "actions_kpi", "actions_kpivalue")


@dataclass
class ThemeSummary:
    theme: Theme
    actions: list[tuple[RAG, int]]
    kpis: list[tuple[RAG, int]]

    @property
    def action_total(self) -> int:
        return sum(n for _, n in self.actions)

    def actions_link(self, rag: RAG) -> str:
        """The plan filtered to this promise's actions with this rating."""
        return f"{reverse('action_plan')}?{urlencode({'theme': self.theme.code, 'rag': rag.value})}"

    def kpis_link(self, rag: RAG) -> str:
        """The KPI list filtered to this promise's measures with this rating."""
        return f"{reverse('kpi_list')}?{urlencode({'theme': self.theme.code, 'rating': rag.value})}"

    @property
    def action_bar(self) -> StackedBar | None:
        return rag_bar(
            self.actions, what=f"{self.theme.name} actions", plural="actions", href=self.actions_link
        )

    @property
    def kpi_bar(self) -> StackedBar | None:
        return rag_bar(self.kpis, what=f"{self.theme.name} measures", plural="measures", href=self.kpis_link)


@dataclass
class PlanBoard:
    """The plan's part of the dashboard: each promise's actions (and measures) by rating, the
    ratings month by month, and the actions that need attention."""

    themes: list[ThemeSummary]
    overdue_count: int
    stale_count: int
    overdue: list
    stale: list
    rag_history: RagHistoryChart | None


@dataclass
class MeasuresBoard:
    """The red measures, and the owners' commentary on red and amber ones."""

    red_kpis: list[KPIFigures]
    red_kpi_count: int
    # Red and amber measures with their owner's commentary on the latest figure (or None).
    kpi_commentary: list[tuple[KPIFigures, KPICommentary | None]] = field(default_factory=list)


@dataclass
class PeopleBoard:
    """Feedback, Independent Visitors, the next meeting and the latest meeting pack."""

    feedback_open: int
    feedback_open_too_long: int
    iv: IVFigures
    iv_overdue_visits: int
    # The derived measures (H03-H05) as the figures page shows them (latest_derived).
    derived: dict[str, KPIValue]
    next_meeting: Meeting | None
    latest_report: ProgressReport | None


def _counts(counter: dict[RAG, int]) -> list[tuple[RAG, int]]:
    return [(rag, counter.get(rag, 0)) for rag in RAG_ORDER]


@dataclass
class _Measures:
    figures: list[KPIFigures]
    kpis_by_theme: dict[int, dict[RAG, int]]
    red_kpis: list[KPIFigures]
    commentary: list[tuple[KPIFigures, KPICommentary | None]]


def _measures(as_of: date, *, small_numbers: bool) -> _Measures:
    figures = latest_kpi_figures(
        kpis=list(KPI.objects.filter(source=KPI.Source.LOCAL).select_related("theme", "owner")), as_of=as_of
    )
    kpis_by_theme: dict[int, dict[RAG, int]] = {}
    for figure in figures:
        if figure.kpi.theme_id is not None:
            tally = kpis_by_theme.setdefault(figure.kpi.theme_id, {})
            tally[figure.rag] = tally.get(figure.rag, 0) + 1
    red_kpis = [figure for figure in figures if figure.rag == RAG.RED]
    positions = benchmark_positions(
        kpis=[figure.kpi for figure in red_kpis], as_of=as_of, small_numbers=small_numbers
    )
    for figure in red_kpis:
        figure.position = positions.get(figure.kpi.pk)
    return _Measures(figures, kpis_by_theme, red_kpis, red_and_amber_commentary(figures))


class Dashboard:
    """The dashboard at the end of ``as_of`` (default today) in its parts, each computed only
    when its cached fragment is not kept, the measures once for the two parts that show them.
    ``small_numbers``: the viewer sees small counts (otherwise a red measure whose figure is
    withheld is not ranked against others)."""

    # The tables each part's fragment rests on (``{% cached … on dashboard.rests_on.plan %}``).
    rests_on = {
        "plan": " ".join(PLAN_REST_ON),
        "measures": " ".join(MEASURES_REST_ON),
        "people": " ".join(PEOPLE_REST_ON),
    }

    def __init__(self, *, as_of: date | None = None, small_numbers: bool = False):
        today = timezone.localdate()
        self.as_of = min(as_of or today, today)
        self.small_numbers = small_numbers

    @cached_property
    def _measures(self) -> _Measures:
        # Kept apart from the parts: the plan's part counts them by promise after every
        # update without working the KPI figures out again.
        return cached(
            "dashboard-measures",
            [self.as_of, self.small_numbers],
            lambda: _measures(self.as_of, small_numbers=self.small_numbers),
            tables=MEASURES_REST_ON,
            stale_while_computing=True,  # as the parts that show them
        )

    def plan(self) -> PlanBoard:
        """Queries: the measures (below) unless cached; themes; actions by theme and RAG; the
        plan's ratings at the end of each of the last 12 months (1: the closed months' counts;
        the day itself is the counts by theme); overdue and stale counts; the first overdue
        and the first stale actions."""
        measures = self._measures
        themes = list(Theme.objects.order_by("position"))
        actions_by_theme = rag_by_theme(as_of=self.as_of)
        rag_history = rag_counts_over_time(as_of=self.as_of, counts_on_the_day=rag_totals(actions_by_theme))
        plan = plan_state(as_of=self.as_of)
        counts = plan.aggregate(
            overdue=Count("id", filter=Q(is_overdue=True)), stale=Count("id", filter=Q(is_stale=True))
        )
        attention = plan.select_related("lead", "commitment").order_by("due_date", "id")
        return PlanBoard(
            themes=[
                ThemeSummary(
                    theme=theme,
                    actions=_counts(actions_by_theme.get(theme.pk, {})),
                    kpis=_counts(measures.kpis_by_theme.get(theme.pk, {})),
                )
                for theme in themes
            ],
            overdue_count=counts["overdue"],
            stale_count=counts["stale"],
            overdue=list(attention.filter(is_overdue=True)[:ATTENTION_LIMIT]),
            stale=list(attention.filter(is_stale=True).order_by("last_update_at", "id")[:ATTENTION_LIMIT]),
            rag_history=rag_history_chart(rag_history),
        )

    def measures(self) -> MeasuresBoard:
        """Queries, unless cached: KPIs; KPI figures (2); where the red ones stand among other
        councils (3, when any is red and DfE publishes it); owners' commentary on red and
        amber figures (1, when there are any)."""
        return MeasuresBoard(
            red_kpis=self._measures.red_kpis[:ATTENTION_LIMIT],
            red_kpi_count=len(self._measures.red_kpis),
            kpi_commentary=self._measures.commentary,
        )

    def people(self) -> PeopleBoard:
        """Queries: open feedback; the IV figures (6); IV overdue visits; the derived measures
        (1 once stored); the next meeting; the latest meeting pack."""
        feedback = FeedbackItem.objects.filter(
            status__in=FeedbackItem.OPEN_STATUSES, raised_on__lte=self.as_of
        ).aggregate(
            open=Count("pk"),
            too_long=Count("pk", filter=Q(raised_on__lt=feedback_overdue_before(today=self.as_of))),
        )
        return PeopleBoard(
            feedback_open=feedback["open"],
            feedback_open_too_long=feedback["too_long"],
            iv=iv_panel_figures(as_of=self.as_of),
            iv_overdue_visits=overdue_visits(today=self.as_of).count(),
            derived=latest_derived(as_of=self.as_of),
            next_meeting=Meeting.objects.filter(starts_at__gte=timezone.now()).order_by("starts_at").first(),
            # What the panel reads before a meeting: the latest meeting pack, not a monthly report.
            latest_report=latest_report(kind=ProgressReport.Kind.MEETING_PACK),
        )
