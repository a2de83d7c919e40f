"""Hostile input gets a 400 or the form's error, never a server error."""

import pytest
from django.urls import reverse

from tests.factories import TEST_PASSWORD, MatchFactory, ReferralFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("length", [151, 256, 1000])
def test_a_very_long_username_at_sign_in_gets_the_forms_error(client, length):
    response = client.post(reverse("login"), {"username": "u" * length, "password": TEST_PASSWORD})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()


def test_a_very_long_username_at_the_admin_sign_in_is_no_server_error(client):
    response = client.post(reverse("admin:login"), {"username": "u" * 256, "password": TEST_PASSWORD})
    assert response.status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/kpis/export/?kpi=%00",
        "/kpis/W01%00/",
        "/participation/sessions/new/?group=%00",
        "/plan/?q=%00",
        "/participation/iv/referrals/?show=%00&page=%00",
    ],
)
def test_a_nul_byte_in_the_address_is_a_bad_request(client, users, url):
    client.force_login(users["admin"])
    response = client.get(url)
    assert response.status_code == 400


def test_a_nul_byte_in_a_form_encoded_body_is_a_bad_request(client):
    body = "username=a%00b&password=x"
    response = client.post(reverse("login"), body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400


def test_a_nul_byte_in_a_multipart_form_is_the_forms_error(client):
    response = client.post(reverse("login"), {"username": "a\x00b", "password": "x"})
    assert response.status_code == 200
    assert "Null characters are not allowed" in response.content.decode()


def test_a_move_to_a_made_up_state_of_any_length_is_not_found(client, users):
    referral = ReferralFactory()
    client.force_login(users["ivstaff"])
    url = reverse("participation:iv:referral_move", args=[referral.pk, "a" * 5000])
    assert client.get(url).status_code == 404


def test_a_day_too_big_for_a_date_is_the_forms_error(client, users):
    match = MatchFactory(referral__state="active")
    client.force_login(users["ivstaff"])
    response = client.post(
        reverse("participation:iv:visit_new", args=[match.referral.pk]),
        {
            "visited_on_0": "9" * 23,
            "visited_on_1": "1",
            "visited_on_2": "2026",
            "duration_minutes": 60,
            "kind": "activity",
        },
    )
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
