"""DfE's Children's Social Care National Framework, as the panel reads it: outcomes →
domains → indicators, each with Havering, London, the neighbours' median and England for
the latest year DfE published, the direction of travel against the year before, Havering's
quartile among English councils, and when DfE published it and publishes next."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import groupby

from django.db.models import F, Window
from django.db.models.functions import RowNumber

from actions.models import KPI, DfEMapping, KPIValue

from .benchmarks import Position, benchmark_positions
from .formatting import kpi_figure, kpi_value_text
from .rating import Trend, kpi_trend

AREA = KPIValue.Area
SHOWN_AREAS = (AREA.HAVERING, AREA.LONDON, AREA.OUTER_LONDON, AREA.STAT_NEIGHBOURS_MEDIAN, AREA.ENGLAND)


@dataclass
class Indicator:
    kpi: KPI
    period_end: date | None = None
    figures: dict[str, KPIValue] = field(default_factory=dict)
    year_before: KPIValue | None = None
    position: Position | None = None
    mapping: DfEMapping | None = None

    @property
    def loaded(self) -> bool:
        return self.period_end is not None

    @property
    def havering(self) -> KPIValue | None:
        return self.figures.get(AREA.HAVERING)

    @property
    def comparators(self) -> list[tuple[str, KPIValue | None]]:
        return [(AREA(area).label, self.figures.get(area)) for area in SHOWN_AREAS[1:]]

    @property
    def travel(self) -> Trend | None:
        latest, before = self.havering, self.year_before
        return kpi_trend(
            self.kpi,
            latest.value if latest else None,
            before.value if before else None,
            against="the year before",
        )

    @property
    def file_name(self) -> str:
        return self.kpi.data_source.removeprefix("DfE: ")


@dataclass
class Domain:
    name: str
    indicators: list[Indicator]


@dataclass
class Outcome:
    name: str
    domains: list[Domain]


def framework_indicators() -> list[KPI]:
    return list(
        KPI.objects.filter(source=KPI.Source.DFE, framework_order__isnull=False).order_by("framework_order")
    )


def framework_overview(*, small_numbers: bool, as_of: date | None = None) -> list[Outcome]:
    """Every National Framework indicator under its outcome and domain, with the figures
    published for periods up to ``as_of`` (default: all). Four queries whatever the number
    of indicators, plus benchmarking's three."""
    kpis = framework_indicators()
    indicators = {kpi.pk: Indicator(kpi=kpi) for kpi in kpis}
    latest = Window(RowNumber(), partition_by=[F("kpi_id"), F("area")], order_by=F("period_end").desc())
    values = KPIValue.objects.filter(kpi_id__in=indicators, area__in=SHOWN_AREAS)
    if as_of is not None:
        values = values.filter(period_end__lte=as_of)
    recent = values.annotate(rank=latest).filter(rank__lte=2).order_by("kpi_id", "area", "rank")
    havering = {}
    others = []
    for value in recent:
        if value.area == AREA.HAVERING:
            havering.setdefault(value.kpi_id, []).append(value)
        else:
            others.append(value)
    for kpi_id, values in havering.items():
        indicator = indicators[kpi_id]
        indicator.period_end = values[0].period_end
        indicator.figures[AREA.HAVERING] = values[0]
        if len(values) > 1 and values[0].period_end - values[1].period_end <= timedelta(days=366):
            indicator.year_before = values[1]
    for value in others:
        indicator = indicators[value.kpi_id]
        if value.period_end == indicator.period_end:
            indicator.figures[value.area] = value
    for mapping in DfEMapping.objects.filter(kpi_id__in=indicators, is_active=True).order_by("pk"):
        indicators[mapping.kpi_id].mapping = indicators[mapping.kpi_id].mapping or mapping
    for kpi_id, position in benchmark_positions(kpis=kpis, small_numbers=small_numbers, as_of=as_of).items():
        if position.period_end == indicators[kpi_id].period_end:
            indicators[kpi_id].position = position
    ordered = [indicators[kpi.pk] for kpi in kpis]
    return [
        Outcome(
            outcome,
            [
                Domain(domain, list(group))
                for domain, group in groupby(list(in_outcome), key=lambda i: i.kpi.framework_domain)
            ],
        )
        for outcome, in_outcome in groupby(ordered, key=lambda i: i.kpi.framework_outcome)
    ]


def framework_report_rows(*, as_of: date) -> list[dict]:
    """The meeting pack's framework section, as a panel member may read it (small counts
    withheld), frozen into the report's data."""
    rows = []
    for outcome in framework_overview(small_numbers=False, as_of=as_of):
        for domain in outcome.domains:
            for indicator in domain.indicators:
                kpi = indicator.kpi
                trend = indicator.travel
                rows.append(
                    {
                        "code": kpi.code,
                        "name": kpi.name,
                        "outcome": outcome.name,
                        "domain": domain.name,
                        "period_end": indicator.period_end.isoformat() if indicator.loaded else None,
                        "havering": kpi_figure(indicator.havering, kpi) if indicator.havering else "",
                        "comparators": [
                            [label, kpi_value_text(value, kpi) if value else "–"]
                            for label, value in indicator.comparators
                        ],
                        "travel": trend.words if trend else "",
                        "quartile": indicator.position.quartile if indicator.position else None,
                        "file": indicator.file_name,
                    }
                )
    return rows
