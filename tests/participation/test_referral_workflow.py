"""The referral workflow: only the allowed moves, each with what it needs; a refused
move says why and changes nothing."""

from itertools import product

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from participation.iv.services import ALLOWED_MOVES, referral_move
from participation.models import Match, Referral, ReferralEvent, Volunteer
from tests.factories import MatchFactory, ReferralFactory, VolunteerFactory
from tests.participation.helpers import date_fields, days_ago

pytestmark = pytest.mark.django_db

State = Referral.State


def snapshot(referral):
    referral.refresh_from_db()
    return (
        referral.state,
        referral.state_changed_on,
        referral.closed_on,
        ReferralEvent.objects.filter(referral=referral).count(),
        Match.objects.filter(referral=referral).values_list("started_on", "ended_on").first(),
    )


def test_a_referral_goes_from_received_to_active_then_ends(users):
    coordinator = users["ivstaff"]
    volunteer = VolunteerFactory()
    referral = ReferralFactory(received_on=days_ago(60), state_changed_on=days_ago(60))
    referral_move(referral=referral, user=coordinator, to_state=State.ELIGIBILITY_CHECKED, on=days_ago(55))
    referral_move(referral=referral, user=coordinator, to_state=State.AWAITING_MATCH, on=days_ago(50))
    referral_move(
        referral=referral,
        user=coordinator,
        to_state=State.MATCHED,
        on=days_ago(20),
        volunteer=volunteer,
        introduction_on=days_ago(15),
    )
    referral_move(referral=referral, user=coordinator, to_state=State.ACTIVE, on=days_ago(15))
    referral.refresh_from_db()
    assert referral.state == State.ACTIVE
    assert (referral.match.volunteer, referral.match.matched_on, referral.match.started_on) == (
        volunteer,
        days_ago(20),
        days_ago(15),
    )
    volunteer.refresh_from_db()
    assert volunteer.status == Volunteer.Status.ACTIVE  # an approved volunteer becomes active when matched

    referral_move(
        referral=referral, user=coordinator, to_state=State.ENDED, on=days_ago(1), end_reason="planned_end"
    )
    referral.refresh_from_db()
    assert (referral.state, referral.closed_on, referral.end_reason) == (
        State.ENDED,
        days_ago(1),
        "planned_end",
    )
    assert referral.match.ended_on == days_ago(1)
    assert list(referral.events.values_list("from_state", "to_state")) == [
        ("received", "eligibility_checked"),
        ("eligibility_checked", "awaiting_match"),
        ("awaiting_match", "matched"),
        ("matched", "active"),
        ("active", "ended"),
    ]


REFUSED_MOVES = [
    (current, target)
    for current, target in product(State.values, State.values)
    if target not in ALLOWED_MOVES[current] and target != State.RECEIVED
]


def referral_in(state):
    """A referral in ``state``, with a match when the state has one."""
    if state in (State.MATCHED, State.ACTIVE, State.ENDED):
        match = MatchFactory(
            referral__state=state,
            referral__closed_on=days_ago(5) if state == State.ENDED else None,
            ended_on=days_ago(5) if state == State.ENDED else None,
        )
        return match.referral
    return ReferralFactory(
        state=state,
        closed_on=days_ago(5) if state in Referral.CLOSED_STATES else None,
        state_changed_on=days_ago(30),
    )


@pytest.mark.parametrize(("current", "target"), REFUSED_MOVES, ids=[f"{c}->{t}" for c, t in REFUSED_MOVES])
def test_every_move_not_in_the_table_is_refused_and_changes_nothing(users, current, target):
    referral = referral_in(current)
    before = snapshot(referral)
    with pytest.raises(ValidationError) as refused:
        referral_move(
            referral=referral,
            user=users["ivstaff"],
            to_state=target,
            on=days_ago(0),
            volunteer=VolunteerFactory(),
            introduction_on=days_ago(0),
            end_reason="other",
            reason="A reason",
        )
    message = refused.value.messages[0]
    if ALLOWED_MOVES[current]:
        assert message.startswith(f"A referral that is {State(current).label.lower()} cannot move to ")
    else:
        assert message == f"This referral is {State(current).label.lower()}; it cannot move any further."
    assert snapshot(referral) == before


def test_moving_back_to_received_is_refused(users):
    referral = referral_in(State.AWAITING_MATCH)
    with pytest.raises(ValidationError, match="cannot move to received"):
        referral_move(referral=referral, user=users["ivstaff"], to_state=State.RECEIVED, on=days_ago(0))


def awaiting(**kwargs):
    return ReferralFactory(state=State.AWAITING_MATCH, state_changed_on=days_ago(40), **kwargs)


def refusal(referral, user, **arguments):
    before = snapshot(referral)
    with pytest.raises(ValidationError) as refused:
        referral_move(referral=referral, user=user, **arguments)
    assert snapshot(referral) == before
    return refused.value.message_dict


def test_a_childs_objection_blocks_a_match(users):
    referral = awaiting(child_objects=True)
    errors = refusal(
        referral,
        users["ivstaff"],
        to_state=State.MATCHED,
        on=days_ago(1),
        volunteer=VolunteerFactory(),
        introduction_on=days_ago(0),
    )
    assert errors["volunteer"][0].startswith("The child has objected to having an Independent Visitor")


@pytest.mark.parametrize(
    ("volunteer_kwargs", "message"),
    [
        ({"status": "applicant"}, "is not an approved volunteer"),
        ({"status": "paused"}, "is not an approved volunteer"),
        ({"status": "left"}, "is not an approved volunteer"),
        ({"dbs_expires_on": days_ago(2)}, "DBS check is out of date"),
    ],
)
def test_only_an_approved_volunteer_with_an_in_date_dbs_can_be_matched(users, volunteer_kwargs, message):
    volunteer = VolunteerFactory(**volunteer_kwargs)
    errors = refusal(
        awaiting(),
        users["ivstaff"],
        to_state=State.MATCHED,
        on=days_ago(1),
        volunteer=volunteer,
        introduction_on=days_ago(0),
    )
    assert message in errors["volunteer"][0]


def test_a_match_date_cannot_precede_the_referral(users):
    referral = awaiting(received_on=days_ago(10))
    referral.state_changed_on = days_ago(20)  # as if the steps were recorded loosely
    referral.save()
    errors = refusal(
        referral,
        users["ivstaff"],
        to_state=State.MATCHED,
        on=days_ago(15),
        volunteer=VolunteerFactory(),
        introduction_on=days_ago(14),
    )
    assert errors["on"] == [
        f"A match date cannot be before the referral was received ({days_ago(10):%-d %B %Y})"
    ]


def test_the_introduction_cannot_precede_the_match(users):
    errors = refusal(
        awaiting(),
        users["ivstaff"],
        to_state=State.MATCHED,
        on=days_ago(5),
        volunteer=VolunteerFactory(),
        introduction_on=days_ago(6),
    )
    assert errors["introduction_on"] == ["The introduction cannot be before the match"]


def test_a_match_needs_a_volunteer_and_an_introduction_date(users):
    errors = refusal(awaiting(), users["ivstaff"], to_state=State.MATCHED, on=days_ago(5))
    assert errors["volunteer"] == ["Choose the volunteer"]
    assert errors["introduction_on"] == ["Enter the date of the introduction"]


def test_a_match_cannot_become_active_before_the_introduction(users):
    match = MatchFactory(
        referral__state=State.MATCHED,
        referral__state_changed_on=days_ago(10),
        introduction_on=days_ago(3),
        started_on=None,
    )
    errors = refusal(match.referral, users["ivstaff"], to_state=State.ACTIVE, on=days_ago(5))
    assert errors["on"] == [
        f"The match cannot become active before the introduction ({days_ago(3):%-d %B %Y})"
    ]


def test_a_move_cannot_be_dated_before_the_last_step_or_in_the_future(users):
    referral = awaiting()
    assert refusal(referral, users["ivstaff"], to_state=State.WITHDRAWN, on=days_ago(41), reason="Moved")[
        "on"
    ] == [f"The date cannot be before the referral's last step ({days_ago(40):%-d %B %Y})"]
    assert refusal(referral, users["ivstaff"], to_state=State.WITHDRAWN, on=days_ago(-1), reason="Moved")[
        "on"
    ] == ["The date must be today or in the past"]


@pytest.mark.parametrize("target", [State.DECLINED, State.WITHDRAWN])
def test_declining_or_withdrawing_needs_a_reason(users, target):
    errors = refusal(awaiting(), users["ivstaff"], to_state=target, on=days_ago(0), reason="  ")
    assert errors["reason"] == [f"Say why the referral is {State(target).label.lower()}"]


def test_ending_needs_one_of_the_reasons(users):
    match = MatchFactory()
    errors = refusal(
        match.referral, users["ivstaff"], to_state=State.ENDED, on=days_ago(0), end_reason="bored"
    )
    assert errors["end_reason"] == ["Choose why the match ended"]


def test_withdrawing_a_matched_referral_ends_its_match(users):
    match = MatchFactory(referral__state=State.MATCHED, started_on=None)
    referral_move(
        referral=match.referral,
        user=users["ivstaff"],
        to_state=State.WITHDRAWN,
        on=days_ago(0),
        reason="Moved away",
    )
    match.refresh_from_db()
    assert match.ended_on == days_ago(0)
    assert match.referral.closure_reason == "Moved away"


# --- through the pages ---------------------------------------------------------------------------


def test_a_refused_move_through_the_page_shows_the_message_and_changes_nothing(client, users):
    referral = referral_in(State.RECEIVED)
    before = snapshot(referral)
    client.force_login(users["ivstaff"])
    url = reverse("participation:iv:referral_move", args=[referral.pk, "active"])
    response = client.post(url, date_fields("on", days_ago(0)), follow=True)
    assert "A referral that is received cannot move to active." in response.content.decode()
    assert snapshot(referral) == before


def test_an_unknown_state_in_the_address_is_not_found(client, users):
    referral = referral_in(State.RECEIVED)
    client.force_login(users["ivstaff"])
    assert (
        client.get(reverse("participation:iv:referral_move", args=[referral.pk, "teleported"])).status_code
        == 404
    )


def test_the_coordinator_matches_through_the_page(client, users):
    referral = awaiting()
    volunteer = VolunteerFactory(name="Volunteer Page Test")
    client.force_login(users["ivstaff"])
    url = reverse("participation:iv:referral_move", args=[referral.pk, "matched"])
    assert "Volunteer Page Test" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            **date_fields("on", days_ago(2)),
            "volunteer": volunteer.pk,
            **date_fields("introduction_on", days_ago(1)),
        },
    )
    assert response.status_code == 302
    assert Referral.objects.get(pk=referral.pk).match.volunteer == volunteer


def test_a_volunteer_who_cannot_be_matched_is_not_offered_and_a_forged_choice_is_refused(client, users):
    referral = awaiting()
    applicant = VolunteerFactory(status="applicant", name="Volunteer Not Yet")
    client.force_login(users["ivstaff"])
    url = reverse("participation:iv:referral_move", args=[referral.pk, "matched"])
    assert "Volunteer Not Yet" not in client.get(url).content.decode()
    response = client.post(
        url,
        {
            **date_fields("on", days_ago(2)),
            "volunteer": applicant.pk,
            **date_fields("introduction_on", days_ago(1)),
        },
    )
    assert response.context["form"].errors["volunteer"] == ["Choose a volunteer from the list"]
    assert snapshot(referral)[0] == State.AWAITING_MATCH


def test_the_introduction_cannot_be_in_the_future(users):
    errors = refusal(
        awaiting(),
        users["ivstaff"],
        to_state=State.MATCHED,
        on=days_ago(0),
        volunteer=VolunteerFactory(),
        introduction_on=days_ago(-7),
    )
    assert errors["introduction_on"] == [
        "The introduction date must be today or in the past: make the match once they have met"
    ]
    assert not Match.objects.exists()


def test_matching_shows_each_volunteers_area_interests_and_current_caseload(client, users):
    referral = awaiting(preferences="Someone who likes football")
    busy = VolunteerFactory(name="Volunteer Busy", area="Romford", interests="Football, cooking")
    MatchFactory(volunteer=busy)  # active: one child now
    MatchFactory(volunteer=busy, referral__state=State.ENDED)  # ended: not counted
    VolunteerFactory(name="Volunteer Free", area="Rainham", interests="Drawing")
    client.force_login(users["ivstaff"])
    response = client.get(reverse("participation:iv:referral_move", args=[referral.pk, "matched"]))
    html = response.content.decode()
    for words in ("Romford", "Football, cooking", "Rainham", "Drawing", "Someone who likes football"):
        assert words in html
    assert {v.name: v.caseload for v in response.context["volunteers"]} == {
        "Volunteer Busy": 1,
        "Volunteer Free": 0,
    }
    assert "Volunteer Busy (Romford; 1 current match)" in html
    assert "Volunteer Free (Rainham; no current match)" in html
