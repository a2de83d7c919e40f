import pytest
from django.urls import reverse

from actions.models import ProgressUpdate
from tests.factories import ActionFactory, MilestoneFactory, ProgressUpdateFactory

pytestmark = pytest.mark.django_db


def test_the_plans_admin_pages_open_for_an_administrator(client, admin_user):
    action = ActionFactory()
    milestone = MilestoneFactory(action=action)
    update = ProgressUpdateFactory(action=action)
    client.force_login(admin_user)
    for url in (
        reverse("admin:actions_subgroup_changelist"),
        reverse("admin:actions_subgroup_change", args=[action.subgroup.pk]),
        reverse("admin:actions_action_changelist") + "?q=Test",
        reverse("admin:actions_action_change", args=[action.pk]),
        reverse("admin:actions_action_history", args=[action.pk]),
        reverse("admin:actions_milestone_changelist"),
        reverse("admin:actions_milestone_change", args=[milestone.pk]),
        reverse("admin:actions_progressupdate_changelist"),
        reverse("admin:actions_progressupdate_change", args=[update.pk]),
    ):
        assert client.get(url).status_code == 200, url


def test_progress_updates_cannot_be_changed_or_deleted_in_the_admin(client, admin_user):
    update = ProgressUpdateFactory(done="As said at the time.")
    client.force_login(admin_user)
    client.post(reverse("admin:actions_progressupdate_change", args=[update.pk]), {"done": "Rewritten."})
    assert client.post(reverse("admin:actions_progressupdate_delete", args=[update.pk])).status_code == 403
    assert ProgressUpdate.objects.get(pk=update.pk).done == "As said at the time."
    assert client.get(reverse("admin:actions_progressupdate_add")).status_code == 403
