from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from actions.models import KPI
from tests.factories import ActionFactory, ProgressUpdateFactory

pytestmark = pytest.mark.django_db


def test_a_lead_sees_their_own_actions_stale_ones_first(client, users):
    lead = users["lead"]
    today = date.today()
    fresh = ActionFactory(lead=lead, title="Fresh", due_date=today + timedelta(days=10))
    ProgressUpdateFactory(action=fresh, created_at=timezone.now())
    stale = ActionFactory(lead=lead, title="Stale", due_date=today + timedelta(days=300))
    ProgressUpdateFactory(action=stale, created_at=timezone.now() - timedelta(days=90))
    ActionFactory(lead=users["other_lead"], title="Someone else's")
    client.force_login(lead)
    response = client.get(reverse("my_actions"))
    assert [a.title for a in response.context["actions"]] == ["Stale", "Fresh"]
    html = response.content.decode()
    assert "Someone else" not in html
    assert ">Stale</strong>" in html
    assert reverse("action_add_update", args=[stale.pk]) in html


def test_a_lead_with_no_actions_is_told_so(client, users):
    client.force_login(users["other_lead"])
    assert "You do not lead any actions." in client.get(reverse("my_actions")).content.decode()


def test_my_actions_is_in_the_menu_of_leads_and_administrators_only(client, users):
    for role, shown in [("lead", True), ("admin", True), ("panel", False), ("participation", False)]:
        client.force_login(users[role])
        labels = [item["label"] for item in client.get(reverse("action_plan")).context["nav_items"]]
        assert "Action plan" in labels
        assert ("My actions" in labels) is shown, role


def test_a_completed_action_offers_no_add_an_update(client, users):
    lead = users["lead"]
    done = ActionFactory(lead=lead, title="Finished", status="completed")
    ActionFactory(lead=lead, title="Going")
    client.force_login(lead)
    html = client.get(reverse("my_actions")).content.decode()
    assert reverse("action_add_update", args=[done.pk]) not in html
    assert html.count("Add an update") == 1


def test_a_lead_sees_the_measures_they_own_under_my_measures(client, users):
    lead = users["lead"]
    KPI.objects.filter(code="W01").update(owner=lead)
    KPI.objects.filter(code="S01").update(owner=users["other_lead"])
    client.force_login(lead)
    html = client.get(reverse("my_actions")).content.decode()
    assert "My measures" in html
    assert reverse("kpi_detail", args=["W01"]) in html
    assert reverse("kpi_commentary", args=["W01"]) in html
    assert reverse("kpi_detail", args=["S01"]) not in html


def test_a_lead_who_owns_no_measure_is_told_so(client, users):
    client.force_login(users["lead"])
    assert "You do not own any measures." in client.get(reverse("my_actions")).content.decode()
