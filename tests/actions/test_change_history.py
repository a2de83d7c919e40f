from datetime import date

import pytest

from actions.models import KPI, Commitment
from actions.selectors import action_change_history
from actions.services import (
    action_create,
    action_edit,
    milestone_add,
    milestones_mark,
    progress_update_create,
)

pytestmark = pytest.mark.django_db


def test_every_change_to_the_action_and_its_milestones_is_listed_newest_first(admin_user, lead_user, users):
    action = action_create(
        by=admin_user,
        commitment=Commitment.objects.get(code="H4"),
        title="Takeover day",
        lead=lead_user,
        start_date=date(2025, 4, 1),
        due_date=date(2026, 3, 31),
        kpis=KPI.objects.filter(code="H05"),
    )
    milestone = milestone_add(action=action, by=lead_user, title="Date agreed", due_date=date(2025, 6, 1))
    milestones_mark(action=action, by=lead_user, completed_ids=[milestone.pk], on=date(2025, 5, 20))
    progress_update_create(action=action, author=lead_user, status="on_track", done="Date agreed.")
    action_edit(
        action=action,
        by=admin_user,
        lead=users["other_lead"],
        due_date=date(2026, 6, 30),
        kpis=KPI.objects.filter(code__in=["H05", "H02"]),
    )

    entries = action_change_history(action=action)
    described = [
        (entry.who, entry.subject, entry.summary, [(c.label, c.old, c.new) for c in entry.changes])
        for entry in entries
    ]
    admin, lead, other = (u.get_full_name() for u in (admin_user, lead_user, users["other_lead"]))
    # Newest first; each change names who made it and what moved from what to what.
    assert described[0] == (admin, "Action", "", [("Linked KPIs", "H05", "H02, H05")])
    assert described[1] == (
        admin,
        "Action",
        "",
        [("Lead", lead, other), ("Due date", date(2026, 3, 31), date(2026, 6, 30))],
    )
    assert described[2] == (lead, "Action", "", [("Status", "Not started", "On track")])
    assert described[3] == (lead, "Milestone: Date agreed", "", [("Completed on", None, date(2025, 5, 20))])
    assert described[4] == (lead, "Milestone: Date agreed", "Added", [])
    assert described[5] == (admin, "Action", "", [("Linked KPIs", None, "H05")])
    assert described[6] == (admin, "Action", "Created", [])


def test_the_history_takes_a_fixed_number_of_queries(admin_user, lead_user, django_assert_max_num_queries):
    action = action_create(
        by=admin_user,
        commitment=Commitment.objects.get(code="W1"),
        title="Health passports",
        lead=lead_user,
        start_date=date(2025, 4, 1),
        due_date=date(2026, 3, 31),
    )
    for n in range(15):
        action_edit(action=action, by=admin_user, title=f"Health passports v{n}")
        milestone_add(action=action, by=lead_user, title=f"Step {n}", due_date=date(2025, 5, 1))
    # action history, its KPI links, milestone history, commitments, people, subgroups
    with django_assert_max_num_queries(6):
        entries = action_change_history(action=action)
    assert len(entries) == 31
