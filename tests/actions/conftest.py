"""Helpers for the delivery plan's tests."""

from datetime import timedelta

from django.utils import timezone

from actions.models import Action, Commitment, Milestone, ProgressUpdate
from actions.roles import Role
from tests.factories import SubgroupFactory, UserFactory


def bulk_plan(n: int, *, leads=None) -> list[Action]:
    """``n`` actions spread over every commitment, each with two milestones and two
    updates, written in bulk (no history) so that thousands take a second."""
    leads = leads or [UserFactory(username=f"bulk-lead-{i}", role=Role.SUBGROUP_LEAD) for i in range(5)]
    subgroup = SubgroupFactory(name="Bulk subgroup")
    commitments = list(Commitment.objects.all())
    today = timezone.localdate()
    statuses = Action.Status.values
    actions = Action.objects.bulk_create(
        Action(
            commitment=commitments[i % len(commitments)],
            title=f"Bulk action {i}",
            lead=leads[i % len(leads)],
            subgroup=subgroup,
            start_date=today - timedelta(days=200),
            due_date=today + timedelta(days=(i % 7) * 60 - 120),
            status=statuses[i % len(statuses)],
        )
        for i in range(n)
    )
    Milestone.objects.bulk_create(
        Milestone(action=a, title=f"Step {k}", due_date=today + timedelta(days=30 * k - 45))
        for a in actions
        for k in range(2)
    )
    now = timezone.now()
    ProgressUpdate.objects.bulk_create(
        ProgressUpdate(
            action=a,
            author=a.lead,
            created_at=now - timedelta(days=30 * k + (a.pk % 90)),
            status=a.status,
            done='=HYPERLINK("http://evil.example")' if k == 0 and a.pk % 10 == 0 else "Work done.",
        )
        for a in actions
        for k in range(2)
    )
    return actions
