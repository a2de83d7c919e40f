"""The KPIs worked out from the portal's own records rather than imported.

H03  children in care with an Independent Visitor (% of the latest CLA count)
H04  median days from IV referral to match (matches made in the 12 months to the period end)
H05  young people active in participation groups (see selectors.active_young_people)

Each is stored as a KPIValue for Havering at a month end, marked derived; running
again for the same month updates the same row.
"""

import logging
from datetime import date
from decimal import Decimal

from django.db import transaction

from actions.kpis.selectors import is_locked
from actions.models import KPI, KPIValue
from core.formatting import uk_date
from core.months import month_end, previous_month_end

from .iv.selectors import iv_panel_figures
from .selectors import active_young_people

logger = logging.getLogger(__name__)

DERIVED_CODES = ("H03", "H04", "H05")


def derived_figures(*, period_end: date) -> dict[str, dict]:
    """H03, H04 and H05 for the month ending ``period_end``: the one place each is worked out.

    The stored monthly figure (which the KPI page and reports show) is what this returns, and
    the dashboard's Independent Visitor box and the figures page read it through
    ``latest_derived``, which before any is stored works it out for the last month end, so
    the two pages always agree.
    A figure that cannot be worked out (no CLA count yet for H03, no matches in the year for
    H04) is left out rather than given as a misleading zero.
    """
    iv = iv_panel_figures(as_of=period_end)
    figures: dict[str, dict] = {}
    if iv.percent_with_iv is not None:
        figures["H03"] = {
            "value": Decimal(str(iv.percent_with_iv)),
            "numerator": iv.looked_after_with_iv,
            "denominator": iv.cla_count,
            "note": f"Denominator: children in care (CLA) at {uk_date(iv.cla_period_end)}.",
        }
    else:
        logger.debug("H03 for %s not computed: no usable CLA count", period_end)
    if iv.median_days_to_match is not None:
        figures["H04"] = {
            "value": Decimal(str(iv.median_days_to_match)),
            # The matches it is the median of, so that disclosure control withholds a
            # median of 5 or fewer matches (core.disclosure).
            "numerator": None,
            "denominator": iv.matched_in_year,
            "note": f"Median of {iv.matched_in_year} matches made in the 12 months to the period end.",
        }
    figures["H05"] = {
        "value": Decimal(active_young_people(as_of=period_end)),
        "numerator": None,
        "denominator": None,
        "note": (
            "Estimate: for each group, its best-attended session (children in care and care "
            "leavers) in the 3 months to the period end, summed over groups."
        ),
    }
    return figures


def latest_derived(*, as_of: date) -> dict[str, KPIValue]:
    """Each derived KPI's latest figure for a period ending by ``as_of``, as its KPI page and
    the dashboard show it: the stored figure, or (before the monthly task has stored any)
    the figure for the last month end worked out now, unsaved. One query once stored."""
    latest: dict[str, KPIValue] = {}
    for value in (
        KPIValue.objects.filter(
            kpi__code__in=DERIVED_CODES, area=KPIValue.Area.HAVERING, period_end__lte=as_of
        )
        .select_related("kpi")
        .order_by("-period_end")[: 13 * len(DERIVED_CODES)]
    ):
        latest.setdefault(value.kpi.code, value)
    if len(latest) == len(DERIVED_CODES):
        return latest
    period_end = as_of if as_of == month_end(as_of) else previous_month_end(as_of)
    kpis = {kpi.code: kpi for kpi in KPI.objects.filter(code__in=DERIVED_CODES)}
    for code, values in derived_figures(period_end=period_end).items():
        if code in kpis and code not in latest:
            latest[code] = KPIValue(
                kpi=kpis[code], period_end=period_end, area=KPIValue.Area.HAVERING, is_derived=True, **values
            )
    return latest


@transaction.atomic
def derived_kpis_record(*, period_end: date) -> dict[str, KPIValue]:
    """Work out H03, H04 and H05 for the month ending ``period_end`` and upsert them."""
    if period_end != month_end(period_end):
        raise ValueError(f"{period_end} is not the last day of a month")
    if is_locked(period_end):
        # An issued report has frozen this period; its derived figures stay as reported.
        logger.info("Derived KPIs for %s not recomputed: the period is locked", period_end)
        return {}
    kpis = {kpi.code: kpi for kpi in KPI.objects.filter(code__in=DERIVED_CODES)}
    stored = {}
    for code, values in derived_figures(period_end=period_end).items():
        if code not in kpis:
            continue
        stored[code], _ = KPIValue.objects.update_or_create(
            kpi=kpis[code],
            period_end=period_end,
            area=KPIValue.Area.HAVERING,
            defaults={**values, "is_derived": True, "source_import": None, "updated_by": None},
        )
    return stored
