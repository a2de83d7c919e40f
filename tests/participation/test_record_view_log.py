"""Every view of a child's record is logged (who, which, when, through which page), and
the log is for administrators to read, never to change."""

import pytest
from django.urls import reverse

from participation.models import RecordView
from tests.factories import MatchFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def referral():
    return MatchFactory(referral__child_reference="LOG-00001").referral


@pytest.mark.parametrize(
    ("url_name", "extra", "view"),
    [
        ("participation:iv:referral", [], "referral"),
        ("participation:iv:referral_edit", [], "edit referral"),
        ("participation:iv:referral_move", ["ended"], "move to ended"),
        ("participation:iv:visit_new", [], "log visit"),
        ("participation:iv:review_new", [], "record review"),
    ],
)
def test_each_page_showing_a_childs_record_logs_the_view(client, users, referral, url_name, extra, view):
    client.force_login(users["ivstaff"])
    assert client.get(reverse(url_name, args=[referral.pk, *extra])).status_code == 200
    logged = RecordView.objects.get()
    assert (logged.user, logged.username, logged.referral, logged.view) == (
        users["ivstaff"],
        "t-ivstaff",
        referral,
        view,
    )
    assert logged.record == f"Referral {referral.pk}"  # the number, never the child's reference
    assert logged.viewed_at is not None


@pytest.mark.parametrize("role", ["panel", "lead", "participation"])
def test_a_refused_look_is_not_found_and_shows_nothing(client, users, referral, role):
    client.force_login(users[role])
    response = client.get(reverse("participation:iv:referral", args=[referral.pk]))
    assert response.status_code == 404
    assert "LOG-00001" not in response.content.decode()
    assert not RecordView.objects.exists()


def test_administrators_read_the_log_in_the_admin(client, users, referral):
    client.force_login(users["ivstaff"])
    client.get(reverse("participation:iv:referral", args=[referral.pk]))
    client.force_login(users["admin"])
    response = client.get(reverse("admin:participation_recordview_changelist"))
    assert response.status_code == 200
    assert "t-ivstaff" in response.content.decode()


def test_the_log_cannot_be_added_to_changed_or_deleted_even_by_administrators(client, users, referral):
    client.force_login(users["ivstaff"])
    client.get(reverse("participation:iv:referral", args=[referral.pk]))
    logged = RecordView.objects.get()
    client.force_login(users["admin"])
    assert client.get(reverse("admin:participation_recordview_add")).status_code == 403
    assert (
        client.post(
            reverse("admin:participation_recordview_delete", args=[logged.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    client.post(reverse("admin:participation_recordview_change", args=[logged.pk]), {"view": "tampered"})
    logged.refresh_from_db()
    assert logged.view == "referral"


def test_opening_a_referral_in_the_admin_is_logged_too(client, users, referral):
    client.force_login(users["admin"])
    assert client.get(reverse("admin:participation_referral_change", args=[referral.pk])).status_code == 200
    assert RecordView.objects.get().view == "admin referral"


@pytest.mark.parametrize("role", ["panel", "lead", "participation", "ivstaff"])
def test_nobody_but_administrators_reaches_the_admin(client, users, role):
    client.force_login(users[role])
    response = client.get(reverse("admin:participation_recordview_changelist"))
    assert response.status_code == 302  # the admin sends non-staff users to its sign-in
