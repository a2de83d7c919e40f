"""Who may read KPIs, who sees small numbers and who may import, as a table."""

import pytest

from actions.kpis.rules import can_import_kpi_data, can_view_kpis, sees_small_numbers
from core.access import allowed
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TABLE = {
    # role: (reads KPIs, sees small numbers, imports)
    "panel": (True, False, False),
    "lead": (True, True, False),
    "other_lead": (True, True, False),
    "participation": (True, True, False),
    "ivstaff": (True, True, False),
    "admin": (True, True, True),
}


@pytest.mark.parametrize("role", TABLE)
def test_rules_by_role(users, role):
    user = users[role]
    assert (can_view_kpis(user), sees_small_numbers(user), can_import_kpi_data(user)) == TABLE[role]


def test_a_user_without_a_role_reads_nothing():
    nobody = UserFactory(username="no-role")
    assert (can_view_kpis(nobody), sees_small_numbers(nobody), can_import_kpi_data(nobody)) == (False,) * 3


def test_staff_status_alone_does_not_allow_imports():
    clerk = UserFactory(username="clerk", is_staff=True)
    assert not can_import_kpi_data(clerk)


def test_a_superuser_may_import():
    assert can_import_kpi_data(UserFactory(username="root", is_superuser=True))


@pytest.mark.parametrize("role", TABLE)
def test_pages_ask_the_same_rule_by_its_permission_name(users, role):
    assert allowed(users[role], "actions.see_small_numbers") == TABLE[role][1]
