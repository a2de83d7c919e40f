""" "You said, we did" shared only in checked easy read, and young people's messages
turned into "You said" items or closed with a reason."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from participation import selectors, services
from participation.demo import SHARED
from participation.models import FeedbackItem, YoungPersonMessage
from tests.factories import ActionFactory, FeedbackItemFactory, ParticipationGroupFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer():
    return UserFactory(role="Participation officer")


def test_sharing_needs_checked_easy_read_and_the_confirmation_that_it_names_no_child(officer):
    item = FeedbackItemFactory(response="We booked two trips.", status="responded")
    with pytest.raises(ValidationError) as caught:
        services.feedback_share(
            item=item,
            user=officer,
            easy_read_said="You want respite breaks.",
            easy_read_did="",
            names_no_child=False,
        )
    errors = caught.value.message_dict
    assert "respite" in errors["easy_read_said"][0]
    assert errors["easy_read_did"] == ["Write the words young people will read"]
    assert "names no child" in errors["names_no_child"][0]
    item.refresh_from_db()
    assert not item.shared


def test_shared_then_unshared_with_each_change_in_the_history(officer):
    item = FeedbackItemFactory(response="We booked two trips.", status="responded")
    services.feedback_share(
        item=item,
        user=officer,
        easy_read_said="You asked for more trips.",
        easy_read_did="We booked two trips.",
        names_no_child=True,
    )
    services.feedback_unshare(item=item, user=officer)
    item.refresh_from_db()
    assert not item.shared and item.easy_read_did == "We booked two trips."
    assert [h.shared for h in item.history.order_by("history_date")] == [False, True, False]


def test_the_database_refuses_a_shared_item_without_easy_read():
    item = FeedbackItemFactory()
    item.shared = True
    with pytest.raises(Exception, match="feedback_shared_only_in_easy_read"):
        item.save()


def test_a_message_becomes_a_private_you_said_item_linked_to_its_group_promise_and_action(officer):
    group = ParticipationGroupFactory()
    action = ActionFactory()
    message = services.message_receive(text="  More trips please  ", group=group)
    item = services.message_to_feedback(
        message=message,
        user=officer,
        theme=action.commitment.theme,
        said="More trips.",
        group=group,
        action=action,
    )
    message.refresh_from_db()
    assert message.state == YoungPersonMessage.State.ANSWERED and message.feedback_item == item
    assert message.text == "More trips please"
    assert item.session is None and item.group == group and item.action == action
    assert item.raised_on == timezone.localdate(message.received_at)
    assert not item.shared and item.status == FeedbackItem.Status.OPEN
    with pytest.raises(ValidationError, match="already handled"):
        services.message_close(message=message, user=officer, reason="Twice")


def test_closing_a_message_needs_a_reason(officer):
    message = services.message_receive(text="Hello")
    with pytest.raises(ValidationError, match="Say why"):
        services.message_close(message=message, user=officer, reason=" ")
    services.message_close(message=message, user=officer, reason="A test message.")
    message.refresh_from_db()
    assert message.state == YoungPersonMessage.State.CLOSED and message.handled_by == officer


def test_a_message_over_the_size_limit_is_refused():
    with pytest.raises(ValidationError, match="too long"):
        services.message_receive(text="a" * 1001)
    assert not YoungPersonMessage.objects.exists()


def test_the_queue_marks_messages_waiting_longer_than_the_answer_days(settings):
    settings.YOUNG_PEOPLE_ANSWER_DAYS = 10
    now = timezone.now()
    old = YoungPersonMessage.objects.create(text="Old", received_at=now - timedelta(days=11))
    YoungPersonMessage.objects.create(text="New", received_at=now - timedelta(days=2))
    YoungPersonMessage.objects.create(text="Closed", received_at=now - timedelta(days=30), state="closed")
    queue = selectors.message_queue(now=now)
    assert [m.text for m in queue["waiting"]] == ["Old", "New"]
    assert [m.is_overdue for m in queue["waiting"]] == [True, False]
    assert queue["overdue"] == 1 and queue["waiting"][0].pk == old.pk
    assert selectors.message_counts(now=now) == {"waiting": 2, "overdue": 1, "received_this_week": 1}


@pytest.mark.parametrize("said", list(SHARED))
def test_every_demo_item_shared_with_young_people_passes_the_check(said, officer):
    easy_said, easy_did = SHARED[said]
    item = FeedbackItemFactory(said=said, response="Done.", status="responded")
    services.feedback_share(
        item=item, user=officer, easy_read_said=easy_said, easy_read_did=easy_did, names_no_child=True
    )
