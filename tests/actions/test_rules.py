"""The plan's access rules as a table: who may do what to an action led by "lead"."""

import pytest
from django.contrib.auth.models import AnonymousUser

from actions.rules import can_manage_plan, can_see_my_actions, can_update_action, can_view_plan
from tests.factories import ActionFactory, UserFactory

pytestmark = pytest.mark.django_db

#  role            view plan  update "lead"'s action  manage plan  my actions
TABLE = [
    ("anonymous", False, False, False, False),
    ("panel", True, False, False, False),
    ("lead", True, True, False, True),
    ("other_lead", True, False, False, True),
    ("participation", True, False, False, False),
    ("ivstaff", True, False, False, False),
    ("admin", True, True, True, True),
]


@pytest.mark.parametrize(("role", "view", "update", "manage", "mine"), TABLE)
def test_plan_rules(users, role, view, update, manage, mine):
    user = AnonymousUser() if role == "anonymous" else users[role]
    action = ActionFactory(lead=users["lead"])
    assert can_view_plan(user) is view
    assert can_update_action(user, action) is update
    assert can_manage_plan(user) is manage
    assert can_see_my_actions(user) is mine
    assert user.has_perm("actions.update_action_progress", action) is update


def test_a_named_lead_without_any_role_cannot_update_their_action():
    nobody = UserFactory(username="no-role")
    action = ActionFactory(lead=nobody)
    assert not can_update_action(nobody, action)


def test_a_superuser_is_an_administrator():
    root = UserFactory(username="root", is_superuser=True)
    assert can_manage_plan(root) and can_update_action(root, ActionFactory())
