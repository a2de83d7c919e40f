"""How KPI figures read on a page; the formatting itself is in actions.kpis.formatting."""

from django import template

from actions.kpis import formatting

register = template.Library()

register.filter("kpi_number", formatting.kpi_number)
register.simple_tag(formatting.kpi_figure, name="kpi_figure")
