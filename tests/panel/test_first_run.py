"""A first start, as `make run` does it: migrate, seed the demo, let the worker build what is due.

Runs on a real worker and broker. Back-filled reports are filed without e-mail; only the
report of the month just ended, or the pack for a meeting still to come, is announced;
nothing in the logs is an error or a traceback.
"""

import logging
import time
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from actions.roles import Role
from panel.models import ProgressReport, ReminderLog
from tests.conftest import wait_for

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def test_a_first_start_backfills_reports_quietly_and_announces_only_the_current_ones(
    celery_worker, settings, caplog
):
    caplog.set_level(logging.INFO)
    today = timezone.localdate()
    last_month_end = today.replace(day=1) - timedelta(days=1)
    # Two months back is enough to see back-filling without building two years of packs.
    settings.REPORTS_START = (last_month_end.replace(day=1) - timedelta(days=1)).replace(day=1)
    settings.SITE_URL = "http://127.0.0.1:8123"

    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0)  # queues build_due_reports once it has committed

    def all_built():
        states = list(ProgressReport.objects.values_list("state", flat=True))
        return states and all(state == "ready" for state in states)

    wait_for(all_built, timeout=900, interval=1)
    built = list(ProgressReport.objects.select_related("meeting").defer("pdf", "html"))
    current = [
        r
        for r in built
        if (r.kind == "monthly" and r.period_end == last_month_end)
        or (r.kind == "meeting_pack" and timezone.localdate(r.meeting.starts_at) >= today)
    ]
    back_filled = [r for r in built if r not in current]
    assert back_filled, "the demo starts with past periods to back-fill"
    panel_members = (
        get_user_model()
        .objects.filter(groups__name=Role.PANEL_MEMBER, is_active=True)
        .exclude(email="")
        .distinct()
        .count()
    )

    expected = len(current) * panel_members
    wait_for(lambda: len(mail.outbox) >= expected, timeout=120)
    time.sleep(3)  # announcements of back-filled reports, had any been sent, would be in by now
    subjects = {m.subject for m in mail.outbox}
    assert subjects == {f"Corporate Parenting Panel: {r} is ready" for r in current}
    assert len(mail.outbox) == expected == ReminderLog.objects.count()
    assert all("http://127.0.0.1:8123/panel/reports/" in m.body for m in mail.outbox)

    problems = [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    assert problems == [], [r.getMessage() for r in problems]
    assert all(bytes(r.pdf).startswith(b"%PDF-") for r in ProgressReport.objects.all())
