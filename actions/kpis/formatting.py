"""How KPI figures read, on pages (through template tags) and in frozen reports alike:
72%, 23.5 days, 212, and "72% (36 of 50)" with small numbers suppressed for panel members."""

from decimal import Decimal

from actions.models import KPI
from actions.templatetags.portal import suppress_small


def kpi_number(value: Decimal | float | None, kpi: KPI) -> str:
    """A bare figure in the KPI's unit, to one decimal place at most: 72%, 23.5 days, 212."""
    if value is None:
        return "–"
    value = Decimal(value)
    if kpi.unit == KPI.Unit.COUNT and value == value.to_integral_value():
        text = f"{int(value):,}"
    else:
        rounded = value.quantize(Decimal("0.1"))
        text = f"{rounded:,.1f}".removesuffix(".0")
    if kpi.unit == KPI.Unit.PERCENT:
        return f"{text}%"
    if kpi.unit == KPI.Unit.DAYS:
        return f"{text} days"
    return text


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
        text = kpi_number(value.value, kpi)
    if value.numerator is not None and value.denominator is not None:
        text += f" ({count(value.numerator)} of {count(value.denominator)})"
    return text


def kpi_value_text(value, kpi: KPI) -> str:
    """A stored figure in the KPI's unit, or what DfE published instead of it."""
    return value.not_published if value.value is None else kpi_number(value.value, kpi)


def _thousands(shown) -> str:
    return f"{shown:,}" if isinstance(shown, int) else str(shown)
