"""Lost updates (#22.3): an edit form carries the version it was read at, and a save over
a change made meanwhile is refused with who, when and what, keeping what was typed."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from actions.models import Action
from tests.factories import ActionFactory, MilestoneFactory

pytestmark = pytest.mark.django_db


def edit_form_data(client, action, **changes) -> dict:
    """What the edit page's form sends back, as drawn, with ``changes`` typed in."""
    form = client.get(reverse("action_edit", args=[action.pk])).context["form"]
    data = {}
    for name in form.fields:
        value = form.initial.get(name)
        if name in ("start_date", "due_date"):
            data |= {f"{name}_0": value.day, f"{name}_1": value.month, f"{name}_2": value.year}
        elif name == "kpis":
            data[name] = [kpi.pk for kpi in value]
        elif name in ("commitment", "lead", "subgroup"):
            data[name] = value.pk if value else ""
        elif name == "shareable":
            if value:
                data[name] = "on"
        else:
            data[name] = value
    return data | changes


def hidden_version(html: str) -> int:
    return int(re.search(r'name="version" value="(\d+)"', html).group(1))


@pytest.fixture
def admin_client(admin_user):
    client = Client()
    client.force_login(admin_user)
    return client


def test_an_edit_opened_before_the_leads_off_track_update_does_not_put_on_track_back(
    admin_client, client, lead_user
):
    lead_user.first_name, lead_user.last_name = "Demo", "Lead"
    lead_user.save()
    action = ActionFactory(lead=lead_user, status=Action.Status.ON_TRACK, title="Old title")
    typed = edit_form_data(admin_client, action, title="New title")

    client.force_login(lead_user)
    response = client.post(
        reverse("action_add_update", args=[action.pk]),
        {"status": "off_track", "done": "Funding fell through."},
    )
    assert response.status_code == 302

    response = admin_client.post(reverse("action_edit", args=[action.pk]), typed)

    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r"This action was changed by Demo Lead at \d\d:\d\d while you were editing", html)
    assert "Status: On track → Off track" in html
    assert "Progress update added by Demo Lead: off track" in html
    assert 'value="New title"' in html  # what the administrator typed is kept
    action.refresh_from_db()
    assert (action.status, action.title) == (Action.Status.OFF_TRACK, "Old title")

    # Saving again, having read what changed, is the administrator's choice to make.
    again = typed | {"version": hidden_version(html), "status": "off_track"}
    assert admin_client.post(reverse("action_edit", args=[action.pk]), again).status_code == 302
    action.refresh_from_db()
    assert (action.status, action.title) == (Action.Status.OFF_TRACK, "New title")


def test_the_second_of_two_administrators_does_not_silently_put_back_the_first_ones_due_date(
    admin_client, users
):
    action = ActionFactory()
    other = Client()
    other.force_login(users["admin"])
    first = edit_form_data(admin_client, action, due_date_2=action.due_date.year + 1)
    second = edit_form_data(other, action, title="A clearer title")

    assert admin_client.post(reverse("action_edit", args=[action.pk]), first).status_code == 302
    response = other.post(reverse("action_edit", args=[action.pk]), second)

    assert response.status_code == 200
    assert "Due date:" in response.content.decode()
    action.refresh_from_db()
    assert action.due_date.year == int(first["due_date_2"])
    assert action.title != "A clearer title"


def test_ticks_over_someone_elses_ticks_are_refused(admin_client, client, lead_user):
    action = ActionFactory(lead=lead_user)
    first, second = MilestoneFactory(action=action), MilestoneFactory(action=action)
    client.force_login(lead_user)
    url = reverse("action_milestones", args=[action.pk])
    version = client.get(url).context["tick_form"].initial["version"]

    assert admin_client.post(url, {"completed": [first.pk], "version": version}).status_code == 302
    response = client.post(url, {"completed": [second.pk], "version": version})

    assert response.status_code == 200
    assert f"Milestone: {first.title}: Completed on: (none) →" in response.content.decode()
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.completed_on is not None and second.completed_on is None
