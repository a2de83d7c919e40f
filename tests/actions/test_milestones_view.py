import pytest
from django.urls import reverse

from actions.models import Milestone
from tests.factories import ActionFactory, MilestoneFactory

pytestmark = pytest.mark.django_db


def test_the_lead_ticks_milestones(client, lead_user):
    action = ActionFactory(lead=lead_user)
    first, second = MilestoneFactory(action=action), MilestoneFactory(action=action)
    client.force_login(lead_user)
    assert (
        "Which milestones are complete?"
        in client.get(reverse("action_milestones", args=[action.pk])).content.decode()
    )
    response = client.post(reverse("action_milestones", args=[action.pk]), {"completed": [second.pk]})
    assert response.status_code == 302
    assert Milestone.objects.get(pk=first.pk).completed_on is None
    assert Milestone.objects.get(pk=second.pk).completed_on is not None


def test_a_forged_milestone_of_another_action_is_refused_and_nothing_changes(client, lead_user):
    action = ActionFactory(lead=lead_user)
    mine = MilestoneFactory(action=action)
    theirs = MilestoneFactory()
    client.force_login(lead_user)
    response = client.post(
        reverse("action_milestones", args=[action.pk]), {"completed": [mine.pk, theirs.pk]}
    )
    assert response.status_code == 200
    assert "Choose milestones of this action only." in response.content.decode()
    assert not Milestone.objects.filter(completed_on__isnull=False).exists()


def test_another_lead_cannot_tick_this_actions_milestones(client, users):
    milestone = MilestoneFactory(action=ActionFactory(lead=users["lead"]))
    client.force_login(users["other_lead"])
    response = client.post(
        reverse("action_milestones", args=[milestone.action.pk]), {"completed": [milestone.pk]}
    )
    assert response.status_code == 403
    assert Milestone.objects.get(pk=milestone.pk).completed_on is None


def test_the_lead_adds_a_milestone_and_bad_dates_are_refused(client, lead_user):
    action = ActionFactory(lead=lead_user)
    client.force_login(lead_user)
    url = reverse("action_milestone_add", args=[action.pk])
    before_start = action.start_date.replace(year=action.start_date.year - 1)
    bad = client.post(
        url,
        {
            "title": "Too early",
            "due_date_0": before_start.day,
            "due_date_1": before_start.month,
            "due_date_2": before_start.year,
        },
    )
    assert "cannot be due before the action starts" in bad.content.decode()
    nonsense = client.post(
        url, {"title": "Nonsense", "due_date_0": "31", "due_date_1": "2", "due_date_2": "2030"}
    )
    assert "There is a problem" in nonsense.content.decode()
    assert "Due date must be a real date" in nonsense.content.decode()
    assert "out of range" not in nonsense.content.decode()
    assert not Milestone.objects.exists()
    good = client.post(
        url, {"title": "Scope agreed", "due_date_0": "1", "due_date_1": "6", "due_date_2": "2030"}
    )
    assert good.status_code == 302
    assert list(action.milestones.values_list("title", flat=True)) == ["Scope agreed"]
