"""Reading KPI figures: the RAG and trend rules, the latest figures of many KPIs, and
one KPI's history. Every page that shows a KPI (the list, the detail page, the
dashboard, progress reports) takes its figures and ratings from here.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery, Window
from django.db.models.functions import RowNumber

from actions.models import KPI, KPIImport, KPIPeriodLock, KPIValue, KPIValueAmendment
from actions.rag import RAG

from .benchmarks import Position

HAVERING = KPIValue.Area.HAVERING
COMPARATOR_AREAS = (KPIValue.Area.STAT_NEIGHBOURS, KPIValue.Area.LONDON, KPIValue.Area.ENGLAND)


def kpi_rag(kpi: KPI, value: Decimal | None) -> RAG:
    """The RAG rating of one figure of a KPI.

    - No figure, no target, or a neutral KPI (e.g. the number of children in care):
      no rating.
    - Higher is better: green at or above the target; amber below it by no more than
      the amber tolerance; red further below.
    - Lower is better: the mirror image: green at or below the target; amber above it
      by no more than the tolerance; red further above.

    The tolerance is in the KPI's own unit (percentage points for a %); none means 0,
    so the figure is green or red.
    """
    if value is None or kpi.target is None or kpi.polarity == KPI.Polarity.NEUTRAL:
        return RAG.NONE
    tolerance = kpi.amber_tolerance or Decimal(0)
    shortfall = kpi.target - value if kpi.polarity == KPI.Polarity.HIGHER else value - kpi.target
    if shortfall <= 0:
        return RAG.GREEN
    if shortfall <= tolerance:
        return RAG.AMBER
    return RAG.RED


@dataclass(frozen=True)
class Trend:
    """How the latest figure moved since the one before: ``direction`` is up, down or
    same; ``meaning`` is better, worse or, for a neutral KPI, empty."""

    direction: str
    meaning: str

    ARROWS = {"up": "↑", "down": "↓", "same": "→"}

    @property
    def arrow(self) -> str:
        return self.ARROWS[self.direction]

    @property
    def label(self) -> str:
        if self.direction == "same":
            return "No change"
        if not self.meaning:
            return "Up" if self.direction == "up" else "Down"
        return "Improving" if self.meaning == "better" else "Getting worse"


def kpi_trend(kpi: KPI, latest: Decimal | None, previous: Decimal | None) -> Trend | None:
    """Up, down or the same as the previous period, and whether that is better or worse
    given the KPI's polarity. None without two figures to compare."""
    if latest is None or previous is None:
        return None
    if latest == previous:
        return Trend("same", "")
    direction = "up" if latest > previous else "down"
    if kpi.polarity == KPI.Polarity.NEUTRAL:
        return Trend(direction, "")
    better = (direction == "up") == (kpi.polarity == KPI.Polarity.HIGHER)
    return Trend(direction, "better" if better else "worse")


@dataclass
class KPIFigures:
    """A KPI with its latest Havering figure, the one before it (for the trend) and the
    comparators for the same period."""

    kpi: KPI
    latest: KPIValue | None = None
    previous: KPIValue | None = None
    comparators: dict[str, KPIValue] = field(default_factory=dict)
    # Where Havering stands among other councils (the dashboard's red measures).
    position: Position | None = None

    @property
    def rag(self) -> RAG:
        return kpi_rag(self.kpi, self.latest.value if self.latest else None)

    @property
    def trend(self) -> Trend | None:
        return kpi_trend(
            self.kpi,
            self.latest.value if self.latest else None,
            self.previous.value if self.previous else None,
        )

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
    """Each KPI's latest Havering figure on or before ``as_of`` (default: the latest of
    all), the previous one, and each comparator's latest figure up to that period (its
    own period may be earlier: DfE publishes once a year). Three queries whatever the
    number of KPIs: the KPIs (unless given as a list), the last two Havering figures of
    each, and the comparators (window functions)."""
    kpis = list(kpis if kpis is not None else KPI.objects.select_related("theme"))
    figures = {kpi.pk: KPIFigures(kpi=kpi) for kpi in kpis}
    if not figures:
        return []
    havering = KPIValue.objects.filter(kpi_id__in=figures, area=HAVERING)
    if as_of is not None:
        havering = havering.filter(period_end__lte=as_of)
    ranked = havering.annotate(
        rank=Window(RowNumber(), partition_by=[F("kpi_id")], order_by=F("period_end").desc())
    ).filter(rank__lte=2)
    for value in ranked:
        slot = figures[value.kpi_id]
        if value.rank == 1:
            slot.latest = value
        else:
            slot.previous = value
    periods = Q()
    for slot in figures.values():
        if slot.latest:
            periods |= Q(kpi_id=slot.kpi.pk, period_end__lte=slot.latest.period_end)
    if periods:
        comparators = (
            KPIValue.objects.filter(periods, area__in=COMPARATOR_AREAS)
            .annotate(
                layout=F("source_import__layout"),
                rank=Window(
                    RowNumber(), partition_by=[F("kpi_id"), F("area")], order_by=F("period_end").desc()
                ),
            )
            .filter(rank=1)
        )
        for value in comparators:
            figures[value.kpi_id].comparators[value.area] = value
    return list(figures.values())


@dataclass
class HistoryRow:
    """One period of a KPI: Havering's figure, its rating and the comparators."""

    period_end: date
    havering: KPIValue | None = None
    comparators: dict[str, KPIValue] = field(default_factory=dict)
    rag: RAG = RAG.NONE
    locked: bool = False

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
            person = _name(upload.uploaded_by) or upload.get_source_display()
            return cls(upload.pk, upload.file_name, person, upload.finished_at or upload.created_at)
        if value.is_derived:
            return cls(None, "", "", value.updated_at, derived=True)
        return cls(None, "", _name(value.updated_by), value.updated_at)


def _name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.username


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
            row.rag = kpi_rag(kpi, value.value)
        else:
            row.comparators[value.area] = value
    return list(rows.values())


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
