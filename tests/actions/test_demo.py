from datetime import timedelta

import pytest
from django.utils import timezone

from actions.demo import seed_actions
from actions.models import Action, Commitment, Milestone, ProgressUpdate
from panel.demo import seed_users

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_users():
    return seed_users(password="a-synthetic-demo-pass")


def test_about_sixty_actions_cover_every_commitment_with_a_years_history(demo_users):
    assert seed_actions(users=demo_users) == 60
    assert set(Action.objects.values_list("commitment__code", flat=True)) == set(
        Commitment.objects.values_list("code", flat=True)
    )
    a_year_ago = timezone.now() - timedelta(days=330)
    assert ProgressUpdate.objects.filter(created_at__lt=a_year_ago).exists()
    assert Action.history.filter(history_date__lt=a_year_ago).exists()
    assert Milestone.history.filter(history_type="~").exists()  # milestones ticked over time

    states = Action.objects.with_status()
    assert states.filter(is_overdue=True).count() >= 3
    assert states.filter(is_stale=True).count() >= 3
    assert {s.rag for s in states} == {"red", "amber", "green", "complete", "none"}
    # The demo "lead" has work of their own to show in "My actions".
    assert states.filter(lead=demo_users["lead"]).count() >= 5


def test_demo_names_are_obviously_synthetic(demo_users):
    seed_actions(users=demo_users)
    leads = {a.lead.get_full_name() for a in Action.objects.select_related("lead")}
    assert all(name.startswith("Demo ") for name in leads)
    assert all(
        url.startswith("https://example.org/")
        for url in ProgressUpdate.objects.exclude(evidence_url="").values_list("evidence_url", flat=True)
    )


def test_seeding_twice_leaves_the_same_data_and_scale_multiplies_it(demo_users):
    seed_actions(users=demo_users)
    counts = (Action.objects.count(), ProgressUpdate.objects.count(), Milestone.objects.count())
    assert seed_actions(users=demo_users) == 0
    assert (Action.objects.count(), ProgressUpdate.objects.count(), Milestone.objects.count()) == counts
    assert seed_actions(users=demo_users, scale=2) == 60
    assert Action.objects.count() == 120
