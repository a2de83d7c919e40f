"""Warming the cache (panel/warm.py): the pages people open first are computed before they ask."""

import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actions import month_ends, selectors
from actions.models import MonthEndRating
from core import cache as data_cache
from core import tasking
from havering_cp.celery import _warm_pages_on_start
from havering_cp.celery import app as celery_app
from panel import dashboard, warm
from tests.conftest import wait_for
from tests.factories import ActionFactory

pytestmark = pytest.mark.django_db
# For the tests that keep the dashboard: its month-end ratings are written in a transaction of
# their own, whose commit moves the table versions; inside a test case's transaction it would
# never commit, and nothing computed after it would be kept.
committing = pytest.mark.django_db(transaction=True)

WRITES = ("INSERT", "UPDATE", "DELETE")


@pytest.fixture
def warming(settings, redis_cache):
    settings.CACHE_WARMING = True
    return redis_cache


def refuse_to_compute(monkeypatch):
    """Make every computation behind the dashboard and the plan fail the test."""

    def computed(*args, **kwargs):
        raise AssertionError("computed while the person waited")

    for part in ("plan", "people"):
        monkeypatch.setattr(dashboard.Dashboard, part, computed)
    monkeypatch.setattr(dashboard, "_measures", computed)
    monkeypatch.setattr(selectors, "rag_summary", computed)


def test_warming_renders_each_page_for_each_role_and_the_pages_write_nothing(warming):
    ActionFactory(status="off_track")
    month_ends.rate_closed_months(today=timezone.localdate())  # the nightly task has run
    data_cache.bump_all_tables()  # every page computed, none read from the cache
    with CaptureQueriesContext(connection) as queries:
        warmed = warm.warm_pages()
    assert warmed.failed == []
    # Six pages and every measure's page for five roles, and the public page for no one.
    assert warmed.pages + warmed.refused >= 5 * len(warm.PAGES) + 1
    assert warmed.pages > 0
    assert not [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith(WRITES)]


@committing
def test_after_warming_a_panel_member_lands_on_a_dashboard_computed_before_they_asked(
    warming, client, users, monkeypatch
):
    ActionFactory(title="Late and warmed", due_date=timezone.localdate() - timedelta(days=3))
    warm.warm_pages()
    refuse_to_compute(monkeypatch)
    client.force_login(users["panel"])
    page = client.get(reverse("panel:dashboard"))
    assert page.status_code == 200
    assert "Late and warmed" in page.content.decode()  # the plan's part, as warmed
    assert client.get(reverse("action_plan")).status_code == 200
    client.force_login(users["admin"])  # another role's view, warmed apart
    assert client.get(reverse("panel:dashboard")).status_code == 200


@committing
def test_warming_rates_a_closed_month_first_so_that_the_dashboard_it_computes_is_kept(warming):
    ActionFactory(status="off_track")
    assert not MonthEndRating.objects.exists()  # the nightly task has not run
    warm.warm_pages(warm.AFTER_WRITES)
    assert MonthEndRating.objects.exists()
    assert plan_part_kept(small_numbers=False) is not None


def test_without_warming_the_first_to_ask_computes_the_page(warming, client, users, monkeypatch):
    """The test above would pass with nothing warmed if the page were never computed."""
    refuse_to_compute(monkeypatch)
    client.force_login(users["panel"])
    with pytest.raises(AssertionError, match="computed while the person waited"):
        client.get(reverse("panel:dashboard"))


def plan_part_kept(small_numbers: bool) -> str | None:
    """The dashboard's plan part for today as the cache holds it, if it is current."""
    versions = data_cache.table_versions(data_cache.tables_named(dashboard.PLAN_REST_ON))
    key = data_cache._key("fragment:dashboard-plan", [timezone.localdate(), small_numbers])
    entry = data_cache._current_entry(key, versions)
    return entry.value if entry else None


@pytest.mark.celery_worker
def test_after_a_write_a_real_worker_warms_the_landing_page_again(celery_worker, warming):
    warm.warm_pages(warm.AFTER_WRITES, roles=warm.AFTER_WRITES_ROLES)
    assert plan_part_kept(small_numbers=False) is not None
    ActionFactory(title="Written just now", due_date=timezone.localdate() - timedelta(days=2))  # commits
    # Kept again, computed after the write (the entry from before it does not name the action).
    wait_for(lambda: "Written just now" in (plan_part_kept(small_numbers=False) or ""), timeout=30)


def test_writes_queue_one_run_at_a_time_and_a_write_during_a_run_queues_the_next(warming, monkeypatch):
    queued = []
    monkeypatch.setattr(warm, "_queue_after_writes", lambda: queued.append(time.monotonic()))

    def write():
        warm.after_tables_changed(sender=None, tables=frozenset({"actions_action"}))

    for _ in range(5):
        write()
    wait_for(lambda: queued)
    time.sleep(0.2)
    assert len(queued) == 1  # one waits in the queue for all of them
    warm.warm_after_writes()  # the run starts
    write()
    wait_for(lambda: len(queued) == 2)


def test_warming_is_off_without_a_cache_or_when_turned_off(settings, monkeypatch):
    queued = []
    monkeypatch.setattr(warm, "_queue_after_writes", lambda: queued.append(1))
    settings.CACHE_WARMING = True  # but the test settings' dummy cache: nothing to warm
    assert warm.warm_pages().pages == 0
    warm.after_tables_changed(sender=None, tables=frozenset({"actions_action"}))
    time.sleep(0.1)
    assert queued == []


def test_turned_off_nothing_is_warmed(settings, redis_cache):
    settings.CACHE_WARMING = False
    assert warm.warm_pages().pages == 0


def test_a_starting_worker_warms_every_page_and_beat_does_before_entries_expire(
    warming, settings, monkeypatch
):
    sent = []
    monkeypatch.setattr(tasking, "send_now", lambda task, *args, **kwargs: sent.append(task))
    _warm_pages_on_start(sender=None)
    assert sent == [warm.TASK]
    schedule = celery_app.conf.beat_schedule["warm-pages"]
    assert schedule["task"] == warm.TASK
    assert schedule["schedule"].total_seconds() < settings.CACHE_SECONDS
