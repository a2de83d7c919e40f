"""The data version: every committed write to the portal's tables makes cached entries stale."""

import re
from datetime import date

import pytest
from django.contrib.sessions.models import Session
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from actions.kpis import services
from actions.models import Action
from core import cache as data_cache
from tests.actions.kpis.spreadsheets import LONG_HEADER, csv_bytes
from tests.conftest import cache_settings, require_postgres
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
    assert data_cache.writes_portal_data(sql) is writes


def test_cached_returns_the_kept_value_until_the_data_changes(
    redis_cache, django_capture_on_commit_callbacks
):
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert data_cache.cached("thing", ["a"], compute) == 1
    assert data_cache.cached("thing", ["a"], compute) == 1
    assert data_cache.cached("thing", ["b"], compute) == 2  # other parts, other entry

    with django_capture_on_commit_callbacks(execute=True):
        ActionFactory()
    assert data_cache.cached("thing", ["a"], compute) == 3


def test_a_transaction_bumps_the_version_once_when_it_commits(
    redis_cache, django_capture_on_commit_callbacks
):
    before = data_cache.data_version()
    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        action = ActionFactory()
        Action.objects.filter(pk=action.pk).update(title="Renamed")  # a bulk update
        assert data_cache.data_version() == before  # not before the commit
    assert [cb for cb in callbacks if cb is data_cache.bump_data_version] == [data_cache.bump_data_version]
    for callback in callbacks:
        callback()
    assert data_cache.data_version() != before


@pytest.mark.django_db(transaction=True)
def test_raw_sql_writes_in_autocommit_bump_the_version_at_once(redis_cache):
    action = ActionFactory()
    before = data_cache.data_version()
    with connection.cursor() as cursor:
        cursor.execute('UPDATE "actions_action" SET "title" = %s WHERE "id" = %s', ["Raw", action.pk])
    assert data_cache.data_version() != before


def test_a_rolled_back_write_leaves_the_version_alone(redis_cache, django_capture_on_commit_callbacks):
    before = data_cache.data_version()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        ActionFactory()
        raise RuntimeError("changed my mind")
    assert data_cache.data_version() == before


def test_a_session_write_leaves_the_version_alone(redis_cache, django_capture_on_commit_callbacks):
    before = data_cache.data_version()
    with django_capture_on_commit_callbacks(execute=True):
        Session.objects.create(session_key="x" * 32, session_data="", expire_date=timezone.now())
    assert data_cache.data_version() == before


def test_an_unreachable_cache_is_a_miss_and_the_value_is_computed(settings, private_redis):
    settings.CACHES = cache_settings(private_redis.url)
    assert data_cache.cached("thing", [], lambda: "first") == "first"
    assert data_cache.cached("thing", [], lambda: "second") == "first"
    private_redis.server.terminate()
    private_redis.server.wait(timeout=10)

    assert data_cache.data_version() is None
    assert data_cache.cached("thing", [], lambda: "from the database") == "from the database"
    data_cache.bump_data_version()  # dropped, not raised
    assert data_cache.cache_reachable() is False


def test_the_kpi_imports_bulk_upsert_counts_as_a_data_change(tmp_path, admin_user):
    """The COPY path writes the figures with one ``WITH … INSERT … ON CONFLICT`` statement."""
    require_postgres()
    path = tmp_path / "figures.csv"
    path.write_bytes(csv_bytes([LONG_HEADER, ["W01", date(2025, 4, 30), 72, 36, 50, "", ""]]))
    with CaptureQueriesContext(connection) as captured:
        kpi_import = services.kpi_import_from_path(path=path, dry_run=False, user=admin_user)
    assert kpi_import.rows_created == 1
    upserts = [
        q["sql"] for q in captured.captured_queries if re.search(r"INSERT INTO \"?actions_kpivalue", q["sql"])
    ]
    assert upserts
    assert all(data_cache.writes_portal_data(sql) for sql in upserts)
