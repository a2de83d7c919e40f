""" "You said, we did": feedback raised at a session, its answer, and the tracker."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from actions.models import Theme
from participation import services
from participation.models import FeedbackItem
from tests.factories import (
    ActionFactory,
    FeedbackItemFactory,
    ParticipationGroupFactory,
    ParticipationSessionFactory,
)
from tests.participation.helpers import date_fields, days_ago

pytestmark = pytest.mark.django_db


@pytest.fixture
def session():
    return ParticipationSessionFactory(held_on=days_ago(20))


def post_feedback(client, user, session, **changes):
    client.force_login(user)
    data = {"said": "We want to choose where reviews are held.", "theme": Theme.objects.get(code="H").pk}
    data.update({"status": "open", **changes})
    return client.post(reverse("participation:feedback_new", args=[session.pk]), data)


def test_an_officer_adds_feedback_linked_to_the_action_that_answers_it(client, users, session):
    action = ActionFactory()
    response = post_feedback(
        client,
        users["participation"],
        session,
        action=action.pk,
        response="Reviews can now be held at school.",
        status="responded",
        **date_fields("reported_back_on", days_ago(2)),
    )
    assert response.status_code == 302
    item = FeedbackItem.objects.get()
    assert (item.session, item.action, item.status) == (session, action, "responded")
    assert item.reported_back_on == days_ago(2)
    assert list(action.feedback_items.all()) == [item]


@pytest.mark.parametrize("status", ["responded", "closed"])
def test_feedback_cannot_be_marked_answered_without_saying_what_was_done(client, users, session, status):
    response = post_feedback(client, users["participation"], session, status=status, response="  ")
    assert response.context["form"].errors["response"] == [
        'Say what was done ("We did") before marking it responded or closed'
    ]
    assert not FeedbackItem.objects.exists()


def test_feedback_cannot_be_reported_back_before_the_session(client, users, session):
    response = post_feedback(
        client,
        users["participation"],
        session,
        response="Done.",
        status="responded",
        **date_fields("reported_back_on", days_ago(21)),
    )
    assert response.context["form"].errors["reported_back_on"] == [
        f"The report-back date cannot be before the session ({session.held_on:%-d %B %Y})"
    ]
    assert not FeedbackItem.objects.exists()


def test_feedback_cannot_be_reported_back_in_the_future(client, users, session):
    response = post_feedback(
        client,
        users["participation"],
        session,
        response="Done.",
        **date_fields("reported_back_on", days_ago(-2)),
    )
    assert response.context["form"].errors["reported_back_on"] == [
        "The report-back date must be today or in the past"
    ]


def test_feedback_needs_what_was_said_and_a_theme(client, users, session):
    response = post_feedback(client, users["participation"], session, said="", theme="")
    errors = response.context["form"].errors
    assert errors["said"] == ['Enter what the young people said ("You said")']
    assert errors["theme"] == ["Choose the promise it is about"]


def test_a_forged_action_id_is_refused(client, users, session):
    response = post_feedback(client, users["participation"], session, action="987654")
    assert response.context["form"].errors["action"] == ["Choose an action from the list"]
    assert not FeedbackItem.objects.exists()


def test_an_officer_updates_feedback_when_it_is_answered(client, users, session):
    item = FeedbackItemFactory(session=session)
    client.force_login(users["participation"])
    response = client.post(
        reverse("participation:feedback_edit", args=[item.pk]),
        {
            "said": item.said,
            "theme": item.theme_id,
            "status": "responded",
            "response": "Agreed with the service.",
            **date_fields("reported_back_on", days_ago(1)),
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.response, item.reported_back_on) == (
        "responded",
        "Agreed with the service.",
        days_ago(1),
    )


def test_the_service_refuses_a_rule_break_whoever_calls_it(users, session):
    with pytest.raises(ValidationError) as refused:
        services.feedback_add(
            session=session,
            user=users["participation"],
            theme=Theme.objects.first(),
            said="x",
            status="closed",
        )
    assert "response" in refused.value.message_dict


# --- the tracker -------------------------------------------------------------------------------


@pytest.fixture
def tracker_items():
    louder = ParticipationGroupFactory(slug="louder", name="Louder")
    council = ParticipationGroupFactory(slug="council", name="Council")
    old = ParticipationSessionFactory(group=louder, held_on=days_ago(200))
    recent = ParticipationSessionFactory(group=council, held_on=days_ago(10))
    heard, safe = Theme.objects.get(code="H"), Theme.objects.get(code="S")
    return {
        "old_open": FeedbackItemFactory(session=old, theme=heard, status="open", said="Old open"),
        "old_closed": FeedbackItemFactory(
            session=old, theme=safe, status="closed", response="Done", said="Old closed"
        ),
        "recent_open": FeedbackItemFactory(session=recent, theme=safe, status="in_progress", said="Recent"),
    }


def tracker(client, user, **params):
    client.force_login(user)
    response = client.get(reverse("participation:feedback"), params)
    return {item.said for item in response.context["page_obj"]}, response


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, {"Old open", "Old closed", "Recent"}),
        ({"group": "louder"}, {"Old open", "Old closed"}),
        ({"theme": "S"}, {"Old closed", "Recent"}),
        ({"status": "in_progress"}, {"Recent"}),
        ({"open_too_long": "on"}, {"Old open"}),
        ({"group": "council", "theme": "S", "status": "in_progress"}, {"Recent"}),
        ({"group": "no-such-group", "status": "open"}, {"Old open"}),  # a bad filter is ignored
    ],
)
def test_the_tracker_filters_by_group_theme_and_status(client, users, tracker_items, params, expected):
    said, _ = tracker(client, users["panel"], **params)
    assert said == expected


def test_items_open_too_long_are_flagged(client, users, tracker_items):
    _, response = tracker(client, users["panel"])
    assert response.content.decode().count('hcp-tag-stack">Open too long</strong>') == 1


def test_the_tracker_runs_a_fixed_number_of_queries(client, users, django_assert_max_num_queries):
    client.force_login(users["panel"])
    for size in (3, 30):
        FeedbackItemFactory.create_batch(size, action=ActionFactory())
        # session, user, user's groups (the access rule), count, groups again (the menu),
        # filter choices (groups, themes), the page of items (session, group, theme, action
        # joined), then the session's savepoint, update and release
        with django_assert_max_num_queries(11):
            client.get(reverse("participation:feedback"))
