"""Synthetic KPI figures for the demo: targets, and about three years of invented
monthly or quarterly values for Havering and its comparators.

Every local number here is made up (and each Havering figure says so in its note). Each
comes from a random generator seeded with its KPI, area and period, so running the
seeding again (even on a later day, when it adds the newest periods) never changes a
figure already there. A measure that tracks a DfE indicator with figures gets no invented
comparators: it is compared through DfE's real published figures, which
``seed_dfe_figures`` (run first) imports from the files in ``actions/data/dfe`` exactly as
an administrator would.
"""

import random
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from actions.models import KPI, KPICommentary, KPIImport, KPIValue
from actions.rag import RAG
from core.months import month_ends_up_to, previous_month_end, previous_quarter_end

from .neighbours import DATA, PUBLISHED_MODELS
from .selectors import latest_kpi_figures
from .services import kpi_import_from_path

DEMO_IMPORT_NAME = "DEMO performance figures.xlsx"
SYNTHETIC = "Synthetic demo figure (made up, not Havering's)"
BASE_YEAR = 2024


@dataclass(frozen=True)
class DemoKPI:
    target: float | None
    tolerance: float | None
    havering: float  # level at the start of BASE_YEAR
    drift: float  # change per year
    comparator: float
    cohort: int | None  # children counted (the denominator) for a percentage


# target, amber tolerance, Havering's level three years ago, its change per year,
# the comparators' level, and the number of children counted for a percentage.
DEMO_KPIS = {
    "W01": DemoKPI(90, 5, 84, 2.0, 89, 160),
    "W02": DemoKPI(85, 5, 70, 4.0, 79, 160),
    "W03": DemoKPI(85, 5, 78, 2.0, 80, 120),
    "W04": DemoKPI(28, 14, 52, -6.0, 40, None),
    "I01": DemoKPI(95, 3, 88, 2.0, 90, 190),
    "I02": DemoKPI(60, 5, 52, 2.0, 56, 110),
    "I03": DemoKPI(70, 5, 64, 1.5, 66, 60),
    "S01": DemoKPI(10, 2, 12, -0.5, 10, 220),
    "S02": DemoKPI(70, 5, 66, 1.0, 70, 90),
    "S03": DemoKPI(10, 3, 13, -0.5, 11, 220),
    "S04": DemoKPI(90, 5, 86, 1.0, 88, 110),
    "S05": DemoKPI(15, 5, 19, -1.0, 16, 220),
    "H01": DemoKPI(95, 3, 91, 1.0, 92, 200),
    "H02": DemoKPI(90, 5, 86, 1.5, 88, 200),
    "H03": DemoKPI(10, 3, 0, 0, 0, None),
    "H04": DemoKPI(90, 30, 0, 0, 0, None),
    "H05": DemoKPI(60, 10, 0, 0, 0, None),
    "T01": DemoKPI(90, 5, 85, 1.5, 88, 140),
    "T02": DemoKPI(85, 5, 78, 2.5, 80, 25),
    "CLA": DemoKPI(None, None, 228, -3.0, 0, None),
}
# Two measures show the council's other rules: a tolerance as a share of the target, and
# the corporate rule (beyond the tolerance but better than a year earlier: amber).
DEMO_RULES = {
    "W04": {"tolerance_kind": KPI.ToleranceKind.PERCENT_OF_TARGET, "amber_tolerance": Decimal(50)},
    "S05": {"corporate_rule": True},
}
DEFINITIONS = {
    "W01": "Children looked after for 12 months or more whose health assessment is in date.",
    "W02": "Children looked after for 12 months or more who had a dental check in the year.",
    "W03": "Children aged 5 to 16 in care for 12 months or more with a completed SDQ score.",
    "W04": "Median days from a CAMHS referral to the first appointment.",
    "I01": "Children in care of school age with a Personal Education Plan reviewed this term.",
    "I02": "Care leavers aged 19 to 21 in education, employment or training.",
    "I03": "Care leavers aged 17 to 18 in education, employment or training.",
    "S01": "Children in care who had three or more placements in the last 12 months.",
    "S02": "Children under 16 in care for 2.5 years or more, in the same placement for 2 years.",
    "S03": "Children in care who went missing at least once in the year.",
    "S04": "Care leavers aged 19 to 21 living in accommodation judged suitable.",
    "S05": "Children in care placed more than 20 miles from where they used to live.",
    "H01": "Children's reviews held within the statutory timescales.",
    "H02": "Reviews in which the child took part, in person or by sharing their views.",
    "H03": "Children in care matched with an Independent Visitor.",
    "H04": "Median days from an Independent Visitor referral to a match.",
    "H05": "Young people who took part in a participation group in the period.",
    "T01": "Care leavers aged 21 to 25 the service was in touch with in the period.",
    "T02": "Complaints from children in care resolved within the timescale.",
    "CLA": "Children looked after by Havering at the end of the period.",
}
COMPARATOR_OFFSETS = {
    KPIValue.Area.STAT_NEIGHBOURS: 0.0,
    KPIValue.Area.LONDON: -1.5,
    KPIValue.Area.ENGLAND: 1.0,
}
COMPARATOR_AREAS = tuple(COMPARATOR_OFFSETS)


def _figure(spec: DemoKPI, kpi: KPI, area: str, period: date) -> dict:
    """One figure, from its KPI, area and period alone (so it never changes)."""
    rng = random.Random(f"{kpi.code}|{area}|{period.isoformat()}")
    years_in = (period.year - BASE_YEAR) + (period.month - 1) / 12
    if area == KPIValue.Area.HAVERING:
        level = spec.havering + spec.drift * years_in + rng.uniform(-2.5, 2.5)
    else:
        level = spec.comparator + COMPARATOR_OFFSETS[area] + spec.drift * 0.3 * years_in + rng.uniform(-1, 1)
    if kpi.unit == KPI.Unit.PERCENT:
        level = min(max(level, 0.5), 99.5)
    level = max(level, 0)
    if kpi.unit == KPI.Unit.COUNT:
        return {"value": Decimal(round(level))}
    if kpi.unit == KPI.Unit.PERCENT and spec.cohort and area == KPIValue.Area.HAVERING:
        denominator = spec.cohort + rng.randint(-10, 10)
        numerator = round(denominator * level / 100)
        value = Decimal(100 * numerator / denominator).quantize(Decimal("0.1"))
        return {"value": value, "numerator": numerator, "denominator": denominator}
    return {"value": Decimal(level).quantize(Decimal("0.1"))}


@transaction.atomic
def seed_kpi_figures(*, users: dict, scale: int = 1, today: date | None = None) -> int:
    """Targets and invented figures for every imported KPI (derived ones are left to the
    apps that derive them). Returns how many figures there are."""
    today = today or timezone.localdate()
    admin = users.get("admin")
    demo_import, _ = KPIImport.objects.get_or_create(
        file_name=DEMO_IMPORT_NAME,
        source=KPIImport.Source.COMMAND,
        defaults={"uploaded_by": admin, "state": KPIImport.State.DONE, "finished_at": timezone.now()},
    )
    months = 36 * min(scale, 10)
    # Measures compared through DfE's real figures get no invented comparators.
    published = set(
        KPIValue.objects.filter(kpi__source=KPI.Source.DFE).values_list("kpi_id", flat=True).distinct()
    )
    values = []
    for kpi in KPI.objects.filter(code__in=DEMO_KPIS):
        spec = DEMO_KPIS[kpi.code]
        kpi.target = Decimal(str(spec.target)) if spec.target is not None else None
        kpi.amber_tolerance = Decimal(str(spec.tolerance)) if spec.tolerance is not None else None
        kpi.definition = kpi.definition or DEFINITIONS[kpi.code]
        for name, value in DEMO_RULES.get(kpi.code, {}).items():
            setattr(kpi, name, value)
        kpi.save(
            update_fields=["target", "amber_tolerance", "tolerance_kind", "corporate_rule", "definition"]
        )
        if kpi.is_derived:
            continue
        if kpi.frequency == KPI.Frequency.QUARTERLY:
            periods = month_ends_up_to(previous_quarter_end(today), months, step=3)
        else:
            periods = month_ends_up_to(previous_month_end(today), months)
        areas = [KPIValue.Area.HAVERING]
        if kpi.polarity != KPI.Polarity.NEUTRAL and kpi.tracks_id not in published:
            areas += list(COMPARATOR_AREAS)
        for period in periods:
            for area in areas:
                values.append(
                    KPIValue(
                        kpi=kpi,
                        period_end=period,
                        area=area,
                        note=SYNTHETIC if area == KPIValue.Area.HAVERING else "",
                        source_import=demo_import,
                        updated_by=admin,
                        **_figure(spec, kpi, area, period),
                    )
                )
    KPIValue.objects.bulk_create(
        values,
        update_conflicts=True,
        unique_fields=["kpi", "area", "la_code", "period_end"],
        update_fields=["value", "numerator", "denominator", "note", "source_import", "updated_by"],
        batch_size=1000,
    )
    total = KPIValue.objects.filter(source_import=demo_import).count()
    KPIImport.objects.filter(pk=demo_import.pk).update(
        rows_created=total, rows_total=total, rows_processed=total
    )
    return total


# DfE's list of indicators and its neighbour models: read by migrations, not imported.
NOT_FIGURES = {"framework_indicators.csv", *(path.name for _, _, path in PUBLISHED_MODELS)}


def seed_dfe_figures() -> int:
    """DfE's real published figures (the files in ``actions/data/dfe``), imported through
    the same import as an upload. A file already imported is left alone. Returns how many
    files were imported."""
    done = set(
        KPIImport.objects.filter(state=KPIImport.State.DONE, layout="dfe").values_list("file_name", flat=True)
    )
    imported = 0
    for path in sorted(DATA.glob("*.csv")):
        if path.name in done or path.name in NOT_FIGURES:
            continue
        kpi_import = kpi_import_from_path(path=path, dry_run=False, accept_warnings=True)
        imported += kpi_import.state == KPIImport.State.DONE
    return imported


COMMENTARY = {
    RAG.RED: (
        "Below target and not recovering (synthetic demo commentary).",
        "Weekly review with team managers until the figure is back within tolerance (synthetic).",
    ),
    RAG.AMBER: ("Close to target; the team is watching the trend (synthetic demo commentary).", ""),
}


@transaction.atomic
def seed_owners_and_commentary(*, users: dict) -> int:
    """Every red or amber demo measure gets a named owner (the demo lead owns the first)
    and their commentary on its latest figure. Returns how many measures have one."""
    owners = [users["lead"], users["participation"], users["admin"]]
    flagged = [figure for figure in latest_kpi_figures() if figure.rag in (RAG.RED, RAG.AMBER)]
    for number, figure in enumerate(flagged):
        kpi = figure.kpi
        if kpi.owner_id is None:
            kpi.owner = owners[number % len(owners)]
            kpi.save(update_fields=["owner"])
        commentary, corrective = COMMENTARY[figure.rag]
        if not KPICommentary.objects.filter(kpi=kpi, period_end=figure.latest.period_end).exists():
            KPICommentary.objects.create(
                kpi=kpi,
                period_end=figure.latest.period_end,
                rag=figure.rag.value,
                commentary=commentary,
                corrective_action=corrective,
                author=kpi.owner,
            )
    if not KPI.objects.filter(owner=users["lead"]).exists():
        KPI.objects.filter(code="S01").update(owner=users["lead"])
    return len(flagged)
