from datetime import date

import pytest

from core.months import (
    add_months,
    month_bounds,
    month_end,
    month_ends_up_to,
    months_before,
    previous_month_end,
    previous_quarter_end,
    quarter_start,
    start_of_months_to,
)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 3, 31), 1, date(2026, 2, 28)),
        (date(2026, 3, 31), 3, date(2025, 12, 31)),
        (date(2024, 2, 29), 12, date(2023, 2, 28)),
        (date(2025, 2, 28), 12, date(2024, 2, 29)),  # a month's end stays a month's end
        (date(2026, 3, 15), 1, date(2026, 2, 15)),
        (date(2026, 5, 31), 3, date(2026, 2, 28)),  # the 31st has no 31st three months back
        (date(2026, 1, 10), 13, date(2024, 12, 10)),
    ],
)
def test_months_before(day, months, expected):
    assert months_before(day, months) == expected


def test_month_end_and_bounds():
    assert month_end(date(2024, 2, 3)) == date(2024, 2, 29)
    assert month_end(date(2025, 12, 31)) == date(2025, 12, 31)
    assert month_bounds(date(2026, 11, 30)) == (date(2026, 11, 1), date(2026, 11, 30))


def test_the_previous_month_end():
    assert previous_month_end(date(2025, 3, 1)) == date(2025, 2, 28)
    assert previous_month_end(date(2024, 3, 31)) == date(2024, 2, 29)
    assert previous_month_end(date(2025, 1, 15)) == date(2024, 12, 31)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        # In February and March the last quarter ended in December of the year before.
        (date(2027, 1, 5), date(2026, 12, 31)),
        (date(2027, 2, 28), date(2026, 12, 31)),
        (date(2027, 3, 31), date(2026, 12, 31)),
        (date(2027, 4, 1), date(2027, 3, 31)),
        (date(2026, 12, 1), date(2026, 9, 30)),
    ],
)
def test_the_previous_quarter_end(day, expected):
    assert previous_quarter_end(day) == expected


def test_month_ends_up_to_a_day_oldest_first():
    assert month_ends_up_to(date(2026, 3, 15), 3) == [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 15)]
    assert month_ends_up_to(date(2026, 3, 31), 7, step=3) == [
        date(2025, 9, 30),
        date(2025, 12, 31),
        date(2026, 3, 31),
    ]


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),  # cut to the shorter month
        (date(2026, 4, 30), 6, date(2026, 10, 30)),  # a month's end is not kept (unlike months_before)
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2026, 11, 15), 3, date(2027, 2, 15)),
    ],
)
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 6, 30), 12, date(2025, 7, 1)),
        (date(2026, 6, 30), 3, date(2026, 4, 1)),
        (date(2028, 2, 29), 12, date(2027, 3, 1)),
        (date(2026, 6, 15), 3, date(2026, 3, 16)),
    ],
)
def test_start_of_months_to(day, months, expected):
    assert start_of_months_to(day, months) == expected


def test_quarter_start():
    assert [quarter_start(date(2026, m, 20)) for m in (1, 5, 9, 12)] == [
        date(2026, 1, 1),
        date(2026, 4, 1),
        date(2026, 7, 1),
        date(2026, 10, 1),
    ]
