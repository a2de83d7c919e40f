"""The action plan page and its export with 60 and with 2,000 actions: median server
time and query count, through Django's test client against a throw-away copy of the
configured database (``bench_<name>``; dropped afterwards).

    DATABASE_URL=postgres://... .venv/bin/python bench/plan_bench.py
"""

import os
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "havering_cp.settings_test")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from actions.models import Action, Commitment, Milestone, ProgressUpdate, Subgroup  # noqa: E402
from actions.roles import Role  # noqa: E402

SIZES = (60, 2000)
RUNS = 15
PAGES = {
    "plan page": "/plan/",
    "plan page, filtered": "/plan/?overdue=on&q=action",
    "CSV export": "/plan/export.csv",
}


def add_actions(count: int, *, leads, subgroup, start: int) -> None:
    """``count`` more actions over every commitment, each with 2 milestones and 3 updates."""
    commitments = list(Commitment.objects.all())
    today = date.today()
    statuses = Action.Status.values
    actions = Action.objects.bulk_create(
        Action(
            commitment=commitments[i % len(commitments)],
            title=f"Bench action {i}",
            description="A synthetic action for the benchmark.",
            lead=leads[i % len(leads)],
            subgroup=subgroup,
            start_date=today - timedelta(days=300),
            due_date=today + timedelta(days=(i % 9) * 45 - 150),
            status=statuses[i % len(statuses)],
        )
        for i in range(start, start + count)
    )
    Milestone.objects.bulk_create(
        Milestone(action=a, title=f"Step {k}", due_date=today + timedelta(days=60 * k - 60))
        for a in actions
        for k in range(2)
    )
    now = timezone.now()
    ProgressUpdate.objects.bulk_create(
        ProgressUpdate(
            action=a,
            author=a.lead,
            created_at=now - timedelta(days=40 * k + a.pk % 50),
            status=a.status,
            done="Work done.",
        )
        for a in actions
        for k in range(3)
    )


def measure(client: Client, url: str) -> tuple[float, int]:
    client.get(url)  # warm-up
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return statistics.median(times) * 1000, len(queries)


def main() -> None:
    setup_test_environment()
    test_settings = connection.settings_dict.setdefault("TEST", {})
    test_settings["NAME"] = f"bench_{Path(str(connection.settings_dict['NAME'])).stem}"
    original = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        User = get_user_model()
        panel = User.objects.create_user("bench-panel", password="bench-pass-not-secret")  # noqa: S106
        panel.groups.add(Group.objects.get(name=Role.PANEL_MEMBER))
        lead_group = Group.objects.get(name=Role.SUBGROUP_LEAD)
        leads = [
            User.objects.create_user(f"bench-lead-{n}", first_name="Bench", last_name=f"Lead {n}")
            for n in range(8)
        ]
        for lead in leads:
            lead.groups.add(lead_group)
        subgroup = Subgroup.objects.create(name="Bench subgroup")
        client = Client()
        client.force_login(panel)

        print(f"Action plan benchmark on {connection.vendor}, median of {RUNS} requests")
        print(f"{'actions':>8}  {'page':<22} {'median ms':>10} {'queries':>8}")
        made = 0
        for size in SIZES:
            add_actions(size - made, leads=leads, subgroup=subgroup, start=made)
            made = size
            for label, url in PAGES.items():
                median_ms, queries = measure(client, url)
                print(f"{size:>8}  {label:<22} {median_ms:>10.1f} {queries:>8}")
    finally:
        connection.creation.destroy_test_db(original, verbosity=0)


if __name__ == "__main__":
    main()
