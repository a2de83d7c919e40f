"""A page that shows a form's errors says so first in its title ("Error: …", GOV.UK), so a
screen reader hears it before anything else. base.html adds it for a form named ``form``."""

import re

import pytest
from django.urls import reverse

from tests.factories import ActionFactory

pytestmark = pytest.mark.django_db


def title(response) -> str:
    return re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1).strip()


def test_the_update_forms_error_page_title_starts_with_error(client, lead_user):
    action = ActionFactory(lead=lead_user, status="on_track")
    client.force_login(lead_user)
    url = reverse("action_add_update", args=[action.pk])
    assert not title(client.get(url)).startswith("Error")
    assert title(client.post(url, {"status": "on_track"})).startswith("Error: Add a progress update")


@pytest.mark.parametrize(
    ("role", "url_name", "data"),
    [
        ("admin", "action_create", {"title": ""}),
        ("admin", "panel:meeting_create", {"title": ""}),
        (None, "login", {"username": "nobody", "password": "wrong"}),
    ],
)
def test_other_form_pages_say_error_first_too(client, users, role, url_name, data):
    if role:
        client.force_login(users[role])
    response = client.post(reverse(url_name), data)
    assert response.status_code == 200
    assert title(response).startswith("Error: ")


def test_a_page_with_two_forms_says_error_for_either(client, admin_user):
    action = ActionFactory()
    client.force_login(admin_user)
    response = client.post(reverse("action_milestone_add", args=[action.pk]), {"title": ""})
    assert title(response).startswith("Error: Milestones")
    assert title(client.get(reverse("action_milestones", args=[action.pk]))).startswith("Milestones")
