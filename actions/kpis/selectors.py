"""Reading KPI figures: the latest figures of many KPIs (rated and with their direction
of travel by the rules in ``rating.py``), and one KPI's history. Every page that shows
a KPI (the list, the detail page, the dashboard, progress reports) takes its figures
and ratings from here.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery, Window
from django.db.models.functions import RowNumber

from actions.models import KPI, KPICommentary, KPIImport, KPIPeriodLock, KPIValue, KPIValueAmendment, Theme
from actions.rag import RAG
from core.filters import Filters
from core.formatting import person_name

from .benchmarks import Position
from .formatting import value_suppressed
from .rating import Rating, Travel, Trend, kpi_rating, kpi_travel, year_before

HAVERING = KPIValue.Area.HAVERING
COMPARATOR_AREAS = (KPIValue.Area.STAT_NEIGHBOURS, KPIValue.Area.LONDON, KPIValue.Area.ENGLAND)
NO_RATING = kpi_rating(KPI(), None)


RECENT_PERIODS = 13  # a year of monthly figures and the one before: the sparkline and both trends


@dataclass
class KPIFigures:
    """A KPI with its recent Havering figures (newest first: the latest, the one before it,
    and back far enough to find the same period a year earlier) and the comparators for
    the latest period. Its rating, direction of travel and sparkline come from these."""

    kpi: KPI
    recent: list[KPIValue] = field(default_factory=list)
    comparators: dict[str, KPIValue] = field(default_factory=dict)
    # Where Havering stands among other councils (the dashboard's red measures).
    position: Position | None = None

    @property
    def latest(self) -> KPIValue | None:
        return self.recent[0] if self.recent else None

    @property
    def previous(self) -> KPIValue | None:
        return self.recent[1] if len(self.recent) > 1 else None

    @cached_property
    def year_ago(self) -> KPIValue | None:
        """The figure for the same period a year before the latest, if there is one."""
        if not self.recent:
            return None
        wanted = year_before(self.recent[0].period_end)
        return next((value for value in self.recent if value.period_end == wanted), None)

    @cached_property
    def rating(self) -> Rating:
        return kpi_rating(
            self.kpi,
            self.latest.value if self.latest else None,
            year_ago=self.year_ago.value if self.year_ago else None,
        )

    def rating_reason(self, *, small_numbers: bool) -> str:
        """Why the figure has its rating, as this viewer may read it: without the figures
        (or how far off target they are) when the latest figure or the year-earlier one it is
        compared with is withheld from them (``small_numbers`` false: a panel member)."""
        shown = [value for value in (self.latest, self.year_ago) if value is not None]
        if small_numbers or not any(
            value_suppressed(self.kpi, v.value, v.numerator, v.denominator) for v in shown
        ):
            return self.rating.reason
        return kpi_rating(
            self.kpi,
            self.latest.value if self.latest else None,
            year_ago=self.year_ago.value if self.year_ago else None,
            hide_figures=True,
        ).reason

    @property
    def rag(self) -> RAG:
        return self.rating.rag

    @cached_property
    def travel(self) -> Travel:
        return kpi_travel(
            self.kpi,
            (self.latest.period_end, self.latest.value) if self.latest else None,
            (self.previous.period_end, self.previous.value) if self.previous else None,
            self.year_ago.value if self.year_ago else None,
        )

    @property
    def trend(self) -> Trend | None:
        """Short-term direction of travel (against the previous figure)."""
        return self.travel.short

    @property
    def comparator_list(self) -> list[tuple[str, KPIValue | None]]:
        return [(area.label, self.comparators.get(area)) for area in COMPARATOR_AREAS]

    @property
    def comparator_rows(self) -> list[tuple[str, KPIValue, str]]:
        """Each comparator with its own period when that is not Havering's latest one
        (a newer Havering figure has no comparators yet)."""
        rows = []
        for label, value in self.comparator_list:
            if value is None:
                continue
            own = value.period_end != self.latest.period_end if self.latest else False
            rows.append((label, value, period_phrase(self.kpi, value) if own else ""))
        return rows


def period_phrase(kpi: KPI, value: KPIValue) -> str:
    """The period a figure covers, in words: "year to March 2025", "April 2025"."""
    if getattr(value, "layout", "") == "dfe" or kpi.frequency == KPI.Frequency.ANNUAL:
        return f"year to {value.period_end:%B %Y}"
    if kpi.frequency == KPI.Frequency.QUARTERLY:
        return f"quarter to {value.period_end:%B %Y}"
    return f"{value.period_end:%B %Y}"


def latest_kpi_figures(
    *, kpis: QuerySet | list[KPI] | None = None, as_of: date | None = None
) -> list[KPIFigures]:
    """Each KPI's latest Havering figures on or before ``as_of`` (default: the latest of
    all), ``RECENT_PERIODS`` of them, and each comparator's latest figure up to the latest
    period (its own period may be earlier: DfE publishes once a year). Three queries
    whatever the number of KPIs or figures: the KPIs (unless given as a list), the recent
    Havering figures of each and the comparators (window functions)."""
    kpis = list(
        kpis if kpis is not None else KPI.objects.filter(source=KPI.Source.LOCAL).select_related("theme")
    )
    figures = {kpi.pk: KPIFigures(kpi=kpi) for kpi in kpis}
    if not figures:
        return []
    havering = KPIValue.objects.filter(kpi_id__in=figures, area=HAVERING)
    if as_of is not None:
        havering = havering.filter(period_end__lte=as_of)
    newest_first = Window(RowNumber(), partition_by=[F("kpi_id")], order_by=F("period_end").desc())
    ranked = havering.annotate(rank=newest_first).filter(rank__lte=RECENT_PERIODS).order_by("kpi_id", "rank")
    for value in ranked:
        figures[value.kpi_id].recent.append(value)
    # A local measure that tracks a published indicator is also compared through DfE's
    # figures for it (where it has no comparator of its own): its own series stays its own.
    tracked = defaultdict(list)
    upto: dict[int, date] = {}  # each KPI's comparators up to the latest period compared
    for slot in figures.values():
        if slot.latest:
            wanted = [slot.kpi.pk]
            if slot.kpi.tracks_id:
                tracked[slot.kpi.tracks_id].append(slot)
                wanted.append(slot.kpi.tracks_id)
            for kpi_id in wanted:
                upto[kpi_id] = max(upto.get(kpi_id, slot.latest.period_end), slot.latest.period_end)
    published = []
    for value in latest_comparators(upto):
        if value.kpi_id in figures:
            figures[value.kpi_id].comparators[value.area] = value
        if value.kpi_id in tracked:
            published.append(value)
    for value in published:
        for slot in tracked[value.kpi_id]:
            slot.comparators.setdefault(value.area, value)
    return list(figures.values())


def latest_comparators(upto: dict[int, date]) -> list[KPIValue]:
    """Each comparator area's latest figure of each KPI in ``upto`` on or before its date, with
    ``layout``, the layout of the file it came from. One query: for each KPI and area, one
    step back along the unique index (kpi, area, la code, period) rather than ranking every
    figure of every comparator (thousands at 10× data)."""
    if not upto:
        return []
    wanted = ", ".join(["(%s, %s::date)"] * len(upto))
    sql = f"""
        SELECT value.*, source.layout
        FROM (VALUES {wanted}) AS wanted (kpi_id, upto)
        CROSS JOIN unnest(%s::text[]) AS comparator (area)
        CROSS JOIN LATERAL (
            SELECT * FROM actions_kpivalue
            WHERE kpi_id = wanted.kpi_id AND area = comparator.area AND la_code = ''
              AND period_end <= wanted.upto
            ORDER BY period_end DESC
            LIMIT 1
        ) AS value
        LEFT JOIN actions_kpiimport AS source ON source.id = value.source_import_id
    """  # noqa: S608 - only placeholders are formatted in
    params = [item for kpi_id, day in upto.items() for item in (kpi_id, day)]
    return list(KPIValue.objects.raw(sql, [*params, [str(area) for area in COMPARATOR_AREAS]]))


@dataclass(frozen=True)
class KPIFilters(Filters):
    """What the KPI list is narrowed to; empty means every measure."""

    theme: Theme | None = None
    rating: str = ""
    travel: str = ""
    below_target: bool = False


def kpi_list_figures(*, filters: KPIFilters = KPIFilters()) -> tuple[list[KPIFigures], int]:
    """The KPI list: every measure's latest figures in theme order (those without a theme
    last), narrowed by ``filters``; with how many measures there are in all. Ratings and
    direction of travel are worked out in Python, so this is three queries whatever the
    filters: the KPIs, their recent figures and the comparators."""
    figures = latest_kpi_figures(
        kpis=KPI.objects.filter(source=KPI.Source.LOCAL)
        .select_related("theme")
        .order_by(F("theme__position").asc(nulls_last=True), "code")
    )
    shown = [
        figure
        for figure in figures
        if (filters.theme is None or figure.kpi.theme_id == filters.theme.pk)
        and (not filters.rating or figure.rag == filters.rating)
        and (not filters.travel or figure.travel.matches(filters.travel))
        and (not filters.below_target or figure.rating.below_target)
    ]
    return shown, len(figures)


@dataclass
class HistoryRow:
    """One period of a KPI: Havering's figure, its rating and the comparators."""

    period_end: date
    havering: KPIValue | None = None
    comparators: dict[str, KPIValue] = field(default_factory=dict)
    rating: Rating = NO_RATING
    locked: bool = False

    @property
    def rag(self) -> RAG:
        return self.rating.rag

    @property
    def comparator_list(self) -> list[tuple[str, KPIValue | None]]:
        return [(area.label, self.comparators.get(area)) for area in COMPARATOR_AREAS]

    @property
    def amended(self) -> list[tuple[str, KPIValue]]:
        """This period's figures changed after its report was issued, with their areas
        (each value carries ``amended_at`` and ``amendment_reason``, its latest change)."""
        values = [(KPIValue.Area.HAVERING.label, self.havering)]
        values += [(area.label, self.comparators.get(area)) for area in COMPARATOR_AREAS]
        return [(label, value) for label, value in values if value is not None and value.amended_at]

    @property
    def sources(self) -> list["Source"]:
        """Where this period's figures came from, Havering's first."""
        seen, found = set(), []
        for value in [self.havering, *(self.comparators.get(area) for area in COMPARATOR_AREAS)]:
            if value is None:
                continue
            source = Source.of(value)
            if source not in seen:
                seen.add(source)
                found.append(source)
        return found


@dataclass(frozen=True)
class Source:
    """Provenance of a figure: the import that set it (and who ran it), or the person
    who typed it in, or the portal's own records for a derived figure."""

    kpi_import_id: int | None
    file_name: str
    person: str
    when: object
    derived: bool = False

    @classmethod
    def of(cls, value: KPIValue) -> "Source":
        if value.source_import_id:
            upload = value.source_import
            person = person_name(upload.uploaded_by) or upload.get_source_display()
            return cls(upload.pk, upload.file_name, person, upload.finished_at or upload.created_at)
        if value.is_derived:
            return cls(None, "", "", value.updated_at, derived=True)
        return cls(None, "", person_name(value.updated_by), value.updated_at)


def kpi_history(*, kpi: KPI) -> list[HistoryRow]:
    """Every period of a KPI, newest first, with Havering's figure, its rating, the
    comparators, where each came from, whether the period is locked (in an issued
    report) and each figure's latest amendment since. One query."""
    latest_amendment = KPIValueAmendment.objects.filter(kpi_value=OuterRef("pk")).order_by(
        "-changed_at", "-pk"
    )
    covering_lock = KPIPeriodLock.objects.filter(
        period_start__lte=OuterRef("period_end"), period_end__gte=OuterRef("period_end")
    )
    values = (
        KPIValue.objects.filter(kpi=kpi)
        .exclude(area=KPIValue.Area.COUNCIL)
        .select_related("source_import__uploaded_by", "updated_by")
        .annotate(
            locked=Exists(covering_lock),
            amended_at=Subquery(latest_amendment.values("changed_at")[:1]),
            amendment_reason=Subquery(latest_amendment.values("reason")[:1]),
        )
        .order_by("-period_end", "area")
    )
    rows: dict[date, HistoryRow] = {}
    for value in values:
        row = rows.setdefault(value.period_end, HistoryRow(period_end=value.period_end, locked=value.locked))
        if value.area == HAVERING:
            row.havering = value
        else:
            row.comparators[value.area] = value
    for row in rows.values():
        if row.havering:
            year_ago = rows.get(year_before(row.period_end))
            then = year_ago.havering.value if year_ago and year_ago.havering else None
            row.rating = kpi_rating(kpi, row.havering.value, year_ago=then)
    return list(rows.values())


def figures_from_history(*, kpi: KPI, history: list[HistoryRow]) -> KPIFigures:
    """The latest figures of one KPI (rating, direction of travel) from its history, as
    ``kpi_history`` returns it: no further query."""
    recent = [row.havering for row in history if row.havering][:RECENT_PERIODS]
    latest = next((row for row in history if row.havering), None)
    return KPIFigures(kpi=kpi, recent=recent, comparators=dict(latest.comparators) if latest else {})


def kpi_values_for_export(*, kpi: KPI | None = None) -> QuerySet:
    """KPI values in the long import layout's order, for downloads. One query."""
    # Other councils' figures are DfE's, re-imported from DfE's files; not in this layout.
    values = (
        KPIValue.objects.exclude(area=KPIValue.Area.COUNCIL)
        .select_related("kpi")
        .order_by("kpi__code", "period_end", "area")
    )
    if kpi is not None:
        values = values.filter(kpi=kpi)
    return values


def kpi_imports() -> QuerySet:
    """Imports, newest first, with who ran them. One query (per page)."""
    return KPIImport.objects.select_related("uploaded_by").order_by("-created_at", "-pk")


# --- locked periods ------------------------------------------------------------------------


@dataclass(frozen=True)
class PeriodLocks:
    """Every locked range of period ends, read in one query and then checked in Python
    (there are a few dozen at most: one per issued report)."""

    locks: tuple[KPIPeriodLock, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.locks)

    def lock_for(self, period_end: date) -> KPIPeriodLock | None:
        """The first lock that covers this period end, or None."""
        for lock in self.locks:
            if lock.period_start <= period_end <= lock.period_end:
                return lock
        return None

    def locked(self, period_ends: Iterable[date]) -> dict[date, KPIPeriodLock]:
        """Which of these period ends are locked, each with the first lock covering it."""
        found = {}
        if self.locks:
            for period_end in set(period_ends):
                if lock := self.lock_for(period_end):
                    found[period_end] = lock
        return found


def period_locks() -> PeriodLocks:
    """The locks, oldest first (so a period is named by the report that first locked it). One query."""
    return PeriodLocks(tuple(KPIPeriodLock.objects.order_by("locked_at", "pk")))


def locked_period_ends(period_ends: Iterable[date]) -> dict[date, KPIPeriodLock]:
    """Which of many period ends are locked, in one query whatever their number."""
    return period_locks().locked(period_ends)


def is_locked(period_end: date) -> bool:
    """Is this one period end in a locked range? One query."""
    return KPIPeriodLock.objects.filter(period_start__lte=period_end, period_end__gte=period_end).exists()


# --- Owners' commentary ----------------------------------------------------------------------


def kpi_commentary_history(*, kpi: KPI) -> dict[date, list[KPICommentary]]:
    """Every commentary on the KPI, by period (newest period first), the current version
    of each period first and its earlier versions after it. One query."""
    by_period: dict[date, list[KPICommentary]] = {}
    for entry in kpi.commentaries.select_related("author").order_by("-period_end", "-created_at", "-pk"):
        by_period.setdefault(entry.period_end, []).append(entry)
    return by_period


def current_commentaries(*, periods: Iterable[tuple[int, date]]) -> dict[tuple[int, date], KPICommentary]:
    """The current (latest) commentary for each (KPI id, period end) asked for. One query."""
    wanted = Q()
    for kpi_id, period_end in periods:
        wanted |= Q(kpi_id=kpi_id, period_end=period_end)
    if not wanted:
        return {}
    latest = (
        KPICommentary.objects.filter(wanted)
        .select_related("author")
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("kpi_id"), F("period_end")],
                order_by=[F("created_at").desc(), F("pk").desc()],
            )
        )
        .filter(rank=1)
    )
    return {(entry.kpi_id, entry.period_end): entry for entry in latest}


def kpi_rated_periods(*, kpi: KPI) -> list[tuple[date, RAG]]:
    """Each period with a Havering figure, newest first, with its rating by the measure's
    rules (as its page shows it). One query."""
    return [(row.period_end, row.rag) for row in kpi_history(kpi=kpi) if row.havering]


def red_and_amber_commentary(
    figures: Iterable[KPIFigures],
) -> list[tuple[KPIFigures, KPICommentary | None]]:
    """The red and amber figures among ``figures`` (red first, then by code), each with
    its owner's current commentary on that period, or None. One query (none if there
    are no such figures). The dashboard, the reminders and the completion page use it."""
    watched = [figure for figure in figures if figure.rag in (RAG.RED, RAG.AMBER)]
    watched.sort(key=lambda figure: (figure.rag != RAG.RED, figure.kpi.code))
    said = current_commentaries(periods=[(figure.kpi.pk, figure.latest.period_end) for figure in watched])
    return [(figure, said.get((figure.kpi.pk, figure.latest.period_end))) for figure in watched]


@dataclass(frozen=True)
class LastPublished:
    """DfE's latest published figures of the indicator a local measure tracks."""

    kpi: KPI
    havering: KPIValue | None
    comparators: list[tuple[str, KPIValue]]


def last_published(*, kpi: KPI) -> LastPublished | None:
    """For a local measure that tracks a published indicator: that indicator's latest Havering
    figure and, for the same year, London, the neighbours' median and England. One query."""
    if kpi.tracks_id is None:
        return None
    published = kpi.tracks
    areas = (KPIValue.Area.LONDON, KPIValue.Area.STAT_NEIGHBOURS_MEDIAN, KPIValue.Area.ENGLAND)
    values = list(
        KPIValue.objects.filter(kpi=published, area__in=(HAVERING, *areas)).order_by("-period_end", "area")
    )
    latest = next((value for value in values if value.area == HAVERING), None)
    if latest is None:
        return LastPublished(published, None, [])
    found = {
        value.area: value
        for value in values
        if value.period_end == latest.period_end and value.area != HAVERING and value.value is not None
    }
    labels = {KPIValue.Area.STAT_NEIGHBOURS_MEDIAN: "neighbours' median"}
    comparators = [
        (labels.get(area, KPIValue.Area(area).label), found[area]) for area in areas if area in found
    ]
    return LastPublished(published, latest, comparators)
