"""The report tasks on a real worker and a real Redis: no duplicate, no loss."""

import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from core.months import add_months, month_bounds
from havering_cp.celery import app as celery_app
from panel import reports, tasks
from panel.models import ProgressReport
from tests.conftest import broker, free_port, real_worker, redis_url, require_service, start_redis, wait_for
from tests.servers import stop

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def three_months_due(settings):
    """Reports start three months before this one: those three months are due, whatever
    today is (counted from a fixed start, the number grew by one a month, and with it the
    time the builds take)."""
    settings.REPORTS_START = add_months(month_bounds(timezone.localdate())[0], -3)
    return 3


def test_running_the_due_report_task_twice_builds_each_report_once(celery_worker, three_months_due):
    tasks.build_due_reports.delay()
    tasks.build_due_reports.delay()
    wait_for(lambda: ProgressReport.objects.filter(state="ready").count() == three_months_due, timeout=60)
    assert ProgressReport.objects.count() == three_months_due
    assert set(ProgressReport.objects.values_list("attempts", flat=True)) == {1}


def _worker_environment(**extra) -> dict:
    """What a worker in another process needs to use this test's database and broker."""
    database = connection.settings_dict
    return {
        **os.environ,
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "REDIS_URL": redis_url(),
        "DJANGO_SETTINGS_MODULE": "havering_cp.settings_test",
        **extra,
    }


def test_two_workers_racing_for_one_report_build_it_once(celery_worker):
    # The second worker is its own process, as in production (two worker threads in one
    # process would share Celery's process-wide shutdown flag).
    report = ProgressReport.objects.create(
        kind="monthly", period_start=date(2025, 4, 1), period_end=date(2025, 4, 30)
    )
    second = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "havering_cp",
            "worker",
            "--pool=solo",
            "--loglevel=WARNING",
            "--hostname=second@localhost",
            "--without-mingle",
            "--without-gossip",
            "--without-heartbeat",
        ],
        env=_worker_environment(),
        cwd=ROOT,
    )
    try:
        wait_for(lambda: celery_app.control.ping(destination=["second@localhost"], timeout=0.5), timeout=60)
        for _ in range(4):
            tasks.build_report.delay(report.pk)
        wait_for(lambda: ProgressReport.objects.get(pk=report.pk).state == "ready", timeout=60)
    finally:
        stop(second)
    report.refresh_from_db()
    assert report.attempts == 1
    assert ProgressReport.objects.count() == 1


def test_a_worker_killed_mid_report_leaves_it_for_another_to_finish(settings):
    redis_url()
    celery_app.control.purge()
    settings.REPORT_BUILD_LEASE_SECONDS = 2
    report = ProgressReport.objects.create(
        kind="monthly", period_start=date(2025, 4, 1), period_end=date(2025, 4, 30)
    )
    slow = subprocess.Popen(
        [sys.executable, str(ROOT / "tests/panel/slow_worker.py")],
        env=_worker_environment(REPORT_BUILD_LEASE_SECONDS="2"),
        cwd=ROOT,
    )
    try:
        tasks.build_report.delay(report.pk)
        wait_for(
            lambda: ProgressReport.objects.get(pk=report.pk).progress_note.startswith("Started by the slow"),
            timeout=60,
        )
    finally:
        slow.send_signal(signal.SIGKILL)
        slow.wait(timeout=10)
    assert ProgressReport.objects.get(pk=report.pk).state == "building"

    with real_worker("rescuer"):
        # The hourly sweep finds the report whose builder stopped renewing its lease.
        wait_for(lambda: report.pk in reports.reports_needing_a_build(), timeout=10)
        tasks.build_due_reports.delay()
        wait_for(lambda: ProgressReport.objects.get(pk=report.pk).state == "ready", timeout=60)
    report.refresh_from_db()
    assert report.attempts == 2
    assert ProgressReport.objects.filter(kind="monthly", period_end=date(2025, 4, 30)).count() == 1


def test_a_build_whose_pool_process_is_killed_is_built_again_at_once_and_exactly_once(tmp_path):
    """#22.2: the redelivered task owns the lease its killed attempt took, so it need not
    wait the 600 s for the lease to lapse nor the hourly sweep."""
    redis_url()
    celery_app.control.purge()
    report = ProgressReport.objects.create(
        kind="monthly", period_start=date(2025, 4, 1), period_end=date(2025, 4, 30)
    )
    marker = tmp_path / "hanging-pid"
    worker = subprocess.Popen(
        [sys.executable, str(ROOT / "tests/panel/killable_worker.py")],
        env=_worker_environment(HANG_MARKER=str(marker)),
        cwd=ROOT,
    )
    try:
        tasks.build_report.delay(report.pk)
        wait_for(
            lambda: ProgressReport.objects.get(pk=report.pk).progress_note.startswith(
                "Started by the killable"
            ),
            timeout=60,
        )
        os.kill(int(marker.read_text()), signal.SIGKILL)
        killed_at = time.monotonic()
        wait_for(lambda: ProgressReport.objects.get(pk=report.pk).state == "ready", timeout=120)
        print(f"rebuilt {time.monotonic() - killed_at:.1f} s after the pool process was killed")
    finally:
        # Under the full suite's load, a worker whose pool process was killed has once taken
        # over 30 s to shut down; what is checked below is read from the database either way.
        stop(worker)
    report.refresh_from_db()
    assert report.attempts == 2
    assert report.issued_at is not None
    assert ProgressReport.objects.filter(kind="monthly", period_end=date(2025, 4, 30)).count() == 1


@pytest.mark.own_redis
def test_with_the_broker_down_pages_serve_and_the_missed_report_is_built_when_it_returns(
    client, users, settings
):
    require_service(bool(shutil.which("redis-server")), "needs redis-server to stop and start a broker")
    settings.REPORTS_START = date(2025, 4, 1)
    port = free_port()
    server = start_redis(port)
    with broker(f"redis://127.0.0.1:{port}/0"):
        server.terminate()
        server.wait(timeout=10)

        client.force_login(users["admin"])
        assert client.get(reverse("panel:report_list")).status_code == 200
        assert client.get(reverse("home")).status_code == 200
        assert client.get(reverse("healthz")).json()["status"] == "degraded"
        last_month = timezone.localdate().replace(day=1) - timedelta(days=1)
        response = client.post(
            reverse("panel:report_generate"), {"kind": "monthly", "month": last_month.strftime("%Y-%m")}
        )
        assert response.status_code == 302  # accepted; it could not be queued yet
        missed = ProgressReport.objects.get(kind="monthly", period_end=last_month)
        assert missed.state == "pending"

        server = start_redis(port)
        try:
            with real_worker("after-outage"):
                tasks.build_due_reports.delay()  # what beat sends on its next tick
                wait_for(lambda: ProgressReport.objects.get(pk=missed.pk).state == "ready", timeout=90)
        finally:
            server.terminate()
            server.wait(timeout=10)
