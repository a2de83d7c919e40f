"""The rules a figure must meet wherever it comes from (a file of any layout, a DfE
file, or one figure typed into the Django admin), and the checks that flag a figure
as unusual for someone to confirm. Each rule is written once, here."""

import statistics
from datetime import date
from decimal import Decimal

from core.formatting import uk_date, uk_date_short

NOT_NEGATIVE = ("count", "days")
PERCENT = "percent"
# A percentage may differ from its own numerator and denominator by rounding, no more.
TOLERANCE = 1.0
HISTORY = 12
STANDARD_DEVIATIONS = 3


def _number(value) -> str:
    return f"{Decimal(str(value)).normalize():f}"


def plausible(*, unit: str, number: float, numerator, denominator, period: date, today: date) -> bool:
    """True when no rule below has anything to say (the fast path of a big file)."""
    if period > today:
        return False
    if numerator is not None and denominator is not None and numerator > denominator:
        return False
    if unit == PERCENT:
        return 0 <= number <= 100 and (
            numerator is None or not denominator or abs(number - 100 * numerator / denominator) <= TOLERANCE
        )
    return number >= 0 or unit not in NOT_NEGATIVE


def value_problem(*, unit: str, number: float, text: str, numerator, denominator) -> str | None:
    """What is wrong with a figure given its unit and its own counts, or None."""
    if unit == PERCENT and not 0 <= number <= 100:
        return f"{text} is a percentage outside 0–100."
    if number < 0 and unit in NOT_NEGATIVE:
        return f"A {unit} cannot be negative ({text})."
    if unit == PERCENT and numerator is not None and denominator and numerator <= denominator:
        share = 100 * numerator / denominator
        if abs(number - share) > TOLERANCE:
            shown = f"{share:.1f}".removesuffix(".0")
            message = f"{text} is not {numerator} of {denominator} ({shown}%)."
            if abs(number * 100 - share) <= TOLERANCE:
                message += f" Percentages are entered as {shown}, not {text}."
            return message
    return None


def counts_problem(numerator, denominator) -> str | None:
    if numerator is not None and denominator is not None and numerator > denominator:
        return f"The numerator ({numerator}) is larger than the denominator ({denominator})."
    return None


def period_problem(period: date, *, today: date) -> str | None:
    if period > today:
        return (
            f"The period ends on {uk_date(period)}, after today: figures can only be entered "
            "for periods that have ended."
        )
    return None


def unusual(
    *,
    unit: str,
    value: Decimal | None,
    numerator: int | None,
    denominator: int | None,
    history: list[Decimal],
    previous: tuple | None,
) -> list[str]:
    """Why a figure looks wrong next to the KPI's earlier figures for the same area:
    more than three standard deviations from the last 12, or a count that changes by
    more than half since the previous period (``previous``: its period end, value,
    numerator and denominator). Empty when it looks ordinary."""
    found = []
    if value is not None and len(history) >= 3:
        recent = [float(figure) for figure in history[:HISTORY]]
        mean, spread = statistics.fmean(recent), statistics.stdev(recent)
        # A series that never moved has no spread to measure against; the count rule
        # below still catches a jump in it.
        if spread and abs(float(value) - mean) > STANDARD_DEVIATIONS * spread:
            found.append(
                f"{_number(value)} is more than {STANDARD_DEVIATIONS} standard deviations from the last "
                f"{len(recent)} figures (mean {mean:.1f}, standard deviation {spread:.1f})."
            )
    if previous is not None:
        period_end, *before = previous
        counts = (
            ("figure", value if unit == "count" else None),
            ("numerator", numerator),
            ("denominator", denominator),
        )
        for (what, new), old in zip(counts, before, strict=True):
            if new is not None and old and abs(new - old) > old / 2:
                found.append(
                    f"The {what} changes from {_number(old)} to {_number(new)} "
                    f"since {uk_date_short(period_end)}, by more than half."
                )
    return found
