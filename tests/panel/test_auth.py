import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from actions.roles import Role
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def sign_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_a_panel_member_signs_in_and_lands_on_the_dashboard(client):
    UserFactory(username="pm", role=Role.PANEL_MEMBER)
    response = sign_in(client, "pm", TEST_PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("panel:dashboard")


@pytest.mark.parametrize(
    ("role", "landing"),
    [
        (Role.PANEL_MEMBER, "panel:dashboard"),
        (Role.ADMINISTRATOR, "panel:dashboard"),
        (Role.SUBGROUP_LEAD, "my_actions"),
        (Role.PARTICIPATION_OFFICER, "participation:groups"),
        (Role.IV_COORDINATOR, "participation:iv:home"),
    ],
)
def test_each_role_lands_on_its_own_work_after_sign_in(client, role, landing):
    UserFactory(username="someone", role=role)
    response = sign_in(client, "someone", TEST_PASSWORD)
    assert response.url == reverse(landing)


def test_an_administrator_who_also_leads_actions_lands_on_the_dashboard(client):
    user = UserFactory(username="both", role=Role.SUBGROUP_LEAD)
    user.groups.add(Group.objects.get(name=Role.ADMINISTRATOR))
    assert sign_in(client, "both", TEST_PASSWORD).url == reverse("panel:dashboard")


def test_a_user_without_a_role_lands_on_the_home_page(client):
    UserFactory(username="nobody")
    assert sign_in(client, "nobody", TEST_PASSWORD).url == reverse("home")


def test_a_next_address_is_honoured_after_sign_in(client):
    UserFactory(username="pm", role=Role.PANEL_MEMBER)
    response = client.post(
        reverse("login") + "?next=/plan/", {"username": "pm", "password": TEST_PASSWORD, "next": "/plan/"}
    )
    assert response.url == "/plan/"


def test_a_wrong_password_shows_an_error_summary(client):
    UserFactory(username="pm", role=Role.PANEL_MEMBER)
    response = sign_in(client, "pm", "wrong-password")
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_repeated_failures_lock_the_username_from_that_address(client, settings):
    UserFactory(username="pm", role=Role.PANEL_MEMBER)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "pm", "wrong-password")
    response = sign_in(client, "pm", TEST_PASSWORD)
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_lock_out_is_per_username_not_for_everyone_at_that_address(client, settings):
    UserFactory(username="pm", role=Role.PANEL_MEMBER)
    UserFactory(username="colleague", role=Role.PANEL_MEMBER)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "pm", "wrong-password")
    assert sign_in(client, "colleague", TEST_PASSWORD).status_code == 302


def test_sessions_expire_after_the_idle_time(client, settings):
    UserFactory(username="pm", role=Role.PANEL_MEMBER)
    sign_in(client, "pm", TEST_PASSWORD)
    assert settings.SESSION_SAVE_EVERY_REQUEST
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE == 30 * 60


def test_sign_out_needs_a_post_and_ends_the_session(client):
    user = UserFactory(username="pm", role=Role.PANEL_MEMBER)
    client.force_login(user)
    assert client.get(reverse("logout")).status_code == 405
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302


def test_password_change_applies_the_password_validators(client):
    user = UserFactory(username="pm", role=Role.PANEL_MEMBER)
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": "password", "new_password2": "password"},
    )
    assert response.status_code == 200
    assert "This password is too common" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(TEST_PASSWORD)


def test_password_change_with_a_good_password(client):
    user = UserFactory(username="pm", role=Role.PANEL_MEMBER)
    client.force_login(user)
    new = "a-much-better-passphrase-2026"
    response = client.post(
        reverse("password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new)


def test_navigation_shows_administration_only_to_administrators(client, users):
    client.force_login(users["panel"])
    assert "Administration" not in client.get(reverse("home")).content.decode()
    client.force_login(users["admin"])
    assert "Administration" in client.get(reverse("home")).content.decode()
