"""A committed write answers as committed (#22.7): a progress update that committed is not
turned into an error when the session cannot be saved after it, and the same form sent
twice stores one update."""

import pytest
from django.db import connection
from django.urls import reverse

from actions import services
from actions.models import ProgressUpdate
from tests.factories import ActionFactory
from tests.servers import drop_database_connection

FORM = {"status": "off_track", "done": "Funding fell through.", "submission_token": "", "version": ""}


@pytest.mark.django_db(transaction=True)
def test_an_update_that_committed_is_answered_as_added_when_the_session_cannot_be_saved(
    client, lead_user, monkeypatch
):
    action = ActionFactory(lead=lead_user)
    client.force_login(lead_user)
    create = services.progress_update_create

    def commit_then_lose_the_database(**arguments):
        update = create(**arguments)  # committed: its own transaction
        drop_database_connection()
        return update

    monkeypatch.setattr(services, "progress_update_create", commit_then_lose_the_database)
    response = client.post(reverse("action_add_update", args=[action.pk]), FORM)

    assert response.status_code == 302
    assert response["Location"] == action.get_absolute_url()
    connection.close()
    assert ProgressUpdate.objects.filter(action=action).count() == 1


@pytest.mark.django_db
def test_the_same_form_sent_twice_stores_one_update(client, lead_user):
    action = ActionFactory(lead=lead_user)
    client.force_login(lead_user)
    url = reverse("action_add_update", args=[action.pk])
    token = client.get(url).context["form"]["submission_token"].value()
    assert token

    answers = [client.post(url, FORM | {"submission_token": token}).status_code for _ in range(2)]

    assert answers == [302, 302]
    assert ProgressUpdate.objects.filter(action=action).count() == 1
    # A new form is a new update.
    client.post(url, FORM | {"submission_token": client.get(url).context["form"]["submission_token"].value()})
    assert ProgressUpdate.objects.filter(action=action).count() == 2
