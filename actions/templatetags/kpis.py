"""How KPI figures read on a page; the formatting itself is in actions.kpis.formatting."""

from django import template

from actions.kpis import formatting
from actions.kpis.charts import sparkline
from actions.kpis.rating import rule_words
from actions.models import KPI

register = template.Library()

register.filter("kpi_number", formatting.kpi_number)
register.filter("kpi_value_text", formatting.kpi_value_text)
register.simple_tag(formatting.kpi_figure, name="kpi_figure")


@register.simple_tag
def kpi_rating_reason(figures, small_numbers: bool = False) -> str:
    """Why a measure has its rating, without figures the viewer may not see."""
    return figures.rating_reason(small_numbers=small_numbers)


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
