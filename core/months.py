"""Calendar months, the portal's periods: one place for the arithmetic.

Figures, reports and ratings are all of calendar months (quarterly figures end in March,
June, September and December), and a period is named by its last day.
"""

import calendar
from datetime import date, timedelta


def month_end(day: date) -> date:
    """The last day of ``day``'s month."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def month_bounds(day: date) -> tuple[date, date]:
    """The first and last days of ``day``'s month."""
    return day.replace(day=1), month_end(day)


def previous_month_end(day: date) -> date:
    """The last day of the month before ``day``'s."""
    return day.replace(day=1) - timedelta(days=1)


def previous_quarter_end(day: date) -> date:
    """The last quarter end (31 March, 30 June, 30 September, 31 December) before ``day``'s month."""
    end = previous_month_end(day)
    while end.month % 3:
        end = previous_month_end(end)
    return end


def add_months(day: date, months: int) -> date:
    """The same day of the month ``months`` later (earlier if negative), cut to the month's
    length: 31 January + 1 is 28 February. For due dates and lengths ("18 months after")."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    first = date(year, month + 1, 1)
    return first.replace(day=min(day.day, month_end(first).day))


def months_before(day: date, months: int) -> date:
    """The same point ``months`` earlier; a month's last day maps to the last day. For periods."""
    earlier = add_months(day, -months)
    return month_end(earlier) if day == month_end(day) else earlier


def start_of_months_to(day: date, months: int) -> date:
    """The first day of the ``months`` months that end on ``day``: the 12 months to 30 June
    2026 start on 1 July 2025, the 3 months to 30 June on 1 April."""
    return months_before(day, months) + timedelta(days=1)


def quarter_start(day: date) -> date:
    """The first day of ``day``'s calendar quarter (1 January, 1 April, 1 July, 1 October)."""
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def month_ends_up_to(day: date, months: int, *, step: int = 1) -> list[date]:
    """``day`` and the last days of the months every ``step`` before it, ``months`` months in
    all, oldest first."""
    earlier = [month_end(months_before(day.replace(day=1), back)) for back in range(step, months, step)]
    return [*reversed(earlier), day]
