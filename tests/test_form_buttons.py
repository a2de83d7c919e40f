"""Pages with two forms give each submit button an id of its own (HTML ids are unique)."""

import re
from collections import Counter

import pytest
from django.urls import reverse

from participation.models import YoungPersonMessage
from tests.factories import ActionFactory, MilestoneFactory

pytestmark = pytest.mark.django_db


def repeated_ids(html: str) -> list[str]:
    return [id_ for id_, count in Counter(re.findall(r'\sid="([^"]+)"', html)).items() if count > 1]


def test_the_message_pages_two_forms_have_distinct_ids(client, users):
    message = YoungPersonMessage.objects.create(text="Can we have more trips?")
    client.force_login(users["participation"])
    html = client.get(message.get_absolute_url()).content.decode()
    assert html.count('type="submit"') >= 2
    assert repeated_ids(html) == []


def test_the_milestones_pages_two_forms_have_distinct_ids(client, admin_user):
    action = ActionFactory()
    MilestoneFactory(action=action)  # so that the page has the ticking form too
    client.force_login(admin_user)
    assert repeated_ids(client.get(reverse("action_milestones", args=[action.pk])).content.decode()) == []
