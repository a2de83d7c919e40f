"""Table versions: every committed write to a portal table makes the entries computed from it stale."""

import io
import re
import threading
import time
from collections.abc import Callable
from datetime import date

import pytest
import redis
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
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


@pytest.fixture(autouse=True)
def _cache_reachable_again(monkeypatch):
    """What an earlier test's unreachable cache left in this process is forgotten."""
    monkeypatch.setattr(data_cache, "_skip_until", 0.0)
    monkeypatch.setattr(data_cache, "_owed", set())


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


def counting(compute):
    calls = []

    def counted():
        calls.append(1)
        return compute()

    counted.calls = calls
    return counted


def test_cached_returns_the_kept_value_until_a_table_it_rests_on_changes(
    redis_cache, django_capture_on_commit_callbacks
):
    count_actions = counting(lambda: Action.objects.count())
    assert data_cache.cached("thing", ["a"], count_actions, tables=["actions_action"]) == 0
    assert data_cache.cached("thing", ["a"], count_actions, tables=["actions_action"]) == 0
    assert len(count_actions.calls) == 1
    data_cache.cached("thing", ["b"], count_actions, tables=["actions_action"])  # other parts, other entry
    assert len(count_actions.calls) == 2

    with django_capture_on_commit_callbacks(execute=True):
        ActionFactory()
    assert data_cache.cached("thing", ["a"], count_actions, tables=["actions_action"]) == 1
    assert len(count_actions.calls) == 3


def test_a_write_to_a_table_an_entry_does_not_name_leaves_it_cached(
    redis_cache, django_capture_on_commit_callbacks
):
    count_kpis = counting(lambda: KPI.objects.count())
    kpis = data_cache.cached("kpis", [], count_kpis, tables=["actions_kpi"])
    with django_capture_on_commit_callbacks(execute=True):
        ActionFactory()  # the plan's tables, not the KPI library
    assert data_cache.cached("kpis", [], count_kpis, tables=["actions_kpi"]) == kpis
    assert len(count_kpis.calls) == 1


def test_an_app_stands_for_all_its_tables_and_an_unknown_name_is_refused():
    assert "participation_visit" in data_cache.tables_named(["participation"])
    assert not any(table.startswith("actions_") for table in data_cache.tables_named(["participation"]))
    with pytest.raises(ValueError, match="actions_actoin"):
        data_cache.tables_named(["actions_actoin"])
    with pytest.raises(ValueError, match="auth_user"):
        data_cache.tables_named(["auth_user"])  # writes to it bump nothing: it cannot be rested on


def test_inside_a_transaction_that_wrote_nothing_is_kept(redis_cache, django_capture_on_commit_callbacks):
    count = counting(lambda: Action.objects.count())
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        ActionFactory()
        assert data_cache.cached("thing", [], count, tables=["actions_action"]) == 1  # its own write
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        ActionFactory()
        transaction.set_rollback(True)
    assert data_cache.cached("thing", [], count, tables=["actions_action"]) == 1  # not the rolled-back one
    assert len(count.calls) == 2


def asking(compute, results: list) -> Callable[[], threading.Thread]:
    """Start a request for the entry "slow" in a thread of its own (its answer to ``results``)."""

    def ask():
        try:
            results.append(data_cache.cached("slow", [], compute, tables=["actions_action"]))
        finally:
            connection.close()

    def start() -> threading.Thread:
        thread = threading.Thread(target=ask)
        thread.start()
        return thread

    return start


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
    ask = asking(slow, results)
    first = ask()
    started.wait(5)
    others = [ask() for _ in range(3)]
    time.sleep(0.2)
    release.set()
    for thread in [first, *others]:
        thread.join(10)
    assert results == ["computed"] * 4
    assert len(calls) == 1


@pytest.mark.django_db(transaction=True)
def test_requests_after_a_write_during_a_computation_compute_the_new_entry_once(redis_cache):
    """A write lands while the entry is being computed from the old data: those who ask after
    it neither wait for nor get the old value, and they compute the new one once, not once each."""
    started, release = threading.Event(), threading.Event()
    calls = []

    def slow():
        calls.append(1)
        seen = len(calls)
        started.set()
        if seen == 1:
            release.wait(5)
        else:
            time.sleep(0.2)  # long enough for the others to find the new one being computed
        return seen

    results = []
    ask = asking(slow, results)
    first = ask()
    started.wait(5)
    data_cache.bump_tables(["actions_action"])  # a lead's update commits
    others = [ask() for _ in range(3)]
    for thread in others:
        thread.join(10)
    release.set()
    first.join(10)
    assert sorted(results) == [1, 2, 2, 2]
    assert len(calls) == 2
    assert data_cache.cached("slow", [], slow, tables=["actions_action"]) == 2  # the new one is kept


def second_computation_waits():
    """A computation counting its runs, whose second (the one after a write) starts ``started``
    and waits for ``release``: (compute, started, release, calls)."""
    started, release, calls = threading.Event(), threading.Event(), []

    def compute():
        calls.append(1)
        if len(calls) == 2:
            started.set()
            release.wait(5)
        return len(calls)

    return compute, started, release, calls


@pytest.mark.django_db(transaction=True)
def test_while_one_request_computes_a_shared_page_again_the_others_get_it_as_it_was_at_once(redis_cache):
    """``stale_while_computing``: after a write, one request computes the new entry; those that
    ask meanwhile are served the entry from before the write without waiting, and once it is
    computed everyone gets the new one. An entry without the mark makes them wait for it."""
    slow, started, release, calls = second_computation_waits()

    def ask(results):
        try:
            results.append(
                data_cache.cached("shared", [], slow, tables=["actions_action"], stale_while_computing=True)
            )
        finally:
            connection.close()

    assert data_cache.cached("shared", [], slow, tables=["actions_action"], stale_while_computing=True) == 1
    data_cache.bump_tables(["actions_action"])  # a lead's update commits
    first: list = []
    computing = threading.Thread(target=ask, args=(first,))
    computing.start()
    started.wait(5)
    meanwhile: list = []
    asked_at = time.monotonic()
    others = [threading.Thread(target=ask, args=(meanwhile,)) for _ in range(3)]
    for thread in others:
        thread.start()
    for thread in others:
        thread.join(10)
    waited = time.monotonic() - asked_at
    release.set()
    computing.join(10)
    assert meanwhile == [1, 1, 1]  # as it was before the write, at once
    assert waited < 1, waited
    assert first == [2]
    assert data_cache.cached("shared", [], slow, tables=["actions_action"], stale_while_computing=True) == 2
    assert len(calls) == 2


@pytest.mark.django_db(transaction=True)
def test_without_the_mark_a_request_waits_for_the_computation_and_never_gets_the_old_entry(redis_cache):
    slow, started, release, calls = second_computation_waits()
    results: list = []
    ask = asking(slow, results)
    ask().join(10)  # the entry from before the write
    data_cache.bump_tables(["actions_action"])
    computing = ask()
    started.wait(5)
    waiting = ask()
    time.sleep(0.3)
    assert waiting.is_alive()  # waits for the new entry rather than take the old one
    release.set()
    for thread in (computing, waiting):
        thread.join(10)
    assert results == [1, 2, 2]
    assert len(calls) == 2


def test_a_waiting_request_asks_only_for_the_lock_not_for_the_entry(redis_cache, monkeypatch):
    """The entry may be large: a request waiting for another's computation polls the lock
    alone, and reads the entry once, when the lock is let go."""
    data_cache.cached("big", [], lambda: "x" * 100_000, tables=["actions_action"])
    data_cache.bump_tables(["actions_action"])
    versions = data_cache.table_versions(data_cache.tables_named(["actions_action"]))
    key = data_cache._key("big", [])
    lock = data_cache._lock_key(key, versions)
    redis_cache.add(lock, 1, timeout=30)  # another request is computing it
    threading.Timer(0.3, lambda: redis_cache.delete(lock)).start()
    reads = []
    real_get = type(redis_cache).get
    monkeypatch.setattr(
        type(redis_cache), "get", lambda self, k, *a, **kw: reads.append(k) or real_get(self, k, *a, **kw)
    )
    entry, taken = data_cache._entry_or_lock(key, versions, None)
    assert entry is None and taken == lock  # it left no entry: this request computes it
    assert reads.count(key) == 1
    redis_cache.delete(lock)


def test_an_entry_read_while_keeping_alive_is_kept_for_another_full_timeout(redis_cache):
    data_cache.cached("kept", [], lambda: "value", tables=["actions_action"])
    key = redis_cache.make_and_validate_key(data_cache._key("kept", []))
    client = redis_cache._cache.get_client(write=True)
    client.expire(key, 5)  # about to expire
    data_cache.cached("kept", [], lambda: "again", tables=["actions_action"])
    assert client.ttl(key) <= 5  # an ordinary read leaves it to expire
    with data_cache.keeping_alive():
        assert data_cache.cached("kept", [], lambda: "again", tables=["actions_action"]) == "value"
    assert client.ttl(key) > 50  # the test cache's timeout is 60 s


@pytest.mark.django_db(transaction=True)
def test_tables_changed_is_sent_with_the_tables_a_committed_write_changed(redis_cache):
    received = []

    def receiver(sender, tables, **kwargs):
        received.append(tables)

    data_cache.tables_changed.connect(receiver)
    try:
        with transaction.atomic():
            ActionFactory()
            assert received == []  # not before the commit
    finally:
        data_cache.tables_changed.disconnect(receiver)
    assert any("actions_action" in tables for tables in received)


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
    assert data_cache.cached("thing", [], lambda: "first", tables=["actions"]) == "first"
    assert data_cache.cached("thing", [], lambda: "second", tables=["actions"]) == "first"
    private_redis.server.terminate()
    private_redis.server.wait(timeout=10)

    assert data_cache.table_versions() is None
    assert (
        data_cache.cached("thing", [], lambda: "from the database", tables=["actions"]) == "from the database"
    )
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


def test_a_pickling_error_in_the_writers_process_leaves_no_stale_entry(
    redis_cache, django_capture_on_commit_callbacks
):
    """Issue 19.3, reproduced: an error that is not Redis's (a value that cannot be pickled)
    was taken for "cache unreachable", so the next write's version bump was dropped and the
    entry from before the write was served for CACHE_SECONDS."""
    count = counting(lambda: Action.objects.count())
    assert data_cache.cached("thing", [], count, tables=["actions_action"]) == 0
    with pytest.raises(AttributeError, match="pickle"):  # a fault in the code, raised as one
        redis_cache.set("unpicklable", lambda: None)
    with django_capture_on_commit_callbacks(execute=True):
        ActionFactory()
    time.sleep(2.1)  # the old code left Redis alone for 2 s, then served the old entry
    assert data_cache.cached("thing", [], count, tables=["actions_action"]) == 1


@pytest.mark.django_db(transaction=True)
def test_two_databases_on_one_redis_never_serve_each_others_entries(redis_cache):
    """Issue 22.4: a copy of the database (as a restore makes), changed outside Django, served
    beside the original with the same Redis: each shows its own data."""
    ActionFactory(title="In the original")
    original = connection.settings_dict["NAME"]
    copy = f"{original}_copy"
    connection.close()
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{copy}"')
        # A template must have no other sessions. Threads of earlier tests (live servers, the
        # Celery worker) may still hold an idle connection to it; they are ended here, and
        # CONN_HEALTH_CHECKS reconnects any of them that is used again.
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = %s AND pid <> pg_backend_pid()",
            [original],
        )
        cursor.execute(f'CREATE DATABASE "{copy}" TEMPLATE "{original}"')
    params = {**connection.get_connection_params(), "dbname": copy}
    restored = connection.Database.connect(**params)  # outside Django: no version bump
    try:
        with restored.cursor() as cursor:
            cursor.execute("UPDATE actions_action SET title = 'In the copy'")
        restored.commit()
    finally:
        restored.close()

    def titles():
        return data_cache.cached(
            "titles",
            [],
            lambda: list(Action.objects.values_list("title", flat=True)),
            tables=["actions_action"],
        )

    try:
        assert titles() == ["In the original"]
        connection.close()
        connection.settings_dict["NAME"] = copy
        assert titles() == ["In the copy"]
        connection.close()
        connection.settings_dict["NAME"] = original
        assert titles() == ["In the original"]
    finally:
        connection.close()
        connection.settings_dict["NAME"] = original
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{copy}"')


def test_an_entry_too_large_to_keep_is_computed_each_time(redis_cache):
    large = counting(lambda: "x" * (data_cache.MAX_ENTRY_BYTES + 1))
    small = counting(lambda: "x")
    for _ in range(2):
        data_cache.cached("large", [], large, tables=["actions_action"])
        data_cache.cached("small", [], small, tables=["actions_action"])
    assert (len(large.calls), len(small.calls)) == (2, 1)


@pytest.mark.django_db(transaction=True)
def test_bump_cache_makes_pages_stale_after_a_write_outside_django(redis_cache):
    ActionFactory(title="Before")

    def titles():
        read = lambda: list(Action.objects.values_list("title", flat=True))  # noqa: E731
        return data_cache.cached("titles", [], read, tables=["actions_action"])

    assert titles() == ["Before"]
    outside = connection.Database.connect(**connection.get_connection_params())  # as psql would
    try:
        with outside.cursor() as cursor:
            cursor.execute("UPDATE actions_action SET title = 'After'")
        outside.commit()
    finally:
        outside.close()
    assert titles() == ["Before"]  # nothing told the cache
    call_command("bump_cache", "actions", stdout=io.StringIO())
    assert titles() == ["After"]


def test_bump_cache_refuses_a_table_it_does_not_know(redis_cache):
    with pytest.raises(CommandError, match="actions_actoin"):
        call_command("bump_cache", "actions_actoin")


@pytest.mark.own_redis
@pytest.mark.django_db(transaction=True)
def test_a_version_bump_held_up_by_a_redis_write_stall_leaves_nothing_stale(settings, private_redis):
    """Issue 22.5: ``CLIENT PAUSE 3000 WRITE`` during a write dropped its version bump, and the
    page from before the write was served for CACHE_SECONDS (276 s measured)."""
    settings.CACHES = cache_settings(private_redis.url)
    ActionFactory(title="Before")

    def titles():
        read = lambda: list(Action.objects.values_list("title", flat=True))  # noqa: E731
        return data_cache.cached("titles", [], read, tables=["actions_action"])

    assert titles() == ["Before"]
    redis.Redis.from_url(private_redis.url).execute_command("CLIENT", "PAUSE", 3000, "WRITE")
    paused = time.monotonic()
    Action.objects.update(title="After")  # committed; its version bump cannot be written yet
    assert data_cache._owed
    assert titles() == ["After"]  # this process knows: it serves nothing from the cache meanwhile
    time.sleep(max(0.0, paused + 3 + 2 * data_cache.RETRY_BUMP_SECONDS - time.monotonic()))
    assert not data_cache._owed  # written once Redis took writes again
    assert titles() == ["After"]  # and so for every process


def test_a_database_being_migrated_keeps_nothing_and_its_writes_go_through(redis_cache, monkeypatch):
    """Found by `make bench-dashboard`: `migrate` on a new database with the cache on failed,
    as a data migration's version bump looked for the database's identity before its table
    was made."""
    monkeypatch.setattr(data_cache, "_identities", {})
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE core_databaseidentity")  # as before core's migration (rolled back)
    ActionFactory()  # its version bump has nothing to make stale
    count = counting(lambda: Action.objects.count())
    assert data_cache.cached("thing", [], count, tables=["actions_action"]) == 1
    assert data_cache.cached("thing", [], count, tables=["actions_action"]) == 1
    assert len(count.calls) == 2  # nothing kept


def test_the_cached_tag_takes_stale_while_computing_as_its_last_word(redis_cache):
    from django.template import engines

    from core.templatetags.data_cache import CachedNode

    def node(source: str) -> CachedNode:
        template = engines["django"].from_string("{% load data_cache %}" + source)
        return next(n for n in template.template.nodelist if isinstance(n, CachedNode))

    marked = '{% cached "t" on "actions_action" with v=f stale_while_computing %}{{ v }}{% endcached %}'
    assert node(marked).stale_while_computing
    plain = '{% cached "t" on "actions_action" with v=f %}{{ v }}{% endcached %}'
    assert not node(plain).stale_while_computing
    assert not node('{% cached "t" on "actions_action" %}x{% endcached %}').stale_while_computing
    rendered = engines["django"].from_string("{% load data_cache %}" + marked).render({"f": lambda: "kept"})
    assert rendered == "kept"
