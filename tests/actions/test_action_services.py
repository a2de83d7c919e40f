from datetime import date

import pytest
from django.core.exceptions import ValidationError

from actions.models import KPI, Action, Commitment
from actions.services import DUE_BEFORE_START, action_create, action_edit
from tests.factories import ActionFactory, UserFactory

pytestmark = pytest.mark.django_db


def create(by, lead, **overrides):
    fields = {
        "commitment": Commitment.objects.get(code="S4"),
        "title": "Joint housing protocol",
        "lead": lead,
        "start_date": date(2025, 4, 1),
        "due_date": date(2026, 3, 31),
    }
    return action_create(by=by, **(fields | overrides))


def test_an_administrator_creates_an_action_with_its_kpis_and_a_history(admin_user, lead_user):
    action = create(admin_user, lead_user, kpis=KPI.objects.filter(code="S04"), status="on_track")
    assert list(action.kpis.values_list("code", flat=True)) == ["S04"]
    first = action.history.earliest()
    assert (first.history_type, first.history_user) == ("+", admin_user)


def test_a_due_date_before_the_start_date_is_refused(admin_user, lead_user):
    with pytest.raises(ValidationError) as error:
        create(admin_user, lead_user, due_date=date(2025, 3, 31))
    assert error.value.message_dict == {"due_date": [DUE_BEFORE_START]}
    assert not Action.objects.exists()


def test_the_lead_must_be_a_subgroup_lead(admin_user):
    outsider = UserFactory(username="councillor", role="Panel member")
    with pytest.raises(ValidationError) as error:
        create(admin_user, outsider)
    assert "lead" in error.value.message_dict
    assert not Action.objects.exists()


def test_editing_records_who_changed_what(admin_user, lead_user, users):
    action = ActionFactory(lead=lead_user)
    action_edit(action=action, by=admin_user, title="New title", lead=users["other_lead"])
    latest = action.history.latest()
    delta = latest.diff_against(latest.prev_record)
    assert {change.field for change in delta.changes} == {"title", "lead"}
    assert latest.history_user == admin_user


def test_editing_to_a_due_date_before_the_start_changes_nothing(admin_user):
    action = ActionFactory(title="Unchanged")
    with pytest.raises(ValidationError):
        action_edit(action=action, by=admin_user, title="Changed", due_date=date(2000, 1, 1))
    action.refresh_from_db()
    assert action.title == "Unchanged"
