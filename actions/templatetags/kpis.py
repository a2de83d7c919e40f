"""How KPI figures read on a page: 72% (36 of 50), with small numbers suppressed."""

from django import template

from actions.kpis.charts import format_number
from actions.models import KPI, KPIValue

from .portal import suppress_small

register = template.Library()


@register.filter
def kpi_number(value, kpi: KPI) -> str:
    """A bare figure in the KPI's unit: 72%, 23 days, 212."""
    return format_number(kpi, value)


@register.filter
def kpi_value_text(value: KPIValue, kpi: KPI) -> str:
    """A stored figure in the KPI's unit, or what DfE published instead of it."""
    return value.not_published if value.value is None else format_number(kpi, value.value)


@register.simple_tag
def kpi_figure(value, kpi: KPI, small_numbers: bool = False) -> str:
    """A KPI value with its count beside it: "72% (36 of 50)". Unless ``small_numbers``,
    counts of children under 5 read "fewer than 5" (for panel members)."""
    if value is None:
        return "No figure"
    if value.value is None:
        return value.not_published

    def count(number):
        return f"{number:,}" if small_numbers else _thousands(suppress_small(number))

    if kpi.unit == KPI.Unit.COUNT and not small_numbers and 0 < value.value < 5:
        text = "fewer than 5"
    else:
        text = format_number(kpi, value.value)
    if value.numerator is not None and value.denominator is not None:
        text += f" ({count(value.numerator)} of {count(value.denominator)})"
    return text


def _thousands(shown) -> str:
    return f"{shown:,}" if isinstance(shown, int) else str(shown)
