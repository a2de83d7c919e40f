"""Free text has a length fitting its purpose, shown with GOV.UK's character count; more is
refused with a message and nothing is written (a very long text once stalled every report PDF)."""

import pytest
from django.urls import reverse

from panel.models import Meeting, PanelAction
from participation.models import FeedbackItem
from tests.factories import ParticipationSessionFactory

pytestmark = pytest.mark.django_db


def test_a_you_said_longer_than_its_limit_is_refused_and_nothing_is_saved(client, users):
    session = ParticipationSessionFactory()
    client.force_login(users["participation"])
    url = reverse("participation:feedback_new", args=[session.pk])
    page = client.get(url).content.decode()
    assert 'data-module="govuk-character-count" data-maxlength="2000"' in page
    response = client.post(url, {"said": "a" * 2001, "theme": "H", "status": "open"})
    assert "You said must be 2000 characters or fewer" in response.content.decode()
    assert not FeedbackItem.objects.exists()


def test_a_panel_question_longer_than_its_limit_is_refused(client, users):
    meeting = Meeting.objects.create(starts_at="2026-03-12T18:00:00Z")
    client.force_login(users["admin"])
    url = reverse("panel:panel_action_add", args=[meeting.pk])
    assert 'data-maxlength="1000"' in client.get(meeting.get_absolute_url()).content.decode()
    response = client.post(url, {"kind": "question", "text": "q" * 1001, "owner": users["lead"].pk})
    assert "Question or action must be 1000 characters or fewer" in response.content.decode()
    assert not PanelAction.objects.exists()


@pytest.mark.parametrize(
    ("model", "field", "limit"),
    [
        ("participation.FeedbackItem", "said", 2000),
        ("participation.FeedbackItem", "response", 2000),
        ("participation.ParticipationSession", "notes", 2000),
        ("panel.Meeting", "notes", 5000),
        ("panel.PanelAction", "text", 1000),
        ("panel.PanelAction", "response", 2000),
        ("actions.ProgressUpdate", "done", 5000),
        ("actions.KPICommentary", "commentary", 4000),
        ("actions.Action", "description", 2000),
    ],
)
def test_free_text_fields_have_a_limit(model, field, limit):
    from django.apps import apps

    assert apps.get_model(model)._meta.get_field(field).max_length == limit
