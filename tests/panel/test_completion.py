"""The reporting-completion page: for the next meeting, which action updates and which
owners' commentaries are in, and which are missing, with percentages."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from panel.completion import reporting_completion
from panel.models import Meeting
from tests.factories import ActionFactory, ProgressUpdateFactory
from tests.panel.test_reminders import _owned_measures

pytestmark = pytest.mark.django_db


def test_no_meeting_planned_is_said_plainly(client, users):
    assert reporting_completion().meeting is None
    client.force_login(users["admin"])
    assert "No meeting is planned." in client.get(reverse("panel:reporting_completion")).content.decode()


def test_updates_and_commentaries_in_and_missing_with_percentages(
    client, users, django_assert_max_num_queries
):
    now = timezone.now()
    Meeting.objects.create(starts_at=now - timedelta(days=40))
    Meeting.objects.create(starts_at=now + timedelta(days=12))
    updated = ActionFactory(title="Updated action", lead=users["lead"])
    ProgressUpdateFactory(action=updated, created_at=now - timedelta(days=5))
    stale = ActionFactory(title="Quiet action", lead=users["lead"])
    ProgressUpdateFactory(action=stale, created_at=now - timedelta(days=45))  # before the last meeting
    ActionFactory(title="Silent action", lead=users["other_lead"])
    ActionFactory(title="Done action", status="completed")
    _owned_measures(users)  # W01 red and W02 amber missing, W03 red explained

    completion = reporting_completion()
    assert [a.title for a in completion.updated] == ["Updated action"]
    assert {a.title for a in completion.not_updated} == {"Quiet action", "Silent action"}
    assert (completion.actions_percent, completion.commentary_percent) == (33, 33)
    assert [f.kpi.code for f in completion.unexplained] == ["W01", "W02"]
    assert [f.kpi.code for f, _ in completion.explained] == ["W03"]

    client.force_login(users["admin"])
    # session, user, groups; next meeting; meeting before; actions; KPIs; figures (2);
    # commentaries; the session's renewed expiry (3, in a savepoint)
    with django_assert_max_num_queries(13):
        page = client.get(reverse("panel:reporting_completion")).content.decode()
    assert "<strong>33%</strong> in: 1 of 3" in page
    assert "<strong>33%</strong> in: 1 of 3" in page.split("Commentaries on red and amber measures")[1]
    assert "Done action" not in page
    assert "Quiet action" in page and "Silent action" in page


def test_the_dashboard_links_administrators_to_it(client, users):
    url = reverse("panel:reporting_completion")
    client.force_login(users["panel"])
    assert url not in client.get(reverse("panel:dashboard")).content.decode()
    client.force_login(users["admin"])
    assert url in client.get(reverse("panel:dashboard")).content.decode()
