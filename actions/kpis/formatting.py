"""How KPI figures read, on pages (through template tags) and in frozen reports alike:
72%, 23.5 days, 212, and "72% (36 of 50)" with small numbers suppressed for panel members
(``core.disclosure`` decides; the helpers here know which of a KPI's figures are counts)."""

from decimal import Decimal

from actions.models import KPI
from core import disclosure


def plain_number(value: Decimal | float) -> str:
    """A bare number to one decimal place at most: 2.2, 5, 1,250 (no unit)."""
    rounded = Decimal(value).quantize(Decimal("0.1"))
    return f"{rounded:,.1f}".removesuffix(".0")


def kpi_number(value: Decimal | float | None, kpi: KPI) -> str:
    """A bare figure in the KPI's unit, to one decimal place at most: 72%, 23.5 days, 212."""
    if value is None:
        return "–"
    text = plain_number(value)
    if kpi.unit == KPI.Unit.PERCENT:
        return f"{text}%"
    if kpi.unit == KPI.Unit.DAYS:
        return f"{text} days"
    return text


def value_suppressed(kpi: KPI, value, numerator=None, denominator=None) -> bool:
    """Whether a panel member must not see this KPI figure: a count of children that is
    small, or a figure worked out from a small count."""
    if kpi.unit == KPI.Unit.COUNT and disclosure.is_disclosive(value):
        return True
    return disclosure.any_disclosive(numerator, denominator)


def kpi_value_fields(value, kpi: KPI, *, small_numbers: bool = False) -> tuple:
    """(value, numerator, denominator) of a KPIValue as they may be shown, for exports:
    numbers where they may be shown, the suppression words where not."""
    if small_numbers or not value_suppressed(kpi, value.value, value.numerator, value.denominator):
        return value.value, value.numerator, value.denominator
    return (
        _withheld(value.value, kpi),
        disclosure.count(value.numerator),
        disclosure.count(value.denominator),
    )


def kpi_shown_number(
    number, kpi: KPI, *, numerator=None, denominator=None, small_numbers: bool = False
) -> str:
    """A bare figure (``kpi_number``) or the suppression words."""
    if not small_numbers and value_suppressed(kpi, number, numerator, denominator):
        return _withheld(number, kpi)
    return kpi_number(number, kpi)


def _withheld(number, kpi: KPI) -> str:
    """A small count reads "5 or fewer"; a percentage or number of days worked out from
    small counts reads "not shown" (it is neither 5% nor 5 days)."""
    if kpi.unit == KPI.Unit.COUNT and disclosure.is_disclosive(number):
        return disclosure.suppressed_words()
    return disclosure.WITHHELD


def kpi_figure(value, kpi: KPI, small_numbers: bool = False) -> str:
    """A KPI value with its count beside it: "72% (36 of 50)". Unless ``small_numbers``,
    small counts of children and what is worked out from them are suppressed (for panel members)."""
    if value is None:
        return "No figure"
    if value.value is None:
        return value.not_published

    def count(number):
        return _thousands(disclosure.count(number, small_numbers=small_numbers))

    text = kpi_shown_number(
        value.value,
        kpi,
        numerator=value.numerator,
        denominator=value.denominator,
        small_numbers=small_numbers,
    )
    if value.numerator is not None and value.denominator is not None:
        text += f" ({count(value.numerator)} of {count(value.denominator)})"
    return text


def kpi_value_text(value, kpi: KPI) -> str:
    """A stored figure in the KPI's unit, or what DfE published instead of it."""
    return value.not_published if value.value is None else kpi_number(value.value, kpi)


def _thousands(shown) -> str:
    return f"{shown:,}" if isinstance(shown, int) else str(shown)
