from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from actions.models import Milestone
from actions.services import milestone_add, milestones_mark
from tests.factories import ActionFactory, MilestoneFactory

pytestmark = pytest.mark.django_db


def test_marking_completes_the_ticked_and_reopens_the_unticked(lead_user):
    action = ActionFactory(lead=lead_user)
    open_one = MilestoneFactory(action=action)
    done_one = MilestoneFactory(action=action, completed_on=date(2025, 5, 1))
    kept = MilestoneFactory(action=action, completed_on=date(2025, 6, 1))
    changed = milestones_mark(
        action=action, by=lead_user, completed_ids=[open_one.pk, kept.pk], on=date(2025, 7, 1)
    )
    assert changed == 2
    assert Milestone.objects.get(pk=open_one.pk).completed_on == date(2025, 7, 1)
    assert Milestone.objects.get(pk=done_one.pk).completed_on is None
    assert Milestone.objects.get(pk=kept.pk).completed_on == date(2025, 6, 1)
    assert open_one.history.latest().history_user == lead_user


def test_another_actions_milestone_is_refused_and_nothing_changes(lead_user):
    action = ActionFactory(lead=lead_user)
    mine = MilestoneFactory(action=action)
    theirs = MilestoneFactory()
    with pytest.raises(ValidationError):
        milestones_mark(action=action, by=lead_user, completed_ids=[mine.pk, theirs.pk])
    assert not Milestone.objects.filter(completed_on__isnull=False).exists()


def test_a_milestone_cannot_be_due_before_its_action_starts(lead_user):
    action = ActionFactory(lead=lead_user)
    with pytest.raises(ValidationError) as error:
        milestone_add(
            action=action, by=lead_user, title="Too early", due_date=action.start_date - timedelta(days=1)
        )
    assert "due_date" in error.value.message_dict
    milestone = milestone_add(action=action, by=lead_user, title=" Scope agreed ", due_date=action.start_date)
    assert milestone.title == "Scope agreed"
    assert list(action.milestones.all()) == [milestone]
