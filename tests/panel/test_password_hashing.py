import pytest
from argon2 import Type, extract_parameters
from django.contrib.auth.hashers import Argon2PasswordHasher, make_password
from django.urls import reverse

from actions.roles import Role
from havering_cp import settings as production_settings
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

ARGON2ID_PREFIX = "argon2$argon2id$v=19$m=19456,t=2,p=1$"


@pytest.fixture
def production_hashers(settings):
    settings.PASSWORD_HASHERS = production_settings.PASSWORD_HASHERS


def test_production_hashes_new_passwords_with_argon2id_at_owasps_minimum_or_above():
    assert production_settings.PASSWORD_HASHERS[0] == "core.hashers.Argon2idPasswordHasher"
    assert "django.contrib.auth.hashers.PBKDF2PasswordHasher" in production_settings.PASSWORD_HASHERS


def test_a_new_password_is_stored_as_argon2id(production_hashers):
    encoded = make_password("a-long-synthetic-password")
    assert encoded.startswith(ARGON2ID_PREFIX)
    # What argon2-cffi reads back from the hash: OWASP's minimum is Argon2id, 19 MiB, 2 passes.
    params = extract_parameters(encoded.removeprefix("argon2"))
    assert params.type is Type.ID
    assert params.memory_cost >= 19 * 1024
    assert params.time_cost >= 2


def test_a_pbkdf2_password_is_upgraded_to_argon2id_on_the_next_sign_in(client, production_hashers):
    user = UserFactory(username="pm", role=Role.PANEL_MEMBER)
    user.password = make_password(TEST_PASSWORD, hasher="pbkdf2_sha256")
    user.save(update_fields=["password"])
    assert user.password.startswith("pbkdf2_sha256$")

    response = client.post(reverse("login"), {"username": "pm", "password": TEST_PASSWORD})

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith(ARGON2ID_PREFIX)
    assert user.check_password(TEST_PASSWORD)


def test_a_wrong_password_leaves_the_pbkdf2_hash_alone(client, production_hashers):
    user = UserFactory(username="pm", role=Role.PANEL_MEMBER)
    user.password = make_password(TEST_PASSWORD, hasher="pbkdf2_sha256")
    user.save(update_fields=["password"])
    old = user.password

    client.post(reverse("login"), {"username": "pm", "password": "not-the-password"})

    user.refresh_from_db()
    assert user.password == old


def test_new_hashes_sit_at_owasps_floor_not_above_it(production_hashers):
    """Argon2id m=19 MiB, t=2, p=1 (OWASP Password Storage Cheat Sheet): each sign-in's check costs
    about a fifth of Django's own Argon2 parameters (100 MiB, 8 lanes) on a 2-core server."""
    params = extract_parameters(make_password("a-long-synthetic-password").removeprefix("argon2"))
    assert (params.type, params.memory_cost, params.time_cost, params.parallelism) == (
        Type.ID,
        19 * 1024,
        2,
        1,
    )


def test_a_hash_with_djangos_argon2_parameters_is_moved_to_the_floor_on_the_next_sign_in(
    client, production_hashers
):
    user = UserFactory(username="pm", role=Role.PANEL_MEMBER)
    user.password = Argon2PasswordHasher().encode(TEST_PASSWORD, "synthetic-salt-1234")
    user.save(update_fields=["password"])
    assert "m=102400,t=2,p=8" in user.password

    response = client.post(reverse("login"), {"username": "pm", "password": TEST_PASSWORD})

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith(ARGON2ID_PREFIX)
    assert user.check_password(TEST_PASSWORD)
