"""The derived state of an action (ActionQuerySet.with_status): RAG, overdue, stale."""

from datetime import date, datetime, timedelta

import pytest
from django.db.models import Count
from django.utils import timezone

from actions.models import Action, rating_reason
from actions.rag import RAG
from tests.factories import ActionFactory, MilestoneFactory, ProgressUpdateFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 15)
PAST = TODAY - timedelta(days=1)
FUTURE = TODAY + timedelta(days=30)


def state(action, **kwargs):
    return Action.objects.with_status(today=TODAY, **kwargs).get(pk=action.pk)


def make(
    status, *, start=TODAY - timedelta(days=100), due=FUTURE, slipped_milestone=False, updated_days_ago=5
):
    action = ActionFactory(status=status, start_date=start, due_date=due)
    if slipped_milestone:
        MilestoneFactory(action=action, due_date=PAST)
    if updated_days_ago is not None:
        when = timezone.make_aware(datetime.combine(TODAY, datetime.min.time())) - timedelta(
            days=updated_days_ago
        )
        ProgressUpdateFactory(action=action, created_at=when)
    return action


#  status           due     slipped milestone  start in future  → RAG        overdue
RAG_TABLE = [
    ("completed", PAST, True, False, "complete", False),
    ("deferred", PAST, False, False, "none", False),
    ("off_track", FUTURE, False, False, "red", False),
    ("on_track", PAST, False, False, "red", True),
    ("some_slippage", PAST, False, False, "red", True),
    ("some_slippage", FUTURE, False, False, "amber", False),
    ("on_track", FUTURE, True, False, "amber", False),
    ("not_started", FUTURE, False, False, "amber", False),  # should have started by now
    ("not_started", FUTURE, False, True, "none", False),
    ("on_track", FUTURE, False, False, "green", False),
    ("on_track", TODAY, False, False, "green", False),  # due today is not yet overdue
]


@pytest.mark.parametrize(("status", "due", "slipped", "future_start", "rag", "overdue"), RAG_TABLE)
def test_rag_and_overdue(status, due, slipped, future_start, rag, overdue):
    start = TODAY + timedelta(days=5) if future_start else TODAY - timedelta(days=100)
    action = make(status, start=start, due=max(due, start), slipped_milestone=slipped)
    derived = state(action)
    assert (derived.rag, derived.is_overdue) == (rag, overdue)


def test_a_completed_milestone_is_not_slippage():
    action = make("on_track")
    MilestoneFactory(action=action, due_date=PAST, completed_on=PAST)
    assert state(action).rag == "green"


@pytest.mark.parametrize(
    ("status", "updated_days_ago", "started_days_ago", "stale"),
    [
        ("on_track", 59, 300, False),
        ("on_track", 61, 300, True),
        ("off_track", None, 61, True),  # never updated, started over 60 days ago
        ("on_track", None, 30, False),  # never updated, but only just started
        ("completed", 200, 300, False),
        ("deferred", 200, 300, False),
    ],
)
def test_stale_after_the_configured_days_without_an_update(status, updated_days_ago, started_days_ago, stale):
    action = make(status, start=TODAY - timedelta(days=started_days_ago), updated_days_ago=updated_days_ago)
    assert state(action).is_stale is stale


def test_the_stale_threshold_comes_from_settings(settings):
    settings.ACTION_STALE_DAYS = 10
    action = make("on_track", updated_days_ago=12)
    assert state(action).is_stale
    settings.ACTION_STALE_DAYS = 60
    assert not state(action).is_stale


def test_an_update_written_after_the_day_in_question_does_not_count():
    action = make("on_track", updated_days_ago=40)
    ProgressUpdateFactory(action=action, created_at=timezone.make_aware(datetime(2026, 6, 16, 9, 30)))
    assert timezone.localdate(state(action).last_update_at) == TODAY - timedelta(days=40)


def test_last_update_is_the_newest_update():
    action = make("on_track", updated_days_ago=40)
    newest = ProgressUpdateFactory(
        action=action, created_at=timezone.make_aware(datetime(2026, 6, 15, 9, 30))
    )
    assert state(action).last_update_at == newest.created_at


def test_rag_can_be_counted_per_theme_in_the_database(django_assert_num_queries):
    make("off_track")
    make("on_track")
    make("on_track")
    with django_assert_num_queries(1):
        counts = list(
            Action.objects.with_status(today=TODAY)
            .order_by()
            .values_list("commitment__theme__code", "rag")
            .annotate(n=Count("pk"))
        )
    assert sorted(counts) == [("W", "green", 2), ("W", "red", 1)]


@pytest.mark.parametrize(("status", "due", "slipped", "future_start", "rag", "overdue"), RAG_TABLE)
def test_the_reason_for_an_actions_rating_agrees_with_the_sql_rule(
    status, due, slipped, future_start, rag, overdue
):
    start = TODAY + timedelta(days=5) if future_start else TODAY - timedelta(days=100)
    action = make(status, start=start, due=max(due, start), slipped_milestone=slipped)
    derived = state(action)
    reason = rating_reason(derived, milestones=list(action.milestones.all()), today=TODAY)
    assert reason.startswith(f"{RAG(derived.rag).label}: ")


@pytest.mark.parametrize(
    ("status", "due", "milestones", "updated", "reason"),
    [
        (
            "on_track",
            FUTURE,
            [("Draft the offer", PAST, None)],
            True,
            "Amber: on track by its lead's last update, "
            "but milestone ‘Draft the offer’ slipped (due 14 Jun 2026).",
        ),
        (
            "some_slippage",
            FUTURE,
            [("Draft", PAST, None), ("Consult", PAST - timedelta(days=3), None)],
            True,
            "Amber: some slippage by its lead's last update, and milestones ‘Consult’ and ‘Draft’ slipped.",
        ),
        ("some_slippage", FUTURE, [], False, "Amber: some slippage as recorded."),
        (
            "on_track",
            FUTURE,
            [("Draft", PAST, PAST)],
            True,
            "Green: on track by its lead's last update, with no milestone late.",
        ),
        (
            "off_track",
            PAST,
            [],
            True,
            "Red: off track by its lead's last update "
            "and overdue: it was due on 14 June 2026 and is not complete.",
        ),
        ("on_track", PAST, [], True, "Red: overdue: it was due on 14 June 2026 and is not complete."),
        ("completed", PAST, [], True, "Complete: marked completed."),
        ("deferred", FUTURE, [], True, "No rating: deferred, so its dates are to be planned again."),
    ],
)
def test_the_reason_names_the_status_and_the_slipped_milestones(status, due, milestones, updated, reason):
    action = make(status, due=due, updated_days_ago=5 if updated else None)
    for title, milestone_due, done in milestones:
        MilestoneFactory(action=action, title=title, due_date=milestone_due, completed_on=done)
    derived = state(action)
    assert rating_reason(derived, milestones=list(action.milestones.all()), today=TODAY) == reason
