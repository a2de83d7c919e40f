"""Visits and six-monthly reviews are recorded against a match, never before it."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from participation.iv.services import review_record, visit_log
from participation.models import Review, Visit
from tests.factories import MatchFactory, ReferralFactory
from tests.participation.helpers import date_fields, days_ago

pytestmark = pytest.mark.django_db


@pytest.fixture
def match():
    return MatchFactory(matched_on=days_ago(30), introduction_on=days_ago(25))


def visit(match, user, **changes):
    arguments = {"visited_on": days_ago(2), "duration_minutes": 120, "kind": "activity", **changes}
    return visit_log(referral=match.referral, user=user, **arguments)


def test_a_visit_is_logged_against_the_match(users, match):
    logged = visit(match, users["ivstaff"], notes="Went bowling.")
    assert (logged.match, logged.visited_on, logged.duration_minutes, logged.created_by) == (
        match,
        days_ago(2),
        120,
        users["ivstaff"],
    )


def test_a_visit_cannot_precede_the_match(users, match):
    with pytest.raises(ValidationError) as refused:
        visit(match, users["ivstaff"], visited_on=days_ago(31))
    assert refused.value.message_dict["visited_on"] == [
        f"A visit cannot be before the match ({days_ago(30):%-d %B %Y})"
    ]
    assert not Visit.objects.exists()


def test_a_visit_cannot_be_in_the_future(users, match):
    with pytest.raises(ValidationError) as refused:
        visit(match, users["ivstaff"], visited_on=days_ago(-1))
    assert refused.value.message_dict["visited_on"] == ["The date of the visit must be today or in the past"]


@pytest.mark.parametrize("minutes", [0, -30, 721, 2.5, "90"])
def test_a_visits_duration_is_whole_minutes_from_1_to_720(users, match, minutes):
    with pytest.raises(ValidationError) as refused:
        visit(match, users["ivstaff"], duration_minutes=minutes)
    assert refused.value.message_dict["duration_minutes"] == [
        "Enter the duration in whole minutes, from 1 to 720"
    ]
    assert not Visit.objects.exists()


@pytest.mark.parametrize("state", ["received", "awaiting_match", "declined"])
def test_visits_need_a_matched_or_active_referral(users, state):
    referral = ReferralFactory(state=state)
    with pytest.raises(ValidationError, match="can only be recorded for a matched or active referral"):
        visit_log(
            referral=referral,
            user=users["ivstaff"],
            visited_on=days_ago(1),
            duration_minutes=60,
            kind="remote",
        )


def test_visits_are_refused_once_the_match_has_ended(users):
    match = MatchFactory(referral__state="ended", ended_on=days_ago(3))
    with pytest.raises(ValidationError):
        visit(match, users["ivstaff"])


def test_the_visit_page_shows_a_clear_message_for_a_bad_duration(client, users, match):
    client.force_login(users["ivstaff"])
    response = client.post(
        reverse("participation:iv:visit_new", args=[match.referral.pk]),
        {**date_fields("visited_on", days_ago(1)), "duration_minutes": "1.5", "kind": "activity"},
    )
    assert response.context["form"].errors["duration_minutes"] == [
        "Enter the duration in whole minutes, from 1 to 720"
    ]
    assert not Visit.objects.exists()


def test_the_visit_page_sends_an_unmatched_referral_back_with_a_message(client, users):
    referral = ReferralFactory()
    client.force_login(users["ivstaff"])
    response = client.get(reverse("participation:iv:visit_new", args=[referral.pk]), follow=True)
    assert "Visits can only be recorded for a matched or active referral." in response.content.decode()


def test_a_review_is_recorded_and_cannot_precede_the_match(users, match):
    review = review_record(
        referral=match.referral, user=users["ivstaff"], held_on=days_ago(1), continue_match=True
    )
    assert review.match == match
    with pytest.raises(ValidationError) as refused:
        review_record(
            referral=match.referral, user=users["ivstaff"], held_on=days_ago(31), continue_match=False
        )
    assert refused.value.message_dict["held_on"] == [
        f"A review cannot be before the match ({days_ago(30):%-d %B %Y})"
    ]
    assert Review.objects.count() == 1


def test_the_review_page_records_whether_the_match_continues(client, users, match):
    client.force_login(users["ivstaff"])
    response = client.post(
        reverse("participation:iv:review_new", args=[match.referral.pk]),
        {**date_fields("held_on", days_ago(1)), "continue_match": "no", "notes": "Ending planned at 18."},
    )
    assert response.status_code == 302
    assert Review.objects.get().continue_match is False


def test_a_visit_cannot_precede_the_introduction(users, match):
    with pytest.raises(ValidationError) as refused:
        visit(match, users["ivstaff"], visited_on=days_ago(27))
    assert refused.value.message_dict["visited_on"] == [
        f"A visit cannot be before the introduction ({days_ago(25):%-d %B %Y})"
    ]
    assert not Visit.objects.exists()
