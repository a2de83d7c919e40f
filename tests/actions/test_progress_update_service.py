import pytest
from django.core.exceptions import ValidationError

from actions.models import Action, ProgressUpdate
from actions.selectors import action_change_history
from actions.services import COMPLETED_NOT_REOPENED, progress_update_create
from tests.factories import ActionFactory

pytestmark = pytest.mark.django_db


def test_an_update_is_recorded_and_moves_the_action_to_its_status(lead_user):
    action = ActionFactory(lead=lead_user, status="on_track")
    update = progress_update_create(
        action=action,
        author=lead_user,
        status="off_track",
        done="  Funding delayed.  ",
        next_steps="Escalate to the panel.",
        evidence_url="https://example.org/minutes",
    )
    action.refresh_from_db()
    assert action.status == "off_track"
    assert (update.author, update.status, update.done) == (lead_user, "off_track", "Funding delayed.")
    change = action.history.latest()
    assert (change.status, change.history_user) == ("off_track", lead_user)


def test_an_update_that_keeps_the_status_adds_no_change_to_the_history(lead_user):
    action = ActionFactory(lead=lead_user, status="on_track")
    before = action_change_history(action=action)
    progress_update_create(action=action, author=lead_user, status="on_track", done="Still on track.")
    # A new version (an edit form opened before it is refused), but no change to show.
    assert action_change_history(action=action) == before
    assert action.updates.count() == 1


def test_a_completed_action_refuses_an_update_that_does_not_reopen_it(lead_user):
    action = ActionFactory(lead=lead_user, status="completed")
    with pytest.raises(ValidationError) as error:
        progress_update_create(action=action, author=lead_user, status="completed", done="More.")
    assert error.value.message_dict == {"status": [COMPLETED_NOT_REOPENED]}
    assert not ProgressUpdate.objects.exists()
    assert Action.objects.get(pk=action.pk).status == "completed"


def test_an_update_can_reopen_a_completed_action(lead_user):
    action = ActionFactory(lead=lead_user, status="completed")
    progress_update_create(
        action=action, author=lead_user, status="some_slippage", done="Reopened: gaps found."
    )
    assert Action.objects.get(pk=action.pk).status == "some_slippage"


@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        ({"status": "finished", "done": "x"}, "status"),
        ({"status": "on_track", "done": "   "}, "done"),
        ({"status": "on_track", "done": "x", "evidence_url": "javascript:alert(1)"}, "evidence_url"),
    ],
)
def test_bad_updates_are_refused_and_change_nothing(lead_user, fields, error_field):
    action = ActionFactory(lead=lead_user, status="on_track")
    with pytest.raises(ValidationError) as error:
        progress_update_create(action=action, author=lead_user, **fields)
    assert error_field in error.value.message_dict
    assert not ProgressUpdate.objects.exists()
    assert Action.objects.get(pk=action.pk).status == "on_track"
