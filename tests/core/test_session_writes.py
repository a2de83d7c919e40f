"""A page view writes the session only when it changed or its idle expiry is due a move
(core.sessions, SESSION_REFRESH_SECONDS): one UPDATE fewer on almost every request."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actions.roles import Role
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def session_writes(captured) -> list[str]:
    return [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].startswith(("UPDATE", "INSERT")) and "django_session" in q["sql"]
    ]


@pytest.fixture
def signed_in(client):
    client.force_login(UserFactory(username="pm", role=Role.PANEL_MEMBER))
    client.get(reverse("home"))
    return client


def stored(client) -> Session:
    return Session.objects.get(session_key=client.session.session_key)


def test_a_page_view_soon_after_another_does_not_write_the_session(signed_in, django_assert_max_num_queries):
    with CaptureQueriesContext(connection) as captured:
        assert signed_in.get(reverse("home")).status_code == 200
    assert session_writes(captured) == []


def test_the_idle_expiry_moves_once_the_stored_one_is_a_refresh_interval_old(signed_in):
    behind = timezone.now() + timedelta(
        seconds=settings.SESSION_COOKIE_AGE - settings.SESSION_REFRESH_SECONDS - 5
    )
    Session.objects.filter(session_key=signed_in.session.session_key).update(expire_date=behind)

    with CaptureQueriesContext(connection) as captured:
        signed_in.get(reverse("home"))

    assert len(session_writes(captured)) == 1
    assert stored(signed_in).expire_date > behind + timedelta(seconds=settings.SESSION_REFRESH_SECONDS)


def test_a_changed_session_is_written_at_once(signed_in):
    session = signed_in.session
    session["seen"] = 1
    session.save()
    assert stored(signed_in).get_decoded()["seen"] == 1


def test_an_idle_session_still_ends(signed_in):
    Session.objects.filter(session_key=signed_in.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    response = signed_in.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_signing_in_writes_the_session_and_the_landing_page_does_not(client, django_assert_max_num_queries):
    UserFactory(username="pm", role=Role.PANEL_MEMBER, password=TEST_PASSWORD)
    response = client.post(reverse("login"), {"username": "pm", "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert stored(client).get_decoded()["_auth_user_id"]

    with CaptureQueriesContext(connection) as captured:
        client.get(response["Location"])
    assert session_writes(captured) == []


def session_queries(captured) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if '"django_session"' in q["sql"]]


def test_signing_in_makes_its_new_session_in_one_insert_and_one_update(client):
    UserFactory(username="pm", role=Role.PANEL_MEMBER, password=TEST_PASSWORD)
    with CaptureQueriesContext(connection) as captured:
        response = client.post(reverse("login"), {"username": "pm", "password": TEST_PASSWORD})
    assert response.status_code == 302
    # No look-up of the new key first: the insert itself refuses a key that is taken.
    assert [sql.split()[0] for sql in session_queries(captured)] == ["INSERT", "UPDATE"]


def test_a_new_key_that_is_taken_is_drawn_again(signed_in, monkeypatch):
    from core.sessions import SessionStore

    taken = signed_in.session.session_key
    keys = iter([taken, "k" * 32])
    monkeypatch.setattr("core.sessions.get_random_string", lambda *args: next(keys))

    session = SessionStore()
    session["x"] = 1
    session.save()

    assert session.session_key == "k" * 32
    assert Session.objects.get(session_key=taken).get_decoded()["_auth_user_id"]


def test_a_session_is_deleted_in_one_query(signed_in, django_assert_num_queries):
    """As after the second factor (the old key goes) and at sign-out."""
    from core.sessions import SessionStore

    key = signed_in.session.session_key
    with django_assert_num_queries(1):
        SessionStore(key).delete()
    assert not Session.objects.filter(session_key=key).exists()
    SessionStore("no-such-key").delete()  # nothing to delete is not an error
