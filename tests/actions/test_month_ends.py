"""The plan's ratings at each closed month end, kept in a table: always what re-rating the
audit history gives (``plan_state``), after back-dated changes too."""

from collections import Counter
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from actions import month_ends
from actions.models import Action, MonthEndRating
from actions.rag import RAG
from core.months import month_ends_up_to
from tests.actions.test_plan_as_of import backdate_creation, moment
from tests.factories import ActionFactory, MilestoneFactory

pytestmark = pytest.mark.django_db


def rerated(day) -> Counter:
    """How the plan stood at the end of ``day``, by promise and rating, from the audit history."""
    rows = plan_state_counts = Counter()
    for theme_id, rag in month_ends.plan_state(as_of=day, rating_only=True).values_list(
        "commitment__theme", "rag"
    ):
        plan_state_counts[(theme_id, rag)] += 1
    return rows


def kept(day) -> Counter:
    return Counter(
        {
            (row.theme_id, row.rating): row.count
            for row in MonthEndRating.objects.filter(month=day).exclude(rating="")
        }
    )


def a_year_of_history():
    """Actions started, changed, slipping and finished at different times over 14 months."""
    today = timezone.localdate()
    for n, status in enumerate(
        ["on_track", "off_track", "some_slippage", "completed", "not_started", "deferred"]
    ):
        action = ActionFactory(
            status="on_track",
            start_date=today - timedelta(days=420 - 40 * n),
            due_date=today - timedelta(days=300 - 60 * n),  # some overdue, some not yet
        )
        backdate_creation(action, today - timedelta(days=430 - 35 * n))
        action.status = status
        action._history_date = moment(today - timedelta(days=200 - 25 * n))
        action.save()
        MilestoneFactory(action=action, due_date=today - timedelta(days=90 + 30 * n))


def test_the_kept_counts_equal_the_ratings_from_history_for_every_closed_month():
    a_year_of_history()
    today = timezone.localdate()
    assert month_ends.rate_closed_months(today=today, months=14) == 14
    days = month_ends_up_to(today, 15)[:-1]
    assert MonthEndRating.objects.filter(rating="").count() == 14  # each month marked as rated
    for day in days:
        assert kept(day) == rerated(day), day
    assert len({frozenset(kept(day).items()) for day in days}) > 5  # the months do differ
    assert month_ends.rate_closed_months(today=today, months=14) == 0  # nothing left to rate


def test_the_dashboards_series_reads_the_kept_counts_and_equals_the_ratings_from_history(
    django_assert_num_queries,
):
    a_year_of_history()
    today = timezone.localdate()
    first = month_ends.rag_counts_over_time(as_of=today, months=12)  # rates and keeps them
    with django_assert_num_queries(2):
        series = month_ends.rag_counts_over_time(as_of=today, months=12)
    assert series == first
    for day, counts in series:
        expected = Counter(
            rag for _, rag in month_ends.plan_state(as_of=day, rating_only=True).values_list("id", "rag")
        )
        assert counts == {RAG(rag): n for rag, n in expected.items()}, day


def test_a_back_dated_change_has_its_months_rated_again():
    a_year_of_history()
    today = timezone.localdate()
    call_command("rate_month_ends", "--months", "14", stdout=None)
    action = Action.objects.order_by("pk").first()
    last_month_end = month_ends_up_to(today, 2)[0]

    milestone = MilestoneFactory(action=action, due_date=today - timedelta(days=100))
    milestone.due_date = today - timedelta(days=300)  # moved earlier: more months had it slipped
    milestone.save()
    action.status = "off_track"
    action._history_date = moment(today - timedelta(days=250))  # recorded as of then
    action.save()
    month_ends.rag_counts_over_time(as_of=today, months=14)
    for day in month_ends_up_to(today, 15)[:-1]:
        assert kept(day) == rerated(day), day
    assert kept(last_month_end)  # and kept again

    milestone.delete()
    month_ends.rag_counts_over_time(as_of=today, months=14)
    for day in month_ends_up_to(today, 15)[:-1]:
        assert kept(day) == rerated(day), day
