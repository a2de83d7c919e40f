from pathlib import Path

import pytest
from django.urls import reverse

from actions import extensions
from actions.extensions import PageSection
from actions.models import KPI
from actions.services import action_edit
from tests.factories import ActionFactory, MilestoneFactory, ProgressUpdateFactory

pytestmark = pytest.mark.django_db


def test_the_action_page_shows_milestones_updates_kpis_and_changes(client, panel_user, admin_user, lead_user):
    action = ActionFactory(lead=lead_user, description="Work with colleges.", title="Mentors")
    action.kpis.set(KPI.objects.filter(code="I02"))
    MilestoneFactory(action=action, title="Mentors recruited")
    ProgressUpdateFactory(action=action, done="Ten mentors signed up.", evidence_url="https://example.org/e")
    action_edit(action=action, by=admin_user, title="Employer mentors")
    client.force_login(panel_user)
    html = client.get(action.get_absolute_url()).content.decode()
    for text in (
        "Employer mentors",
        "Work with colleges.",
        "Mentors recruited",
        "Ten mentors signed up.",
        "https://example.org/e",
        "I02",
        "Change history",
        "Title: Mentors → Employer mentors",
    ):
        assert text in html, text
    # Panel members read; they are not offered the lead's buttons.
    assert reverse("action_add_update", args=[action.pk]) not in html


def test_the_lead_and_administrators_are_offered_updates_and_administrators_editing(client, users):
    action = ActionFactory(lead=users["lead"])
    client.force_login(users["lead"])
    html = client.get(action.get_absolute_url()).content.decode()
    assert reverse("action_add_update", args=[action.pk]) in html
    assert reverse("action_edit", args=[action.pk]) not in html
    client.force_login(users["admin"])
    assert reverse("action_edit", args=[action.pk]) in client.get(action.get_absolute_url()).content.decode()


def test_sections_registered_by_higher_apps_are_rendered(client, panel_user, monkeypatch, settings):
    settings.TEMPLATES = [
        settings.TEMPLATES[0]
        | {"DIRS": [*settings.TEMPLATES[0]["DIRS"], Path(__file__).parents[1] / "templates"]}
    ]
    monkeypatch.setattr(extensions, "_action_sections", [])
    action = ActionFactory()
    extensions.register_action_section(
        lambda *, request, action: PageSection("actions/_test_section.html", {"said": "more youth clubs"})
    )
    extensions.register_action_section(lambda *, request, action: None)
    client.force_login(panel_user)
    html = client.get(action.get_absolute_url()).content.decode()
    assert f"You said: more youth clubs (action {action.pk})" in html


def test_the_action_page_takes_a_fixed_number_of_queries(client, panel_user, django_assert_max_num_queries):
    action = ActionFactory()
    for _ in range(10):
        MilestoneFactory(action=action)
        ProgressUpdateFactory(action=action)
    client.force_login(panel_user)
    # session, user, groups ×2 (menu, rules), the action, milestones, updates, KPIs,
    # history: action records, their KPI links, milestone records, and the names it
    # mentions (commitments, people, subgroups, KPI codes); session save ×3
    with django_assert_max_num_queries(18):
        assert client.get(action.get_absolute_url()).status_code == 200


def test_linked_kpis_and_actions_link_to_each_other(client, users):
    action = ActionFactory(title="Health passports")
    action.kpis.add(KPI.objects.get(code="W01"))
    client.force_login(users["panel"])
    assert reverse("kpi_detail", args=["W01"]) in client.get(action.get_absolute_url()).content.decode()
    assert action.get_absolute_url() in client.get(reverse("kpi_detail", args=["W01"])).content.decode()
