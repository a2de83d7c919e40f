"""Taking a referral: a reference (never a name), an age that fits the legal status, real dates."""

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.urls import reverse

from participation.iv.services import referral_create, referral_move, referral_update
from participation.models import Referral, ReferralEvent
from tests.factories import ReferralFactory
from tests.participation.helpers import date_fields, days_ago

pytestmark = pytest.mark.django_db


def aged(years: int, *, on=None):
    """A date of birth that makes the child ``years`` old (and a few days) ``on`` the day."""
    return (on or days_ago(10)) - relativedelta(years=years, days=3)


def details(**changes):
    return {
        "child_reference": "lcs-000123",
        "date_of_birth": aged(12),
        "legal_status": "looked_after",
        "placement": "out_of_borough",
        "referrer_name": "A Social Worker",
        "referrer_team": "Children in Care 2",
        "needs": "",
        "preferences": "",
        "child_wishes": "Would like someone who likes football.",
        "child_objects": False,
        "received_on": days_ago(10),
        **changes,
    }


def refused(**changes):
    with pytest.raises(ValidationError) as error:
        referral_create(user=None, **details(**changes))
    assert not Referral.objects.exists()
    return error.value.message_dict


def test_a_referral_is_received_with_its_first_event(users):
    referral = referral_create(user=users["ivstaff"], **details())
    assert referral.child_reference == "LCS-000123"  # references are stored in capitals
    assert (referral.state, referral.state_changed_on) == ("received", days_ago(10))
    assert list(ReferralEvent.objects.values_list("to_state", "on")) == [("received", days_ago(10))]


def test_a_young_person_must_be_under_25_at_referral():
    assert refused(legal_status="care_leaver", date_of_birth=aged(25))["date_of_birth"] == [
        "The young person must be under 25 when referred (they were 25)"
    ]


def test_a_care_leaver_of_24_is_accepted(users):
    assert referral_create(
        user=users["ivstaff"], **details(legal_status="care_leaver", date_of_birth=aged(24))
    )


def test_a_statutory_referral_must_be_for_a_child_under_18():
    assert refused(date_of_birth=aged(18))["legal_status"][0].startswith(
        "A statutory (looked-after) referral must be for a child under 18 (they were 18)"
    )


def test_a_care_leaver_must_be_18_or_over():
    assert refused(legal_status="care_leaver", date_of_birth=aged(17))["legal_status"][0].startswith(
        "A care leaver must be 18 or over when referred (they were 17)"
    )


def test_the_date_of_birth_must_come_before_the_referral():
    assert refused(date_of_birth=days_ago(5))["date_of_birth"] == [
        "The date of birth must be before the date the referral was received"
    ]


def test_a_referral_cannot_be_received_in_the_future():
    assert refused(received_on=days_ago(-1))["received_on"] == [
        "The date the referral was received must be today or in the past"
    ]


@pytest.mark.parametrize("reference", ["Jamie Smith", "JamieSmith", "A1", "LCS 123", "<script>1"])
def test_the_child_is_known_by_a_reference_never_a_name(reference):
    assert refused(child_reference=reference)["child_reference"][0].startswith(
        "Enter the child's reference from the social-care system"
    )


def test_a_child_cannot_have_two_open_referrals(users):
    ReferralFactory(child_reference="LCS-000123")
    with pytest.raises(ValidationError) as error:
        referral_create(user=users["ivstaff"], **details())
    assert error.value.message_dict["child_reference"] == ["LCS-000123 already has an open referral"]


def test_a_child_can_be_referred_again_once_the_last_referral_is_closed(users):
    ReferralFactory(child_reference="LCS-000123", state="withdrawn", closed_on=days_ago(30))
    assert referral_create(user=users["ivstaff"], **details())


def test_correcting_the_received_date_moves_the_first_step_too(users):
    referral = referral_create(user=users["ivstaff"], **details())
    referral_update(referral=referral, user=users["ivstaff"], received_on=days_ago(12))
    referral.refresh_from_db()
    assert referral.state_changed_on == days_ago(12)
    assert list(referral.events.values_list("on", flat=True)) == [days_ago(12)]


def test_a_received_date_after_the_referrals_first_step_is_refused(users):
    referral = referral_create(user=users["ivstaff"], **details())
    referral_move(referral=referral, user=users["ivstaff"], to_state="eligibility_checked", on=days_ago(8))
    referral.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        referral_update(referral=referral, user=users["ivstaff"], received_on=days_ago(5))
    assert error.value.message_dict["received_on"] == [
        f"The referral cannot be received after its first step ({days_ago(8):%-d %B %Y})"
    ]


def test_a_closed_referral_cannot_be_changed(users):
    referral = ReferralFactory(state="declined", closed_on=days_ago(1))
    with pytest.raises(ValidationError, match="cannot be changed"):
        referral_update(referral=referral, user=users["ivstaff"], needs="More")


def test_the_page_shows_the_rule_broken_and_saves_nothing(client, users):
    client.force_login(users["ivstaff"])
    data = {
        "child_reference": "LCS-9",
        **date_fields("date_of_birth", aged(19)),
        "legal_status": "looked_after",
        "placement": "in_borough",
        **date_fields("received_on", days_ago(10)),
    }
    response = client.post(reverse("participation:iv:referral_new"), data)
    assert response.status_code == 200
    assert "must be for a child under 18" in response.context["form"].errors["legal_status"][0]
    assert "There is a problem" in response.content.decode()
    assert not Referral.objects.exists()


def test_the_page_refuses_a_forged_legal_status(client, users):
    client.force_login(users["ivstaff"])
    data = {
        "child_reference": "LCS-9",
        **date_fields("date_of_birth", aged(9)),
        "legal_status": "adopted",
        "placement": "in_borough",
        **date_fields("received_on", days_ago(10)),
    }
    response = client.post(reverse("participation:iv:referral_new"), data)
    assert response.context["form"].errors["legal_status"] == ["Choose the legal status from the list"]
    assert not Referral.objects.exists()
