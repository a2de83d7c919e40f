"""How KPI figures read on a page: 72% (36 of 50), with small numbers suppressed."""

from django import template

from actions.kpis.charts import format_number, sparkline
from actions.kpis.rating import rule_words
from actions.models import KPI

from .portal import suppress_small

register = template.Library()


@register.filter
def kpi_number(value, kpi: KPI) -> str:
    """A bare figure in the KPI's unit: 72%, 23 days, 212."""
    return format_number(kpi, value)


@register.simple_tag
def kpi_figure(value, kpi: KPI, small_numbers: bool = False) -> str:
    """A KPI value with its count beside it: "72% (36 of 50)". Unless ``small_numbers``,
    counts of children under 5 read "fewer than 5" (for panel members)."""
    if value is None:
        return "No figure"

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


@register.filter
def kpi_rule(kpi: KPI) -> str:
    """The measure's rating rule in words: target, tolerance (in points or % of target), corporate rule."""
    return rule_words(kpi)


@register.inclusion_tag("actions/kpis/_sparkline.html")
def kpi_sparkline(figure, small_numbers: bool = False) -> dict:
    """A KPI's last 12 periods as a sparkline with its target, and the figures in a table
    beside it (``figure`` is a ``KPIFigures``)."""
    return {"kpi": figure.kpi, "spark": sparkline(figure.kpi, figure.recent, small_numbers=small_numbers)}


@register.inclusion_tag("actions/kpis/_travel.html")
def kpi_travel(travel) -> dict:
    """Direction of travel: an arrow (up, down, level) for each term, coloured by whether
    it is better or worse, and the words, which carry the meaning on their own."""
    return {"travel": travel}
