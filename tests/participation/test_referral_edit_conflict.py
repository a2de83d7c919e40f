"""Lost updates (#22.3) on a referral: a save over a change made meanwhile is refused."""

import re
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from core.versioning import EditConflict
from participation.iv import services
from participation.models import Match, Referral
from tests.factories import MatchFactory, ReferralFactory, VolunteerFactory
from tests.participation.helpers import date_fields

pytestmark = pytest.mark.django_db


def form_data(referral: Referral, **changes) -> dict:
    data = {name: getattr(referral, name) for name in services.REFERRAL_FIELDS}
    data |= date_fields("date_of_birth", referral.date_of_birth) | date_fields(
        "received_on", referral.received_on
    )
    del data["date_of_birth"], data["received_on"]
    if data.pop("child_objects"):
        data["child_objects"] = "on"
    return data | {"version": referral.version} | changes


def test_a_referral_edited_meanwhile_is_not_overwritten(users):
    referral = ReferralFactory()
    first, second = Client(), Client()
    for client in (first, second):
        client.force_login(users["ivstaff"])
    url = reverse("participation:iv:referral_edit", args=[referral.pk])
    assert second.get(url).context["form"].initial["version"] == referral.version
    typed_later = form_data(referral, needs="Somebody to go swimming with")

    assert first.post(url, form_data(referral, placement="out_of_borough")).status_code == 302
    response = second.post(url, typed_later)

    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r"This referral was changed at \d\d:\d\d while you were editing", html)
    assert "Somebody to go swimming with" in html
    referral.refresh_from_db()
    assert referral.placement == "out_of_borough"
    assert referral.needs != "Somebody to go swimming with"


def test_a_match_made_on_a_referral_changed_meanwhile_is_refused(users):
    """The coordinator matching reads the child's needs; if a colleague changes them (or
    moves the referral) meanwhile, the match is not made on what was read before."""
    referral = ReferralFactory(state="awaiting_match", needs="Likes football")
    volunteer = VolunteerFactory(name="Volunteer Conflict Test")
    colleague, coordinator = Client(), Client()
    for client in (colleague, coordinator):
        client.force_login(users["ivstaff"])
    match_url = reverse("participation:iv:referral_move", args=[referral.pk, "matched"])
    form = coordinator.get(match_url).context["form"]
    assert form.initial["version"] == referral.version
    match = {
        **date_fields("on", date.today()),
        "volunteer": volunteer.pk,
        **date_fields("introduction_on", date.today()),
        "version": referral.version,
    }

    edit_url = reverse("participation:iv:referral_edit", args=[referral.pk])
    assert colleague.post(edit_url, form_data(referral, needs="Afraid of dogs")).status_code == 302
    response = coordinator.post(match_url, match)

    assert response.status_code == 200
    assert re.search(
        r"This referral was changed at \d\d:\d\d while you were editing", response.content.decode()
    )
    referral.refresh_from_db()
    assert referral.state == "awaiting_match"
    assert not Match.objects.filter(referral=referral).exists()

    # Having read the new needs, the coordinator's second "Make the match" goes through.
    assert response.context["form"].data["version"] == str(referral.version)
    assert coordinator.post(match_url, match | {"version": referral.version}).status_code == 302
    assert Referral.objects.get(pk=referral.pk).match.volunteer == volunteer


def test_a_refused_move_says_who_moved_the_referral_and_where_it_is_now(users):
    referral = ReferralFactory(state="matched")
    MatchFactory(referral=referral)
    services.referral_move(referral=referral, user=users["ivstaff"], to_state="active", on=date.today())
    stale = referral.version
    referral.refresh_from_db()
    with pytest.raises(EditConflict) as refused:
        services.referral_move(
            referral=referral,
            user=users["ivstaff"],
            to_state="ended",
            on=date.today(),
            end_reason="planned_end",
            reason="",
            version=stale,
        )
    name = users["ivstaff"].get_full_name() or users["ivstaff"].get_username()
    assert f"was changed by {name} at" in refused.value.messages[0]
    assert refused.value.messages[1] == f"It is now active (from {date.today():%-d %B %Y})."
