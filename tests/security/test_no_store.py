"""Child-level pages and every export are never kept by a browser or proxy; flash messages
name no child and travel in the server-side session, not a cookie."""

import pytest
from django.urls import reverse

from tests.factories import MatchFactory, ReferralFactory
from tests.participation.helpers import date_fields, days_ago

pytestmark = pytest.mark.django_db


def no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def test_child_level_pages_are_not_stored(client, users):
    match = MatchFactory()
    client.force_login(users["ivstaff"])
    for url in (
        reverse("participation:iv:home"),
        reverse("participation:iv:referrals"),
        reverse("participation:iv:referral", args=[match.referral.pk]),
        reverse("participation:iv:matches"),
        reverse("participation:iv:volunteer", args=[match.volunteer.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert no_store(response), url


def test_the_admins_child_records_are_not_stored(client, users):
    referral = ReferralFactory()
    client.force_login(users["admin"])
    for url in (
        reverse("admin:participation_referral_changelist"),
        reverse("admin:participation_referral_change", args=[referral.pk]),
    ):
        assert no_store(client.get(url)), url


@pytest.mark.parametrize(
    "url", ["/plan/export.csv", "/plan/export.xlsx", "/kpis/export/"], ids=["plan-csv", "plan-xlsx", "kpis"]
)
def test_exports_are_not_stored(client, users, url):
    client.force_login(users["panel"])
    response = client.get(url)
    assert response.status_code == 200
    assert no_store(response)


def test_public_pages_may_still_be_cached(client):
    assert not no_store(client.get(reverse("young_people")))


def test_a_saved_referral_is_announced_without_its_reference_and_without_a_cookie(client, users):
    client.force_login(users["ivstaff"])
    response = client.post(
        reverse("participation:iv:referral_new"),
        {
            "child_reference": "LCS-777001",
            **date_fields("date_of_birth", days_ago(365 * 9)),
            "legal_status": "looked_after",
            "placement": "in_borough",
            **date_fields("received_on", days_ago(3)),
        },
    )
    assert response.status_code == 302
    assert "messages" not in response.cookies
    page = client.get(response.url).content.decode()
    assert "Referral saved." in page


def test_a_moved_referral_is_announced_without_its_reference(client, users):
    referral = ReferralFactory(child_reference="LCS-777002")
    client.force_login(users["ivstaff"])
    response = client.post(
        reverse("participation:iv:referral_move", args=[referral.pk, "eligibility_checked"]),
        date_fields("on", days_ago(0)),
        follow=True,
    )
    messages = [str(m) for m in response.context["messages"]]
    assert messages == ["The referral is now eligibility checked."]
    assert "messages" not in response.cookies


@pytest.mark.parametrize("url", ["/young-people/", "/accessibility/", "/accounts/login/"])
def test_public_pages_are_kept_by_no_shared_cache(client, url):
    cache_control = client.get(url)["Cache-Control"]
    assert "private" in cache_control and "no-cache" in cache_control


def test_the_answer_to_a_young_persons_message_is_not_stored(client):
    response = client.post(reverse("young_people"), {"text": ""})
    assert response.status_code == 400
    assert no_store(response)
