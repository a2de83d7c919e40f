"""Participation officers keep the jargon list in the Django admin; easy-read words saved
there are checked like anywhere else."""

import pytest
from django.urls import reverse

from actions.models import EasyReadText, JargonTerm
from tests.factories import ActionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(client):
    user = UserFactory(username="officer", role="Participation officer", is_staff=True)
    client.force_login(user)
    return user


def test_an_officer_adds_a_word_to_the_jargon_list_in_the_admin(client, officer):
    page = client.get(reverse("admin:actions_jargonterm_changelist")).content.decode()
    assert "placement" in page and "the home where you live" in page
    response = client.post(
        reverse("admin:actions_jargonterm_add"), {"term": "pathway", "plain_words": "plan", "note": ""}
    )
    assert response.status_code == 302
    assert JargonTerm.objects.filter(term="pathway", plain_words="plan").exists()


def test_words_changed_in_the_admin_are_checked_and_not_published(client, officer):
    item = EasyReadText.objects.create(
        action=ActionFactory(), text="We run a club.", published_text="We run a club."
    )
    url = reverse("admin:actions_easyreadtext_change", args=[item.pk])
    response = client.post(url, {"text": "We will review your placement protocol."})
    assert response.status_code == 200
    assert "“placement”" in response.content.decode()
    response = client.post(url, {"text": "We run a club on Fridays."})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.text == "We run a club on Fridays." and item.published_text == "We run a club."
