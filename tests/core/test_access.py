"""core.access: the one access check every view makes on its first line."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from actions.models import Action
from core.access import allowed, get_object_for, require
from tests.factories import ActionFactory

pytestmark = pytest.mark.django_db


def test_a_granted_rule_returns_the_object(users):
    action = ActionFactory()
    assert get_object_for(users["panel"], "actions.view_plan", Action, pk=action.pk) == action


def test_a_refused_user_gets_403_before_the_lookup_even_for_a_missing_object():
    with pytest.raises(PermissionDenied):
        get_object_for(AnonymousUser(), "actions.view_plan", Action, pk=999999)


def test_a_hidden_record_refuses_with_404_as_if_it_did_not_exist(users):
    action = ActionFactory()
    with pytest.raises(Http404):
        get_object_for(users["panel"], "participation.manage_iv", Action, hidden=True, pk=action.pk)


def test_a_missing_object_is_404_for_a_user_who_may_see_it(users):
    with pytest.raises(Http404):
        get_object_for(users["panel"], "actions.view_plan", Action, pk=999999)


def test_object_rules_are_checked_against_the_object(users):
    action = ActionFactory(lead=users["lead"])
    require(users["lead"], "actions.update_action_progress", action)
    with pytest.raises(PermissionDenied):
        require(users["other_lead"], "actions.update_action_progress", action)
    assert not allowed(users["other_lead"], "actions.update_action_progress", action)


def test_the_admins_model_permissions_do_not_open_portal_pages(users):
    """Panel members hold panel.view_meeting (for the Django admin); portal pages ask the
    rules, whose names differ, so a model permission alone opens nothing."""
    assert users["panel"].has_perm("panel.view_meeting")
    assert not allowed(users["panel"], "panel.view_meeting")
    assert allowed(users["panel"], "panel.read_meetings")
