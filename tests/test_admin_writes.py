"""The admin never writes a record whose rules live in a service: it shows them, and the
portal's pages (which call the service) add and change them."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from actions.models import Action, Milestone
from panel.models import Meeting, PanelAction
from participation.models import FeedbackItem, ParticipationSession, Review, Visit, Volunteer
from tests.factories import (
    ActionFactory,
    FeedbackItemFactory,
    MilestoneFactory,
    ParticipationSessionFactory,
    ReviewFactory,
    VisitFactory,
    VolunteerFactory,
)

pytestmark = pytest.mark.django_db

TOMORROW = timezone.localdate() + timedelta(days=1)


def change_url(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def form_data(obj, **changes) -> dict:
    """What the admin's change form would post: the record's own fields, then the changes."""
    data = {}
    for field in obj._meta.concrete_fields:
        if field.primary_key or not field.editable:
            continue
        value = field.value_from_object(obj)
        data[field.attname.removesuffix("_id") if field.is_relation else field.name] = (
            "" if value is None else value
        )
    return {**data, **changes}


def test_an_action_with_a_lead_the_service_refuses_is_not_saved_through_the_admin(admin_client, panel_user):
    action = ActionFactory()
    lead = action.lead_id
    response = admin_client.post(change_url(action), form_data(action, lead=panel_user.pk, title="Changed"))
    assert response.status_code == 403
    action.refresh_from_db()
    assert (action.lead_id, action.title) == (lead, action.title)
    assert action.title != "Changed"


def test_an_action_is_not_reverted_through_the_admins_history_form(admin_client, panel_user):
    """django-simple-history's "Revert" form saves with view permission alone."""
    action = ActionFactory(title="As it is")
    version = action.history.earliest().history_id
    url = reverse("admin:actions_action_simple_history", args=[action.pk, version])
    response = admin_client.post(url, form_data(action, lead=panel_user.pk, title="Reverted"))
    assert response.status_code == 403
    action.refresh_from_db()
    assert action.title == "As it is"


@pytest.mark.parametrize(
    ("make", "changes", "field"),
    [
        (VisitFactory, {"visited_on": TOMORROW}, "visited_on"),  # service: not in the future
        (ReviewFactory, {"held_on": TOMORROW}, "held_on"),  # service: not in the future
        (MilestoneFactory, {"due_date": date(2000, 1, 1)}, "due_date"),  # service: not before the action
        (ParticipationSessionFactory, {"held_on": TOMORROW}, "held_on"),
        (FeedbackItemFactory, {"said": ""}, "said"),
        (VolunteerFactory, {"name": ""}, "name"),
    ],
)
def test_records_whose_rules_live_in_services_are_not_changed_through_the_admin(
    admin_client, make, changes, field
):
    obj = make()
    before = getattr(obj, field)
    response = admin_client.post(change_url(obj), form_data(obj, **changes))
    assert response.status_code == 403
    obj.refresh_from_db()
    assert getattr(obj, field) == before


@pytest.mark.parametrize(
    "model",
    [Action, Milestone, Visit, Review, ParticipationSession, FeedbackItem, Volunteer, Meeting, PanelAction],
)
def test_records_whose_rules_live_in_services_are_not_added_through_the_admin(admin_client, model):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
    count = model.objects.count()
    assert admin_client.get(url).status_code == 403
    assert admin_client.post(url, {}).status_code == 403
    assert model.objects.count() == count


def test_the_admin_still_shows_them(admin_client):
    visit = VisitFactory()
    response = admin_client.get(change_url(visit))
    assert response.status_code == 200
    assert "Save" not in response.content.decode()
