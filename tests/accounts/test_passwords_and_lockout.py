"""Weak passwords refused; an address spraying one password over many usernames is locked."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from actions.roles import Role
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("weak", ["aaaaaaaaaaaa", "Password1234", "qwertyuiopas", "short-one"])
def test_weak_passwords_are_refused(weak):
    with pytest.raises(ValidationError):
        validate_password(weak)


def test_a_password_like_the_users_name_is_refused():
    user = UserFactory(username="amira.khan", first_name="Amira", last_name="Khan")
    with pytest.raises(ValidationError):
        validate_password("amira.khan2026", user=user)


@pytest.mark.parametrize("strong", ["correct-horse-battery-staple", "violet ledger canal thimble"])
def test_strong_passwords_are_accepted(strong):
    validate_password(strong)


def test_changing_to_a_repeated_character_password_shows_the_advice(client, users):
    client.force_login(users["panel"])
    response = client.post(
        reverse("password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": "aaaaaaaaaaaa", "new_password2": "aaaaaaaaaaaa"},
    )
    assert response.status_code == 200
    assert "too easy to guess" in response.content.decode()


def sign_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_one_password_sprayed_over_many_usernames_locks_the_address(client, settings):
    victims = [UserFactory(username=f"spray{n}", role=Role.PANEL_MEMBER) for n in range(6)]
    limit = settings.AXES_IP_USERNAME_LIMIT
    for victim in victims[: limit - 1]:
        assert sign_in(client, victim.username, "Summer2026!").status_code == 200
    assert sign_in(client, victims[limit - 1].username, "Summer2026!").status_code == 429
    # Even the right password for another user is refused from that address now.
    response = sign_in(client, victims[-1].username, TEST_PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_another_address_is_not_locked_by_the_spraying(client, settings):
    victims = [UserFactory(username=f"spray{n}", role=Role.PANEL_MEMBER) for n in range(6)]
    for victim in victims[: settings.AXES_IP_USERNAME_LIMIT]:
        sign_in(client, victim.username, "Summer2026!")
    response = client.post(
        reverse("login"),
        {"username": victims[-1].username, "password": TEST_PASSWORD},
        REMOTE_ADDR="10.9.8.7",
    )
    assert response.status_code == 302


def test_a_few_typing_mistakes_by_colleagues_lock_nothing(client, settings):
    colleagues = [UserFactory(username=f"colleague{n}", role=Role.PANEL_MEMBER) for n in range(3)]
    for colleague in colleagues:
        sign_in(client, colleague.username, "typo")
    assert sign_in(client, colleagues[0].username, TEST_PASSWORD).status_code == 302


# zxcvbn refuses to score more than 72 characters; a long passphrase is checked on its first 72.
LONG_PASSPHRASE = "violet ledger canal thimble orchard quartz lantern meadow " * 2  # 116 characters


def test_a_long_passphrase_is_accepted_when_changing_ones_password(client, users):
    client.force_login(users["panel"])
    response = client.post(
        reverse("password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": LONG_PASSPHRASE, "new_password2": LONG_PASSPHRASE},
    )
    assert response.status_code == 302
    users["panel"].refresh_from_db()
    assert users["panel"].check_password(LONG_PASSPHRASE)


def test_a_long_weak_password_is_refused_not_an_error():
    with pytest.raises(ValidationError):
        validate_password("a" * 120)


def test_an_administrator_sets_and_adds_long_passphrases(client, users):
    client.force_login(users["admin"])
    response = client.post(
        reverse("admin:auth_user_password_change", args=[users["lead"].pk]),
        {"password1": LONG_PASSPHRASE, "password2": LONG_PASSPHRASE},
    )
    assert response.status_code == 302
    users["lead"].refresh_from_db()
    assert users["lead"].check_password(LONG_PASSPHRASE)
    response = client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "new.starter",
            "password1": LONG_PASSPHRASE,
            "password2": LONG_PASSPHRASE,
            "usable_password": "true",
        },
    )
    assert response.status_code == 302
