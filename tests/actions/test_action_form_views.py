import pytest
from django.urls import reverse

from actions.models import Action, Commitment
from tests.factories import ActionFactory

pytestmark = pytest.mark.django_db


def form_data(lead, **overrides):
    data = {
        "commitment": Commitment.objects.get(code="I2").pk,
        "title": "Awards evening",
        "description": "A yearly celebration.",
        "lead": lead.pk,
        "lead_organisation": "Virtual School",
        "start_date_0": "1",
        "start_date_1": "4",
        "start_date_2": "2025",
        "due_date_0": "31",
        "due_date_1": "3",
        "due_date_2": "2026",
        "status": "on_track",
        "kpis": [],
        "shareable": "on",
    }
    return data | overrides


def test_an_administrator_adds_an_action(client, admin_user, lead_user):
    client.force_login(admin_user)
    response = client.post(reverse("action_create"), form_data(lead_user))
    action = Action.objects.get()
    assert response["Location"] == action.get_absolute_url()
    assert (action.title, action.lead, action.shareable, action.status) == (
        "Awards evening",
        lead_user,
        True,
        "on_track",
    )


def test_a_due_date_before_the_start_date_is_refused_with_a_clear_message(client, admin_user, lead_user):
    client.force_login(admin_user)
    response = client.post(reverse("action_create"), form_data(lead_user, due_date_2="2024"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "The due date must be the same as or after the start date." in html
    assert not Action.objects.exists()


def test_a_lead_who_is_not_a_subgroup_lead_cannot_be_chosen(client, admin_user, panel_user):
    client.force_login(admin_user)
    response = client.post(reverse("action_create"), form_data(panel_user))
    assert "Choose a lead from the list." in response.content.decode()
    assert not Action.objects.exists()


def test_an_administrator_edits_an_action_and_the_change_is_recorded(client, admin_user, lead_user):
    action = ActionFactory(lead=lead_user, title="Old title")
    client.force_login(admin_user)
    form = client.get(reverse("action_edit", args=[action.pk])).context["form"]
    assert form.initial["title"] == "Old title"
    response = client.post(reverse("action_edit", args=[action.pk]), form_data(lead_user, title="New title"))
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.title == "New title"
    assert action.history.latest().history_user == admin_user


def test_a_lead_cannot_edit_even_their_own_action(client, lead_user):
    action = ActionFactory(lead=lead_user, title="Kept")
    client.force_login(lead_user)
    response = client.post(reverse("action_edit", args=[action.pk]), form_data(lead_user, title="Changed"))
    assert response.status_code == 403
    assert Action.objects.get(pk=action.pk).title == "Kept"
