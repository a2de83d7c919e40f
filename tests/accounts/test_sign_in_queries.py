"""What one sign-in costs the database: each step's queries (docs/performance.md, "Signing in")."""

import pytest
from axes.models import AccessAttempt
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actions.roles import Role
from tests.factories import TEST_PASSWORD, UserFactory
from tests.mfa import totp_code

pytestmark = pytest.mark.django_db


def axes_queries(captured) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if '"axes_' in q["sql"]]


@pytest.fixture
def member():
    return UserFactory(username="pm", role=Role.PANEL_MEMBER, password=TEST_PASSWORD)


def test_a_sign_in_with_no_failures_behind_it_costs_axes_four_queries(client, member):
    # The lock check, the spraying check, one look for anything to clean up, the access log.
    with CaptureQueriesContext(connection) as captured:
        response = client.post(reverse("login"), {"username": "pm", "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert len(axes_queries(captured)) == 4


def test_the_password_step_stays_within_its_query_budget(client, member, django_assert_max_num_queries):
    # axes 4, the account 3 (user, its roles, last sign-in), the session 2 (insert, update),
    # and here 4 more: the test's transaction turns each session write's into a savepoint pair.
    with django_assert_max_num_queries(13):
        response = client.post(reverse("login"), {"username": "pm", "password": TEST_PASSWORD})
    assert response.status_code == 302


def test_failures_before_a_successful_sign_in_are_still_cleared(client, member):
    client.post(reverse("login"), {"username": "pm", "password": "not-the-password"})
    assert AccessAttempt.objects.filter(username="pm").exists()

    response = client.post(reverse("login"), {"username": "pm", "password": TEST_PASSWORD})

    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="pm").exists()


def test_the_code_step_stays_within_its_query_budget(client, django_assert_max_num_queries):
    officer = UserFactory(username="po", role=Role.PARTICIPATION_OFFICER)
    client.force_login(officer, verified=False)
    code = totp_code(officer)

    # The session 4 (load; a new key: insert, delete the old, write), the account 1, the device
    # 3 (find it, lock it, record the code as used), and here 2 savepoint pairs and 1 for the
    # device's transaction.
    with django_assert_max_num_queries(14) as captured:
        response = client.post(reverse("mfa_verify"), {"code": code})
    assert response.status_code == 302
    session = [q["sql"].split()[0] for q in captured.captured_queries if '"django_session"' in q["sql"]]
    assert session == ["SELECT", "INSERT", "DELETE", "UPDATE"]
