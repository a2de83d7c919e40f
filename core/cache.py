"""The portal's cache: what is computed from data that rarely changes, kept until that data changes.

Each table of the portal's apps has a *version*, a random token kept in the cache itself. Any
write to a table (an INSERT, UPDATE or DELETE, whether it comes from ``save()``, a queryset's
``update()``, a bulk create or raw SQL such as the KPI import's upsert) gives that table a new
token as soon as the writing transaction commits. A database execute wrapper installed on every
connection (``install``, called by ``CoreConfig.ready``) sees both the writes and the reads, so
no service has to remember to invalidate anything, and no page has to say what it depends on.

An entry is kept with the versions of every table the request had read when it was computed
(before it and inside it, including what entries it used were computed from), and served only
while all of them are still current. So a progress update makes the plan and the dashboard's
plan figures stale, but not the KPI pages or the dashboard's measures, which read no table it
wrote. The versions a request compares against are read once, in one round trip, before its
first query of a portal table, so an entry is never older than the data the request reads.

Nothing kept here may depend on who is asking beyond the key parts the caller gives (a role's
view, such as whether small numbers are shown). An unreachable cache is a miss: the page is
computed from the database (``ResilientRedisCache``), and ``/healthz`` reports it.

django-cachalot keeps per-table invalidation too, but caches query results (the rendering cost
stays) and would cache every query of the portal; here only named pages and fragments are kept.
"""

import hashlib
import logging
import re
import secrets
import time
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cache as once
from functools import wraps

from django.apps import apps
from django.core.cache import cache, caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.redis import RedisCache
from django.core.signals import request_finished, request_started
from django.db.backends.signals import connection_created
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import mark_safe

logger = logging.getLogger(__name__)

VERSION_PREFIX = "table-version:"
# Writes to these tables change what cached pages show. Tables outside them (sessions,
# sign-in records, one-time-password devices) and the logs below change nothing cached.
DATA_APPS = ("actions", "participation", "panel")
DATA_TABLE_PREFIXES = tuple(f"{app}_" for app in DATA_APPS)
IGNORED_TABLES = frozenset({"participation_recordview", "panel_reminderlog"})
_WRITE = re.compile(r'(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)', re.IGNORECASE)
_READ = re.compile(r'\b(?:FROM|JOIN)\s+"?(\w+)', re.IGNORECASE)
_CTE = re.compile(r"\s*WITH\b", re.IGNORECASE)
# While one request computes an entry, others that want it wait this long for it rather than
# compute it too (each polling every LOCK_POLL seconds), then compute it themselves.
LOCK_WAIT = 2.0
LOCK_POLL = 0.02


def _is_data_table(table: str) -> bool:
    return table.startswith(DATA_TABLE_PREFIXES) and table not in IGNORED_TABLES


@once
def data_tables() -> frozenset[str]:
    """Every table of the portal's apps whose writes count (history and many-to-many included)."""
    return frozenset(
        model._meta.db_table
        for app in DATA_APPS
        for model in apps.get_app_config(app).get_models(include_auto_created=True)
        if _is_data_table(model._meta.db_table)
    )


def tables_written(sql) -> frozenset[str]:
    """The portal tables a statement writes to (none for a SELECT, even one that locks rows)."""
    sql = sql if isinstance(sql, str) else str(sql)
    match = _WRITE.match(sql.lstrip())
    if match:
        return frozenset({match[1]}) if _is_data_table(match[1]) else frozenset()
    # A data-modifying common table expression: WITH upserted AS (INSERT INTO …) SELECT …
    if _CTE.match(sql):
        return frozenset(table for table in _WRITE.findall(sql) if _is_data_table(table))
    return frozenset()


def tables_read(sql) -> frozenset[str]:
    """The portal tables a statement reads (any named after FROM or JOIN)."""
    sql = sql if isinstance(sql, str) else str(sql)
    return frozenset(table for table in _READ.findall(sql) if _is_data_table(table))


def _caching() -> bool:
    return not isinstance(caches["default"], DummyCache)


# --- Table versions -----------------------------------------------------------------------------


def _new_token() -> str:
    # Random, never a counter: a version lost with a cache restart can never come back and
    # revive entries computed from older data.
    return secrets.token_hex(8)


def _version_key(table: str) -> str:
    return VERSION_PREFIX + table


def table_versions() -> dict[str, str] | None:
    """Every portal table's current version (one round trip), or None when the cache cannot be
    reached (then nothing is cached and every page is computed from the database)."""
    keys = {_version_key(table): table for table in data_tables()}
    found = cache.get_many(list(keys))
    missing = [key for key in keys if key not in found]
    if missing:
        for key in missing:
            cache.add(key, _new_token(), timeout=None)
        found.update(cache.get_many(missing))
    if len(found) < len(keys):
        return None
    return {keys[key]: version for key, version in found.items()}


def bump_tables(tables) -> None:
    """Make every entry computed from these tables stale."""
    cache.set_many({_version_key(table): _new_token() for table in tables}, timeout=None)
    reading = _reading.get()
    if reading is not None:
        # This request changed data: what it reads from now on is compared with the new
        # versions, and what it computes is not kept (it may rest on rows read before).
        reading.versions = None
        reading.wrote = True


def bump_all_tables() -> None:
    """Make every cached entry stale."""
    bump_tables(data_tables())


class _BumpOnCommit:
    """The one on-commit callback of a transaction, bumping every table it wrote."""

    def __init__(self):
        self.tables: set[str] = set()
        self.done = False

    def __call__(self) -> None:
        self.done = True
        bump_tables(self.tables)


def _bump_when_committed(connection, tables: frozenset[str]) -> None:
    if connection.in_atomic_block:
        # A savepoint rolled back drops the callback with it; then the next write adds another.
        pending = next(
            (f for _, f, _ in connection.run_on_commit if isinstance(f, _BumpOnCommit) and not f.done), None
        )
        if pending is None:
            pending = _BumpOnCommit()
            connection.on_commit(pending, robust=True)
        pending.tables |= tables
    else:
        bump_tables(tables)  # autocommit: the statement has already committed


# --- What a request has read ----------------------------------------------------------------------


_UNREACHABLE: dict = {}


@dataclass
class _Reading:
    """The versions a request compares entries with, and the portal tables it has read."""

    versions: dict[str, str] | None = None
    tables: set[str] = field(default_factory=set)
    wrote: bool = False

    def current_versions(self) -> dict[str, str]:
        if self.versions is None:
            self.versions = table_versions() or _UNREACHABLE
        return self.versions


_reading: ContextVar[_Reading | None] = ContextVar("core_cache_reading", default=None)


def _begin_request(**kwargs) -> None:
    _reading.set(_Reading())


def _end_request(**kwargs) -> None:
    _reading.set(None)


def _execute_wrapper(execute, sql, params, many, context):
    if not _caching():
        return execute(sql, params, many, context)
    reading = _reading.get()
    if reading is not None:
        read = tables_read(sql)
        if read:
            reading.current_versions()  # before the first read, so no entry is older than it
            reading.tables |= read
    result = execute(sql, params, many, context)
    written = tables_written(sql)
    if written:
        _bump_when_committed(context["connection"], written)
    return result


def _on_connection_created(sender, connection, **kwargs) -> None:
    if _execute_wrapper not in connection.execute_wrappers:
        connection.execute_wrappers.append(_execute_wrapper)


def install() -> None:
    connection_created.connect(_on_connection_created, dispatch_uid="core.cache.table_versions")
    request_started.connect(_begin_request, dispatch_uid="core.cache.begin_request")
    request_finished.connect(_end_request, dispatch_uid="core.cache.end_request")


# --- Reading through the cache ----------------------------------------------------------------


@dataclass
class _Entry:
    versions: dict[str, str]  # of the tables it was computed from
    value: object

    def is_current(self, versions: dict[str, str]) -> bool:
        return all(versions.get(table) == version for table, version in self.versions.items())


def _key(name: str, parts) -> str:
    digest = hashlib.sha1(repr(tuple(parts)).encode(), usedforsecurity=False).hexdigest()
    return f"entry:{name}:{digest}"


def _current_entry(key: str, versions: dict[str, str]) -> _Entry | None:
    entry = cache.get(key)
    return entry if isinstance(entry, _Entry) and entry.is_current(versions) else None


def _wait_for(key: str, versions: dict[str, str]) -> _Entry | None:
    deadline = time.monotonic() + LOCK_WAIT
    while time.monotonic() < deadline:
        time.sleep(LOCK_POLL)
        entry = _current_entry(key, versions)
        if entry is not None:
            return entry
        if not cache.has_key(f"lock:{key}"):
            return _current_entry(key, versions)
    return None


def cached(name: str, parts, compute: Callable, *, unaffected_by: frozenset[str] = frozenset()):
    """``compute()``, kept under ``name`` and ``parts`` until a table it rests on changes.

    ``parts`` must name everything the result depends on besides the data (a date, a KPI's
    code, whether the viewer sees small numbers); never a user's identity or anything that
    only one user may see. ``unaffected_by`` names tables whose later writes cannot change
    the result although it reads them (say why where you use it).
    """
    if not _caching():
        return compute()
    reading, token = _reading.get(), None
    if reading is None:  # outside a request: what this call reads is all it rests on
        reading = _Reading()
        token = _reading.set(reading)
    try:
        versions = reading.current_versions()
        if versions is _UNREACHABLE:
            return compute()
        key = _key(name, parts)
        entry = _current_entry(key, versions)
        locked = entry is None and cache.add(f"lock:{key}", 1, timeout=30)
        if entry is None and not locked:
            entry = _wait_for(key, versions)  # someone else is computing it
        if entry is not None:
            reading.tables |= entry.versions.keys()  # what contains it rests on them too
            return entry.value
        try:
            value = compute()
            if not reading.wrote and reading.versions is versions:
                rests_on = reading.tables - unaffected_by
                known = {table: versions[table] for table in rests_on if table in versions}
                if len(known) == len(rests_on):
                    cache.set(key, _Entry(known, value))
            return value
        finally:
            if locked:
                cache.delete(f"lock:{key}")
    finally:
        if token is not None:
            _reading.reset(token)


def cached_html(name: str, parts, render: Callable[[], str]) -> str:
    return mark_safe(cached(name, parts, lambda: str(render())))  # noqa: S308 - rendered by a template


def lazy(compute: Callable, *args, **kwargs) -> SimpleLazyObject:
    """``compute(*args, **kwargs)`` run only if a template uses it: on a cached page it is not."""
    return SimpleLazyObject(lambda: compute(*args, **kwargs))


# --- A Redis cache that is never the reason a page fails ------------------------------------------


_LOG_EVERY_SECONDS = 60
# After a failure this process leaves Redis alone for a few seconds rather than paying a
# connection attempt (or a timeout) on every cache call of every request.
_RETRY_AFTER_SECONDS = 2
_last_logged = 0.0
_skip_until = 0.0


def _note_unreachable(error: Exception) -> None:
    global _last_logged, _skip_until
    now = time.monotonic()
    _skip_until = now + _RETRY_AFTER_SECONDS
    if now - _last_logged >= _LOG_EVERY_SECONDS:
        _last_logged = now
        logger.warning("Cache unreachable; serving from the database: %s", error)


def _miss_on_error(default):
    def decorate(method):
        @wraps(method)
        def wrapper(self, *args, **kwargs):
            if time.monotonic() < _skip_until:
                return default(*args, **kwargs) if callable(default) else default
            try:
                return method(self, *args, **kwargs)
            except Exception as error:  # redis-py's ConnectionError, TimeoutError, ...
                _note_unreachable(error)
                return default(*args, **kwargs) if callable(default) else default

        return wrapper

    return decorate


def _default_arg(*args, default=None, **kwargs):
    return args[1] if len(args) > 1 else default


class ResilientRedisCache(RedisCache):
    """Django's Redis cache, except that an unreachable Redis reads as a miss and a write to
    it is dropped (logged at most once a minute per process), so pages fall back to the
    database. Give it short socket timeouts in OPTIONS so a hung Redis costs little."""

    get = _miss_on_error(_default_arg)(RedisCache.get)
    get_many = _miss_on_error({})(RedisCache.get_many)
    add = _miss_on_error(False)(RedisCache.add)
    set = _miss_on_error(None)(RedisCache.set)
    set_many = _miss_on_error([])(RedisCache.set_many)
    touch = _miss_on_error(False)(RedisCache.touch)
    delete = _miss_on_error(False)(RedisCache.delete)
    delete_many = _miss_on_error(None)(RedisCache.delete_many)
    has_key = _miss_on_error(False)(RedisCache.has_key)

    def is_reachable(self) -> bool:
        try:
            return bool(self._cache.get_client(write=True).ping())
        except Exception as error:
            _note_unreachable(error)
            return False


def cache_reachable() -> bool:
    """For the health check: whether the cache answers (a cache without a server always does)."""
    check = getattr(cache, "is_reachable", None)
    return check() if check else True
