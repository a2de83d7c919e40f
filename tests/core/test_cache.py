"""Table versions: every committed write to a portal table makes the entries computed from it stale."""

import re
import threading
import time
from datetime import date

import pytest
from django.contrib.sessions.models import Session
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from actions.kpis import services
from actions.models import KPI, Action
from core import cache as data_cache
from tests.actions.kpis.spreadsheets import LONG_HEADER, csv_bytes
from tests.conftest import cache_settings
from tests.factories import ActionFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("sql", "writes"),
    [
        ('INSERT INTO "actions_progressupdate" ("action_id") VALUES (%s)', True),
        ('UPDATE "actions_action" SET "status" = %s', True),
        ('DELETE FROM "participation_visit" WHERE "id" = %s', True),
        ("INSERT INTO actions_kpivalue (kpi_id) SELECT kpi_id FROM kpi_import_stage", True),
        ('  update "panel_progressreport" set "progress" = 5', True),
        ("WITH upserted AS (INSERT INTO actions_kpivalue AS v (kpi_id) SELECT 1 RETURNING 1) SELECT 1", True),
        ('WITH x AS (SELECT 1) SELECT * FROM "actions_action" FOR UPDATE OF "actions_action"', False),
        ('SELECT "actions_action"."id" FROM "actions_action" FOR UPDATE SKIP LOCKED', False),
        ('SELECT "actions_action"."id" FROM "actions_action"', False),
        ('UPDATE "django_session" SET "expire_date" = %s', False),
        ('UPDATE "auth_user" SET "last_login" = %s', False),
        ('INSERT INTO "participation_recordview" ("referral_id") VALUES (%s)', False),
        ("COPY kpi_import_stage FROM STDIN", False),
    ],
)
def test_only_writes_to_the_portals_own_tables_count_as_data_changes(sql, writes):
    assert bool(data_cache.tables_written(sql)) is writes


@pytest.mark.parametrize(
    ("sql", "tables"),
    [
        ('SELECT "actions_kpi"."code" FROM "actions_kpi"', {"actions_kpi"}),
        (
            'SELECT 1 FROM "actions_action" INNER JOIN "auth_user" ON 1=1 '
            'WHERE EXISTS(SELECT 1 AS "a" FROM "actions_milestone" U0 LIMIT 1)',
            {"actions_action", "actions_milestone"},
        ),
        ('SELECT 1 FROM "participation_recordview"', set()),
        ('SELECT 1 FROM "django_session"', set()),
    ],
)
def test_the_portal_tables_a_query_reads_are_found_in_joins_and_subqueries(sql, tables):
    assert data_cache.tables_read(sql) == tables


def counting(compute):
    calls = []

    def counted():
        calls.append(1)
        return compute()

    counted.calls = calls
    return counted


def test_cached_returns_the_kept_value_until_a_table_it_read_changes(
    redis_cache, django_capture_on_commit_callbacks
):
    count_actions = counting(lambda: Action.objects.count())
    assert data_cache.cached("thing", ["a"], count_actions) == 0
    assert data_cache.cached("thing", ["a"], count_actions) == 0
    assert len(count_actions.calls) == 1
    data_cache.cached("thing", ["b"], count_actions)  # other parts, other entry
    assert len(count_actions.calls) == 2

    with django_capture_on_commit_callbacks(execute=True):
        ActionFactory()
    assert data_cache.cached("thing", ["a"], count_actions) == 1
    assert len(count_actions.calls) == 3


def test_a_write_to_a_table_an_entry_did_not_read_leaves_it_cached(
    redis_cache, django_capture_on_commit_callbacks
):
    count_kpis = counting(lambda: KPI.objects.count())
    kpis = data_cache.cached("kpis", [], count_kpis)
    with django_capture_on_commit_callbacks(execute=True):
        ActionFactory()  # the plan's tables, not the KPI library
    assert data_cache.cached("kpis", [], count_kpis) == kpis
    assert len(count_kpis.calls) == 1


def test_what_a_request_read_before_an_entry_counts_as_read_by_it(
    redis_cache, django_capture_on_commit_callbacks
):
    """A view's object passed into a cached fragment: the fragment rests on its table too."""
    data_cache._begin_request()
    try:
        titles = list(Action.objects.values_list("title", flat=True))  # read by the view
        render = counting(lambda: f"{KPI.objects.count()} measures, {len(titles)} actions")
        data_cache.cached("fragment", [], render)
    finally:
        data_cache._end_request()
    with django_capture_on_commit_callbacks(execute=True):
        ActionFactory()
    data_cache._begin_request()
    try:
        data_cache.cached("fragment", [], render)
    finally:
        data_cache._end_request()
    assert len(render.calls) == 2


def test_an_entry_used_inside_another_passes_on_what_it_rests_on(
    redis_cache, django_capture_on_commit_callbacks
):
    inner = counting(lambda: Action.objects.count())
    outer = counting(lambda: data_cache.cached("inner", [], inner) + 1)
    data_cache.cached("inner", [], inner)  # cached before the outer entry is computed
    data_cache.cached("outer", [], outer)
    with django_capture_on_commit_callbacks(execute=True):
        ActionFactory()
    assert data_cache.cached("outer", [], outer) == 2
    assert (len(inner.calls), len(outer.calls)) == (2, 2)


def test_tables_named_unaffected_by_do_not_make_the_entry_stale(
    redis_cache, django_capture_on_commit_callbacks
):
    count = counting(lambda: Action.objects.count())
    data_cache.cached("thing", [], count, unaffected_by=frozenset({"actions_action"}))
    with django_capture_on_commit_callbacks(execute=True):
        ActionFactory()
    assert data_cache.cached("thing", [], count, unaffected_by=frozenset({"actions_action"})) == 0
    assert len(count.calls) == 1


def test_a_request_that_wrote_sees_its_write_and_keeps_nothing(
    redis_cache, django_capture_on_commit_callbacks
):
    count = counting(lambda: Action.objects.count())
    data_cache.cached("thing", [], count)
    data_cache._begin_request()
    try:
        Action.objects.count()  # the request's versions are read here, before its write
        with django_capture_on_commit_callbacks(execute=True):
            ActionFactory()
        assert data_cache.cached("thing", [], count) == 1  # not the entry from before the write
    finally:
        data_cache._end_request()
    assert data_cache.cached("thing", [], count) == 1
    assert len(count.calls) == 3  # the writing request's result was not kept


@pytest.mark.django_db(transaction=True)
def test_requests_wanting_the_same_missing_entry_compute_it_once(redis_cache):
    started, release = threading.Event(), threading.Event()
    calls = []

    def slow():
        calls.append(1)
        started.set()
        release.wait(5)
        return "computed"

    results = []

    def ask():
        try:
            results.append(data_cache.cached("slow", [], slow))
        finally:
            connection.close()

    first = threading.Thread(target=ask)
    first.start()
    started.wait(5)
    others = [threading.Thread(target=ask) for _ in range(3)]
    for thread in others:
        thread.start()
    time.sleep(0.2)
    release.set()
    for thread in [first, *others]:
        thread.join(10)
    assert results == ["computed"] * 4
    assert len(calls) == 1


def action_version():
    return data_cache.table_versions()["actions_action"]


def test_a_transaction_bumps_the_tables_it_wrote_once_when_it_commits(
    redis_cache, django_capture_on_commit_callbacks
):
    before = data_cache.table_versions()
    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        action = ActionFactory()
        Action.objects.filter(pk=action.pk).update(title="Renamed")  # a bulk update
        assert data_cache.table_versions() == before  # not before the commit
    bumps = [cb for cb in callbacks if isinstance(cb, data_cache._BumpOnCommit)]
    assert len(bumps) == 1
    assert "actions_action" in bumps[0].tables
    for callback in callbacks:
        callback()
    after = data_cache.table_versions()
    assert after["actions_action"] != before["actions_action"]
    assert after["participation_visit"] == before["participation_visit"]  # not written


@pytest.mark.django_db(transaction=True)
def test_raw_sql_writes_in_autocommit_bump_the_version_at_once(redis_cache):
    action = ActionFactory()
    before = action_version()
    with connection.cursor() as cursor:
        cursor.execute('UPDATE "actions_action" SET "title" = %s WHERE "id" = %s', ["Raw", action.pk])
    assert action_version() != before


def test_a_rolled_back_write_leaves_the_version_alone(redis_cache, django_capture_on_commit_callbacks):
    before = data_cache.table_versions()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        ActionFactory()
        raise RuntimeError("changed my mind")
    assert data_cache.table_versions() == before


def test_a_session_write_leaves_the_version_alone(redis_cache, django_capture_on_commit_callbacks):
    before = data_cache.table_versions()
    with django_capture_on_commit_callbacks(execute=True):
        Session.objects.create(session_key="x" * 32, session_data="", expire_date=timezone.now())
    assert data_cache.table_versions() == before


@pytest.mark.own_redis
def test_an_unreachable_cache_is_a_miss_and_the_value_is_computed(settings, private_redis):
    settings.CACHES = cache_settings(private_redis.url)
    assert data_cache.cached("thing", [], lambda: "first") == "first"
    assert data_cache.cached("thing", [], lambda: "second") == "first"
    private_redis.server.terminate()
    private_redis.server.wait(timeout=10)

    assert data_cache.table_versions() is None
    assert data_cache.cached("thing", [], lambda: "from the database") == "from the database"
    data_cache.bump_all_tables()  # dropped, not raised
    assert data_cache.cache_reachable() is False


def test_the_kpi_imports_bulk_upsert_counts_as_a_data_change(tmp_path, admin_user):
    """The COPY path writes the figures with one ``WITH … INSERT … ON CONFLICT`` statement."""
    path = tmp_path / "figures.csv"
    path.write_bytes(csv_bytes([LONG_HEADER, ["W01", date(2025, 4, 30), 72, 36, 50, "", ""]]))
    with CaptureQueriesContext(connection) as captured:
        kpi_import = services.kpi_import_from_path(path=path, dry_run=False, user=admin_user)
    assert kpi_import.rows_created == 1
    upserts = [
        q["sql"] for q in captured.captured_queries if re.search(r"INSERT INTO \"?actions_kpivalue", q["sql"])
    ]
    assert upserts
    assert all(data_cache.tables_written(sql) == {"actions_kpivalue"} for sql in upserts)
