"""The plan as it stood on an earlier day, from the audit history, rated by today's rule."""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from actions.models import Action
from actions.month_ends import rag_counts_over_time
from actions.rag import RAG
from actions.selectors import plan_state, rag_by_theme
from tests.factories import ActionFactory, MilestoneFactory, ProgressUpdateFactory

pytestmark = pytest.mark.django_db


def moment(day: date) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, 12))


def backdate_creation(action, day: date) -> None:
    action.history.filter(history_type="+").update(history_date=moment(day))


def test_an_earlier_day_shows_the_status_the_action_had_then():
    today = timezone.localdate()
    action = ActionFactory(status="on_track", start_date=today - timedelta(days=200))
    backdate_creation(action, today - timedelta(days=100))
    action.status = Action.Status.OFF_TRACK
    action._history_date = moment(today - timedelta(days=10))
    action.save()

    then = plan_state(as_of=today - timedelta(days=30)).get(id=action.pk)
    now = plan_state().get(id=action.pk)
    assert (then.status, then.rag) == ("on_track", RAG.GREEN)
    assert (now.status, now.rag) == ("off_track", RAG.RED)


def test_an_action_added_later_is_not_in_the_plan_of_an_earlier_day():
    today = timezone.localdate()
    action = ActionFactory()
    backdate_creation(action, today - timedelta(days=5))
    assert not plan_state(as_of=today - timedelta(days=6)).filter(id=action.pk).exists()
    assert plan_state(as_of=today - timedelta(days=5)).filter(id=action.pk).exists()


def test_a_deleted_action_is_in_the_plan_of_the_days_before_it_went():
    today = timezone.localdate()
    action = ActionFactory()
    backdate_creation(action, today - timedelta(days=50))
    pk = action.pk
    action.delete()
    assert plan_state(as_of=today - timedelta(days=1)).filter(id=pk).exists()
    assert not plan_state().filter(id=pk).exists()


def test_rag_by_theme_counts_in_one_query(django_assert_num_queries):
    theme_id = ActionFactory(status="on_track").commitment.theme_id
    ActionFactory(status="off_track")
    ActionFactory(status="completed")
    with django_assert_num_queries(1):
        counts = rag_by_theme()
    assert counts[theme_id] == {RAG.GREEN: 1, RAG.RED: 1, RAG.COMPLETE: 1}


@pytest.mark.parametrize("days_ago", [0, 30])
def test_counting_ratings_only_rates_each_action_as_the_full_state_does(days_ago):
    today = timezone.localdate()
    for status in ("on_track", "off_track", "some_slippage", "not_started", "completed", "deferred"):
        action = ActionFactory(status=status, start_date=today - timedelta(days=200))
        backdate_creation(action, today - timedelta(days=100))
    ActionFactory(
        status="on_track", start_date=today - timedelta(days=200), due_date=today - timedelta(days=40)
    )
    day = today - timedelta(days=days_ago)
    full = dict(plan_state(as_of=day).values_list("id", "rag"))
    assert dict(plan_state(as_of=day, rating_only=True).values_list("id", "rag")) == full
    assert len(set(full.values())) == 5  # red, amber, green, complete and no rating all occur


def test_ratings_month_by_month_in_two_queries(django_assert_num_queries):
    today = timezone.localdate()
    action = ActionFactory(status="on_track", start_date=today - timedelta(days=400))
    backdate_creation(action, today - timedelta(days=100))
    action.status = Action.Status.OFF_TRACK
    action._history_date = moment(today)
    action.save()
    rag_counts_over_time(as_of=today, months=6)  # rates the closed months and keeps them
    with django_assert_num_queries(2):  # the closed months kept, and today
        series = rag_counts_over_time(as_of=today, months=6)
    assert [day for day, _ in series][-1] == today and len(series) == 6
    by_day = dict(series)
    assert by_day[today] == {RAG.RED: 1}
    assert series[-2][1] == {RAG.GREEN: 1}
    assert series[0][1] == ({} if series[0][0] < today - timedelta(days=100) else {RAG.GREEN: 1})


def test_past_months_ratings_outlive_progress_updates_but_not_milestone_changes(django_assert_num_queries):
    """A progress update is stamped now, so it cannot change how the plan stood at the end of
    an earlier month: the month ends kept stay, and only today's ratings are counted again.
    A milestone can (slipped milestones are read as they are now): it forgets them."""
    today = timezone.localdate()
    action = ActionFactory(status="on_track", start_date=today - timedelta(days=400))
    backdate_creation(action, today - timedelta(days=100))
    rag_counts_over_time(as_of=today, months=4)

    ProgressUpdateFactory(action=action, status="off_track")
    action.status = Action.Status.OFF_TRACK
    action.save()
    with django_assert_num_queries(2):  # the month ends kept, and today's
        series = rag_counts_over_time(as_of=today, months=4)
    assert series[-1][1] == {RAG.RED: 1}
    assert series[-2][1] == {RAG.GREEN: 1}

    MilestoneFactory(action=action, due_date=today - timedelta(days=60))
    series = rag_counts_over_time(as_of=today, months=4)
    assert series[-2][1] == {RAG.AMBER: 1}  # the milestone had slipped by the end of last month
