"""Writes to the panel's meetings go through panel/services.py: the closing rule of the
panel's questions and actions lives there, not in a view."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from panel.models import Meeting, PanelAction
from panel.services import DONE_NEEDS_RESPONSE, meeting_save, panel_action_add, panel_action_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def question(users):
    meeting = meeting_save(title="Panel", starts_at=timezone.now() + timedelta(days=3))
    return panel_action_add(meeting=meeting, kind="question", text="Why?", owner=users["lead"])


def test_marking_done_closes_on_that_day_and_reopening_clears_it(question):
    panel_action_update(panel_action=question, status="done", response="Answered.", today=date(2026, 5, 1))
    question.refresh_from_db()
    assert (question.status, question.closed_on) == ("done", date(2026, 5, 1))
    panel_action_update(panel_action=question, status="in_progress", response="Asked again.")
    question.refresh_from_db()
    assert (question.status, question.closed_on) == ("in_progress", None)


def test_done_without_a_response_is_refused_and_changes_nothing(question):
    with pytest.raises(ValidationError) as error:
        panel_action_update(panel_action=question, status="done", response="  ")
    assert error.value.message_dict == {"response": [DONE_NEEDS_RESPONSE]}
    assert PanelAction.objects.get(pk=question.pk).status == "open"


def test_a_meeting_is_changed_in_place(question):
    meeting = question.meeting
    meeting_save(meeting=meeting, title="Extra panel", starts_at=meeting.starts_at, location="Town Hall")
    assert Meeting.objects.get().location == "Town Hall"
