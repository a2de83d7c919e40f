"""The demo data for participation and IV: synthetic, and the same after a second run."""

import pytest
from django.core.management import call_command

from participation.models import (
    FeedbackItem,
    Match,
    ParticipationSession,
    Referral,
    ReferralEvent,
    Review,
    Visit,
    Volunteer,
)

pytestmark = pytest.mark.django_db

MODELS = (ParticipationSession, FeedbackItem, Volunteer, Referral, ReferralEvent, Match, Visit, Review)


def state():
    return {
        "counts": {model.__name__: model.objects.count() for model in MODELS},
        "volunteers": sorted(Volunteer.objects.values_list("name", "status")),
        "referrals": sorted(Referral.objects.values_list("child_reference", "state")),
    }


def test_seed_demo_twice_leaves_the_same_participation_and_iv_data():
    call_command("seed_demo")
    first = state()
    assert first["counts"]["Referral"] == 40
    assert first["counts"]["Visit"] > 100
    call_command("seed_demo")
    assert state() == first


def test_every_demo_child_and_volunteer_is_obviously_synthetic():
    call_command("seed_demo")
    assert all(ref.startswith("DEMO-") for ref in Referral.objects.values_list("child_reference", flat=True))
    assert all(name.startswith("Volunteer ") for name in Volunteer.objects.values_list("name", flat=True))
    assert all(
        said.startswith("Demo feedback ") for said in FeedbackItem.objects.values_list("said", flat=True)
    )


def test_the_demo_covers_every_stage_of_the_workflow():
    call_command("seed_demo")
    assert set(Referral.objects.values_list("state", flat=True)) == set(Referral.State.values)
