"""Locking the figures of a period, and asking which periods are locked."""

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from actions.kpis import selectors, services
from actions.models import KPIPeriodLock
from tests.factories import KPIPeriodLockFactory

pytestmark = pytest.mark.django_db

APRIL = {"period_start": date(2025, 4, 1), "period_end": date(2025, 4, 30)}


def test_locking_a_range_records_it_with_its_reason():
    lock = services.lock_kpi_periods(**APRIL, reason="Monthly progress report, April 2025 issued")
    assert KPIPeriodLock.objects.get() == lock
    assert str(lock) == "1 Apr 2025 to 30 Apr 2025: Monthly progress report, April 2025 issued"


def test_locking_the_same_range_twice_creates_nothing_new():
    first = services.lock_kpi_periods(**APRIL, reason="Monthly progress report, April 2025 issued")
    again = services.lock_kpi_periods(**APRIL, reason="Issued again")
    assert again == first
    assert KPIPeriodLock.objects.count() == 1
    assert KPIPeriodLock.objects.get().reason == "Monthly progress report, April 2025 issued"


def test_the_database_refuses_a_second_lock_of_the_same_range_and_a_backwards_one():
    KPIPeriodLockFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        KPIPeriodLock.objects.create(**APRIL, reason="again")
    with pytest.raises(IntegrityError), transaction.atomic():
        KPIPeriodLock.objects.create(period_start=date(2025, 5, 31), period_end=date(2025, 5, 1), reason="x")


@pytest.mark.parametrize(
    ("day", "locked"),
    [
        (date(2025, 3, 31), False),
        (date(2025, 4, 1), True),
        (date(2025, 4, 30), True),
        (date(2025, 5, 1), False),
    ],
)
def test_a_period_end_is_locked_from_the_first_to_the_last_day_of_the_range(day, locked):
    KPIPeriodLockFactory()
    assert selectors.is_locked(day) is locked


def test_many_period_ends_are_checked_in_one_query(django_assert_num_queries):
    april = KPIPeriodLockFactory()
    pack = KPIPeriodLockFactory(
        period_start=date(2025, 4, 1), period_end=date(2025, 7, 3), reason="Meeting pack issued"
    )
    days = [date(2025, month, 28) for month in range(1, 13)] * 100
    with django_assert_num_queries(1):
        found = selectors.locked_period_ends(days)
    # Each day is named by the first lock that covers it.
    assert found == {
        date(2025, 4, 28): april,
        date(2025, 5, 28): pack,
        date(2025, 6, 28): pack,
    }


def test_with_no_locks_nothing_is_locked():
    assert not selectors.period_locks()
    assert selectors.locked_period_ends([date(2025, 4, 30)]) == {}
