"""An action's page shows the "You said, we did" items it answers (through the extension point)."""

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory

from actions.extensions import action_sections
from participation.views import action_feedback_section
from tests.factories import ActionFactory, FeedbackItemFactory, UserFactory

pytestmark = pytest.mark.django_db


def request_for(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_the_section_lists_the_feedback_the_action_answers(users, django_assert_num_queries):
    action = ActionFactory()
    answered = FeedbackItemFactory(action=action, said="Driving lessons please", response="Funded 20 lessons")
    FeedbackItemFactory(said="Not this action's")
    with django_assert_num_queries(2):  # the reader's roles; the items with session, group and theme
        section = action_feedback_section(request=request_for(users["panel"]), action=action)
    assert section.template == "participation/_action_feedback.html"
    assert section.context["feedback_items"] == [answered]
    html = render_to_string(section.template, section.context)
    assert "Driving lessons please" in html
    assert "Funded 20 lessons" in html
    assert "Not this action&#x27;s" not in html


def test_no_section_when_no_feedback_is_linked(users):
    assert action_feedback_section(request=request_for(users["lead"]), action=ActionFactory()) is None


def test_no_section_for_someone_without_a_role():
    action = FeedbackItemFactory(action=ActionFactory()).action
    assert action_feedback_section(request=request_for(UserFactory()), action=action) is None


def test_participation_registers_the_section_when_the_app_loads(users):
    action = FeedbackItemFactory(action=ActionFactory()).action
    sections = action_sections(request=request_for(users["panel"]), action=action)
    assert "participation/_action_feedback.html" in [s.template for s in sections]
