"""The "Tell us" queue is in the participation officer's menu and on their landing page,
with how many messages wait and how many are overdue; answering one returns to the queue."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from actions.models import Theme
from participation.models import YoungPersonMessage

pytestmark = pytest.mark.django_db


def waiting(days_old: int) -> YoungPersonMessage:
    message = YoungPersonMessage.objects.create(text=f"Sent {days_old} days ago")
    YoungPersonMessage.objects.filter(pk=message.pk).update(
        received_at=timezone.now() - timedelta(days=days_old)
    )
    return message


def menu(response) -> dict[str, dict]:
    return {item["label"].split(" (")[0]: item for item in response.context["nav_items"]}


def test_the_officers_menu_shows_the_queue_with_waiting_and_overdue_counts(client, users, settings):
    settings.YOUNG_PEOPLE_ANSWER_DAYS = 10
    waiting(1), waiting(2), waiting(15)
    client.force_login(users["participation"])
    item = menu(client.get(reverse("participation:feedback")))["Tell us"]
    assert item["label"] == "Tell us (3 waiting, 1 overdue)"
    assert item["url"] == reverse("participation:messages")


def test_the_queue_says_none_waiting_when_empty_and_is_the_current_item_on_a_message(client, users):
    message = waiting(1)
    client.force_login(users["participation"])
    items = menu(client.get(message.get_absolute_url()))
    assert items["Tell us"]["current"] and not items["Young people"]["current"]
    YoungPersonMessage.objects.update(state=YoungPersonMessage.State.CLOSED)
    assert menu(client.get(reverse("participation:groups")))["Tell us"]["label"] == "Tell us (none waiting)"


def test_only_participation_officers_see_the_queue_in_the_menu(client, users):
    for role in ("panel", "lead", "admin", "ivstaff"):
        client.force_login(users[role])
        assert "Tell us" not in menu(client.get(reverse("home"))), role


def test_the_officers_landing_page_says_how_many_messages_wait(client, users, settings):
    settings.YOUNG_PEOPLE_ANSWER_DAYS = 10
    waiting(1), waiting(30)
    client.force_login(users["participation"])
    html = client.get(reverse("participation:groups")).content.decode()
    assert "2 messages waiting, 1 overdue." in html
    assert f'href="{reverse("participation:messages")}"' in html
    client.force_login(users["panel"])
    assert "messages waiting" not in client.get(reverse("participation:groups")).content.decode()


def test_turning_a_message_into_you_said_returns_to_the_queue(client, users):
    message = waiting(1)
    client.force_login(users["participation"])
    response = client.post(
        reverse("participation:message_to_feedback", args=[message.pk]),
        {"said": "More trips", "theme": Theme.objects.first().pk},
    )
    assert response.status_code == 302 and response.url == reverse("participation:messages")
    message.refresh_from_db()
    assert message.state == YoungPersonMessage.State.ANSWERED
