import pytest
from django.urls import reverse

from actions.models import Action, ProgressUpdate
from tests.factories import ActionFactory

pytestmark = pytest.mark.django_db


def url(action):
    return reverse("action_add_update", args=[action.pk])


def rag_of(action) -> str:
    return Action.objects.with_status().get(pk=action.pk).rag


def test_a_lead_posts_an_update_that_changes_the_rag(client, lead_user):
    action = ActionFactory(lead=lead_user, status="on_track")
    assert rag_of(action) == "green"
    client.force_login(lead_user)
    response = client.post(
        url(action), {"status": "off_track", "done": "Funding delayed.", "next_steps": "Escalate."}
    )
    assert response.status_code == 302 and response["Location"] == action.get_absolute_url()
    assert rag_of(action) == "red"
    update = ProgressUpdate.objects.get()
    assert (update.author, update.status, update.next_steps) == (lead_user, "off_track", "Escalate.")
    page = client.get(response["Location"]).content.decode()
    assert "Your progress update has been added." in page and "Funding delayed." in page


def test_a_lead_posting_to_another_leads_action_gets_403_and_nothing_changes(client, users):
    action = ActionFactory(lead=users["lead"], status="on_track")
    client.force_login(users["other_lead"])
    response = client.post(url(action), {"status": "off_track", "done": "Forged."})
    assert response.status_code == 403
    assert not ProgressUpdate.objects.exists()
    assert Action.objects.get(pk=action.pk).status == "on_track"


def test_an_unknown_action_is_404(client, lead_user):
    client.force_login(lead_user)
    assert (
        client.post(
            reverse("action_add_update", args=[987654]), {"status": "on_track", "done": "x"}
        ).status_code
        == 404
    )


def test_an_update_on_a_completed_action_that_is_not_reopened_is_refused(client, lead_user):
    action = ActionFactory(lead=lead_user, status="completed")
    client.force_login(lead_user)
    page = client.get(url(action)).content.decode()
    assert "This action is completed." in page
    response = client.post(url(action), {"status": "completed", "done": "Another note."})
    assert response.status_code == 200
    assert "To add an update, reopen it" in response.content.decode()
    assert not ProgressUpdate.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"done": "No status"}, "Choose the action&#x27;s status."),
        ({"status": "on_track"}, "Say what was done since the last update."),
        ({"status": "on_track", "done": "x", "evidence_url": "not a link"}, "Enter the link in full"),
        ({"status": "sideways", "done": "x"}, "Choose a status."),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(client, lead_user, data, message):
    action = ActionFactory(lead=lead_user, status="on_track")
    client.force_login(lead_user)
    response = client.post(url(action), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html and message in html
    assert not ProgressUpdate.objects.exists()


def test_the_form_starts_at_the_actions_current_status(client, lead_user):
    action = ActionFactory(lead=lead_user, status="some_slippage")
    client.force_login(lead_user)
    assert client.get(url(action)).context["form"].initial == {"status": "some_slippage"}
