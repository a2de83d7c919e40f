"""Havering against other councils, from DfE's published figures: its rank among its
statistical neighbours (under the model in force for the period) and its quartile among
all English councils, both taking the KPI's polarity into account (the best is first).

Only figures DfE published count: a suppressed figure is shown but not ranked.
"""

import math
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db.models import Max, Q

from actions.models import KPI, KPIValue, LocalAuthority, NeighbourModel, StatisticalNeighbour

from .formatting import value_suppressed

AREA = KPIValue.Area
QUARTILE_NAMES = {
    1: "the best quarter",
    2: "the second quarter",
    3: "the third quarter",
    4: "the bottom quarter",
}


@dataclass(frozen=True)
class Position:
    """Where Havering stands for one KPI and period."""

    period_end: date
    rank: int | None  # among itself and its neighbours with a published figure
    ranked: int
    quartile: int | None  # among all English councils with a published figure
    councils: int
    model: NeighbourModel | None

    @property
    def quartile_label(self) -> str:
        return QUARTILE_NAMES.get(self.quartile, "")


@dataclass(frozen=True)
class BenchmarkRow:
    la_code: str
    name: str
    value: KPIValue | None
    rank: int | None
    own: bool = False
    closeness: str = ""


@dataclass
class Benchmark:
    """The KPI page's table: Havering and its ten neighbours, ranked, with England,
    London and the neighbours' mean."""

    position: Position
    rows: list[BenchmarkRow] = field(default_factory=list)
    comparators: list[tuple[str, KPIValue | None]] = field(default_factory=list)


def _rank(kpi: KPI, value, others: list) -> int:
    """1 + how many of ``others`` are strictly better (ties share a rank)."""
    if kpi.polarity == KPI.Polarity.HIGHER:
        return 1 + sum(1 for other in others if other > value)
    return 1 + sum(1 for other in others if other < value)


def _neighbour_sets() -> list[tuple[NeighbourModel, list[StatisticalNeighbour]]]:
    """Each model's neighbours of the council, latest model first. One query."""
    found: dict[int, tuple[NeighbourModel, list]] = {}
    for neighbour in (
        StatisticalNeighbour.objects.filter(la_code=settings.OWN_LA_CODE)
        .select_related("model")
        .order_by("-model__in_force_from", "position")
    ):
        found.setdefault(neighbour.model_id, (neighbour.model, []))[1].append(neighbour)
    return list(found.values())


def _in_force(sets: list, period_end: date) -> tuple[NeighbourModel | None, list]:
    return next(((model, found) for model, found in sets if model.in_force_from <= period_end), (None, []))


def _withheld(values: dict[str, KPIValue], kpi: KPI, *, small_numbers: bool) -> dict[str, KPIValue]:
    """The figures that may be ranked for this viewer: without Havering's when it is withheld
    from them (a small count, core.disclosure), since its rank among figures that are shown
    would bracket it."""
    own = values.get(settings.OWN_LA_CODE)
    if small_numbers or own is None or not value_suppressed(kpi, own.value, own.numerator, own.denominator):
        return values
    return {code: value for code, value in values.items() if code != settings.OWN_LA_CODE}


def _position(kpi: KPI, period_end: date, values: dict[str, KPIValue], sets: list) -> Position:
    """``values``: the period's published figures by LA number (Havering's under its own)."""
    own = values.get(settings.OWN_LA_CODE)
    model, neighbours = _in_force(sets, period_end)
    if own is None or kpi.polarity == KPI.Polarity.NEUTRAL:
        return Position(period_end, None, 0, None, len(values), model)
    others = [value.value for code, value in values.items() if code != settings.OWN_LA_CODE]
    near = [values[n.neighbour_code].value for n in neighbours if n.neighbour_code in values]
    position = _rank(kpi, own.value, others)
    quartile = math.ceil(4 * position / len(values))
    return Position(period_end, _rank(kpi, own.value, near), len(near) + 1, quartile, len(values), model)


def _latest_benchmarked(kpis: list[KPI], as_of: date | None) -> dict[int, date]:
    """The latest period with other councils' figures, per KPI. One query."""
    councils = KPIValue.objects.filter(kpi__in=kpis, area=AREA.COUNCIL)
    if as_of is not None:
        councils = councils.filter(period_end__lte=as_of)
    return dict(councils.values_list("kpi_id").annotate(latest=Max("period_end")))


def _published(periods: dict[int, date], *, areas) -> dict[int, list[KPIValue]]:
    """The published figures of each KPI's period, in these areas. One query."""
    found: dict[int, list[KPIValue]] = {kpi_id: [] for kpi_id in periods}
    pairs = Q()
    for kpi_id, period_end in periods.items():
        pairs |= Q(kpi_id=kpi_id, period_end=period_end)
    for value in KPIValue.objects.filter(pairs, area__in=areas):
        found[value.kpi_id].append(value)
    return found


def _by_code(values: list[KPIValue]) -> dict[str, KPIValue]:
    return {
        (settings.OWN_LA_CODE if value.area == AREA.HAVERING else value.la_code): value
        for value in values
        if value.area in (AREA.HAVERING, AREA.COUNCIL) and value.value is not None
    }


def benchmark_positions(
    *, kpis: list[KPI], as_of: date | None = None, small_numbers: bool = False
) -> dict[int, Position]:
    """Havering's rank among its neighbours and quartile in England for each KPI, for
    the latest period DfE published other councils' figures for (none where Havering's
    figure is withheld from the viewer: ``small_numbers`` false and a small count). Three queries
    whatever the number of KPIs or councils (none without KPIs)."""
    if not kpis:
        return {}
    periods = _latest_benchmarked(kpis, as_of)
    if not periods:
        return {}
    published = _published(periods, areas=[AREA.HAVERING, AREA.COUNCIL])
    sets = _neighbour_sets()
    by_id = {kpi.pk: kpi for kpi in kpis}
    positions = {}
    for kpi_id, period_end in periods.items():
        kpi = by_id[kpi_id]
        positions[kpi_id] = _position(
            kpi, period_end, _withheld(_by_code(published[kpi_id]), kpi, small_numbers=small_numbers), sets
        )
    return positions


def kpi_benchmark(*, kpi: KPI, small_numbers: bool = False) -> Benchmark | None:
    """The KPI page's benchmarking table, for the latest period with other councils'
    figures; None when DfE publishes none for it. Havering is not ranked when its figure is
    withheld from the viewer (``small_numbers`` false and a small count). Four queries."""
    periods = _latest_benchmarked([kpi], None)
    if kpi.pk not in periods:
        return None
    period_end = periods[kpi.pk]
    values = _published(periods, areas=list(AREA.values))[kpi.pk]
    sets = _neighbour_sets()
    figures = _withheld(_by_code(values), kpi, small_numbers=small_numbers)
    position = _position(kpi, period_end, figures, sets)
    _, neighbours = _in_force(sets, period_end)
    every = {
        value.la_code or settings.OWN_LA_CODE: value
        for value in values
        if value.area in (AREA.HAVERING, AREA.COUNCIL)
    }
    codes = [settings.OWN_LA_CODE, *(n.neighbour_code for n in neighbours)]
    names = dict(LocalAuthority.objects.filter(code__in=codes).values_list("code", "name"))
    closeness = {n.neighbour_code: n.closeness for n in neighbours}
    ranked = [figures[code].value for code in codes if code in figures]
    rows = [
        BenchmarkRow(
            la_code=code,
            name=names.get(code, f"LA {code}"),
            value=every.get(code),
            rank=_rank(kpi, figures[code].value, ranked)
            if code in figures and kpi.polarity != KPI.Polarity.NEUTRAL
            else None,
            own=code == settings.OWN_LA_CODE,
            closeness=closeness.get(code, ""),
        )
        for code in codes
    ]
    rows.sort(key=lambda row: (row.rank is None, row.rank or 0, row.name))
    by_area = {value.area: value for value in values if value.area not in (AREA.HAVERING, AREA.COUNCIL)}
    comparators = [
        (area.label, by_area.get(area))
        for area in (
            AREA.STAT_NEIGHBOURS_MEDIAN,
            AREA.STAT_NEIGHBOURS,
            AREA.LONDON,
            AREA.OUTER_LONDON,
            AREA.ENGLAND,
        )
        if area in by_area or area in (AREA.STAT_NEIGHBOURS, AREA.LONDON, AREA.ENGLAND)
    ]
    return Benchmark(position=position, rows=rows, comparators=comparators)
