"""The portal's cache: pages and fragments computed from data that rarely changes, kept until
the tables they rest on change.

Each table of the portal's apps has a *version*, a random token kept in the cache itself. Any
write to a table (an INSERT, UPDATE or DELETE, whether it comes from ``save()``, a queryset's
``update()``, a bulk create or raw SQL such as the KPI import's upsert) gives that table a new
token as soon as the writing transaction commits: a database execute wrapper installed on every
connection (``install``, called by ``CoreConfig.ready``) sees the statement, so no service has
to remember to invalidate anything. A write from outside Django (psql, a restore) must be
followed by ``manage.py bump_cache`` (docs/operations.md).

Every entry names, where it is cached, the tables it rests on (``cached(…, tables=…)``, or
``{% cached … on "…" %}`` in a template), and is kept with their versions as they were read
before it was computed; it is served only while all of them are still current, except that
an entry marked ``stale_while_computing`` (pages shared by many, never one person's own) is
served as it was to others while one request computes it again after a write.

Who may see an entry: it is shared by everyone who asks with the same key parts. The parts
name everything the entry depends on besides the data: a date, a KPI's code, the cleaned
filters and page, a role's view (whether the viewer sees small numbers, may manage the plan),
and the user's id for a page that is theirs alone ("My actions"). Nothing else that differs
between users may be inside an entry: their name in the header, CSRF tokens and forms that post
stay outside it.

Keys carry the database's identity (its name and a random id stored in it), so two databases
on one Redis (a restored copy beside the original, say) never serve each other's entries.

An unreachable cache (Redis's connection and timeout errors only) is a miss: the page is
computed from the database (``ResilientRedisCache``), and ``/healthz`` reports it. A version
bump that cannot be written is kept by the process and written again every
``RETRY_BUMP_SECONDS`` until it is; until then the process serves nothing from the cache.

django-cachalot keeps per-table invalidation too, but caches query results (the rendering cost
stays) and would cache every query of the portal; here only named pages and fragments are kept.
"""

import hashlib
import logging
import pickle
import re
import secrets
import threading
import time
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache as once
from functools import wraps

from django.apps import apps
from django.core.cache import cache, caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.redis import RedisCache
from django.db import ProgrammingError, connection, transaction
from django.db.backends.signals import connection_created
from django.dispatch import Signal
from django.utils.safestring import mark_safe
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# What "the cache cannot be reached" means; any other error is a fault and is raised.
UNREACHABLE_ERRORS = (RedisConnectionError, RedisTimeoutError)
VERSION_PREFIX = "table-version:"
# Writes to these tables change what cached pages show. Tables outside them (sessions,
# sign-in records, one-time-password devices) and the logs below change nothing cached.
DATA_APPS = ("actions", "participation", "panel")
DATA_TABLE_PREFIXES = tuple(f"{app}_" for app in DATA_APPS)
IGNORED_TABLES = frozenset({"participation_recordview", "panel_reminderlog"})
_WRITE = re.compile(r'(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)', re.IGNORECASE)
_CTE = re.compile(r"\s*WITH\b", re.IGNORECASE)
# While one request computes an entry, others that want it wait this long for it rather than
# compute it too (each polling every LOCK_POLL seconds), then compute it themselves.
LOCK_WAIT = 2.0
LOCK_POLL = 0.02
# An entry larger than this (pickled) is not kept: one page cannot fill the cache.
MAX_ENTRY_BYTES = 512 * 1024
# A version bump that could not be written is tried again this often, until it is.
RETRY_BUMP_SECONDS = 0.5

# Sent (``tables``: a frozenset of table names) once new versions of tables have been written,
# in whichever thread wrote them (a request's, after its transaction committed): a receiver
# must be quick and never raise (``panel.warm`` queues the pages to compute again).
tables_changed = Signal()


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


def tables_named(names: Iterable[str]) -> frozenset[str]:
    """The tables ``names`` stands for: each a portal table, or an app of ``DATA_APPS`` for
    all of its tables. A name that is neither is a mistake in the code, and raises."""
    tables: set[str] = set()
    for name in names:
        if name in DATA_APPS:
            tables |= {table for table in data_tables() if table.startswith(f"{name}_")}
        elif name in data_tables():
            tables.add(name)
        else:
            raise ValueError(f"{name!r} is neither a portal table nor one of the apps {DATA_APPS}")
    return frozenset(tables)


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


def caching() -> bool:
    """Whether there is a cache (the test settings' dummy cache is none)."""
    return not isinstance(caches["default"], DummyCache)


# --- Table versions -----------------------------------------------------------------------------


def _new_token() -> str:
    # Random, never a counter: a version lost with a cache restart (or evicted) can never come
    # back and revive entries computed from older data.
    return secrets.token_hex(8)


_identities: dict[str, str] = {}


def database_identity() -> str | None:
    """The database's name and the random token stored in it (read once per process): a part
    of every key, so that two databases on one Redis never share a version or an entry. None
    while the database has no such table yet (being migrated): nothing can be cached for it."""
    from .models import DatabaseIdentity

    name = connection.settings_dict["NAME"]
    if name not in _identities:
        try:
            with transaction.atomic():
                identity, _ = DatabaseIdentity.objects.get_or_create(
                    pk=1, defaults={"token": secrets.token_hex(16)}
                )
        except ProgrammingError:
            return None
        _identities[name] = f"{name}:{identity.token}"
    return _identities[name]


def _version_key(table: str) -> str:
    return f"{VERSION_PREFIX}{database_identity()}:{table}"


def table_versions(tables: Iterable[str] | None = None) -> dict[str, str] | None:
    """The current version of each of ``tables`` (default: every portal table), in one round
    trip, or None when the cache cannot be reached."""
    versions, _ = _versions_and(data_tables() if tables is None else tables)
    return versions


def _versions_and(tables: Iterable[str], *keys: str) -> tuple[dict[str, str] | None, dict]:
    """The tables' versions (None when the cache cannot be reached) and whichever of ``keys``
    the cache holds, read in one round trip."""
    if database_identity() is None:
        return None, {}
    by_key = {_version_key(table): table for table in tables}
    found = cache.get_many([*by_key, *keys])
    others = {key: found.pop(key) for key in keys if key in found}
    missing = [key for key in by_key if key not in found]
    if missing:
        for key in missing:
            cache.add(key, _new_token(), timeout=None)
        found.update(cache.get_many(missing))
    if len(found) < len(by_key):
        return None, others
    return {by_key[key]: version for key, version in found.items()}, others


_owed: set[str] = set()  # tables whose new version this process has not written yet
_owed_lock = threading.Lock()
_retry: threading.Timer | None = None


def bump_tables(tables) -> bool:
    """Make every entry resting on these tables stale: now (True), or as soon as the cache
    answers again (False; until then this process serves nothing from the cache)."""
    with _owed_lock:
        _owed.update(tables)
    return _write_owed_versions()


def bump_all_tables() -> bool:
    """Make every cached entry stale."""
    return bump_tables(data_tables())


def _write_owed_versions() -> bool:
    """Write the version bumps this process owes; False while they cannot be written (then
    the process serves nothing from the cache, and tries again in the background)."""
    with _owed_lock:
        tables = set(_owed)
    if not tables:
        return True
    if database_identity() is None:  # no entry can rest on a database without one
        with _owed_lock:
            _owed.difference_update(tables)
        return True
    write = getattr(cache, "set_many_or_raise", cache.set_many)
    try:
        write({_version_key(table): _new_token() for table in tables}, timeout=None)
    except UNREACHABLE_ERRORS as error:
        _note_unreachable(error)
        _retry_later()
        return False
    with _owed_lock:
        _owed.difference_update(tables)
    tables_changed.send_robust(sender=None, tables=frozenset(tables))
    return True


def _retry_later() -> None:
    global _retry
    with _owed_lock:
        if _retry is not None:
            return
        _retry = threading.Timer(RETRY_BUMP_SECONDS, _retry_now)
        _retry.daemon = True
        _retry.start()


def _retry_now() -> None:
    global _retry
    with _owed_lock:
        _retry = None
    _write_owed_versions()


class _BumpOnCommit:
    """The one on-commit callback of a transaction, bumping every table it wrote."""

    def __init__(self):
        self.tables: set[str] = set()
        self.done = False
        self.__qualname__ = "core.cache bump on commit"  # how Django's log names it if it raises

    def __call__(self) -> None:
        self.done = True
        bump_tables(self.tables)


def _pending_bump(connection) -> "_BumpOnCommit | None":
    return next(
        (f for _, f, _ in connection.run_on_commit if isinstance(f, _BumpOnCommit) and not f.done), None
    )


def _in_transaction(connection) -> bool:
    # A test case's own transaction (never committed, rolled back after the test) stands for
    # autocommit, as Django's ``durable`` check takes it: its writes count as committed.
    return any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


def _bump_when_committed(connection, tables: frozenset[str]) -> None:
    if _in_transaction(connection):
        # A savepoint rolled back drops the callback with it; then the next write adds another.
        pending = _pending_bump(connection)
        if pending is None:
            pending = _BumpOnCommit()
            connection.on_commit(pending, robust=True)
        pending.tables |= tables
    else:
        bump_tables(tables)  # autocommit: the statement has already committed


def _execute_wrapper(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if caching():
        written = tables_written(sql)
        if written:
            _bump_when_committed(context["connection"], written)
    return result


def _on_connection_created(sender, connection, **kwargs) -> None:
    if _execute_wrapper not in connection.execute_wrappers:
        connection.execute_wrappers.append(_execute_wrapper)


def install() -> None:
    connection_created.connect(_on_connection_created, dispatch_uid="core.cache.table_versions")


# --- Reading through the cache ----------------------------------------------------------------


@dataclass
class _Entry:
    versions: dict[str, str]  # of the tables it rests on
    value: object


def _key(name: str, parts) -> str:
    digest = hashlib.sha1(repr(tuple(parts)).encode(), usedforsecurity=False).hexdigest()
    return f"entry:{database_identity()}:{name}:{digest}"


def _current_entry(key: str, versions: dict[str, str]) -> _Entry | None:
    entry = cache.get(key)
    return entry if isinstance(entry, _Entry) and entry.versions == versions else None


def _unreachable() -> bool:
    return time.monotonic() < _skip_until


def _lock_key(key: str, versions: dict[str, str]) -> str:
    # One lock per entry *and* versions: a request that read newer versions (a write landed
    # while an older entry was being computed) does not wait for a value it cannot use.
    digest = hashlib.sha1(repr(sorted(versions.items())).encode(), usedforsecurity=False).hexdigest()
    return f"lock:{key}:{digest[:16]}"


def _entry_or_lock(
    key: str, versions: dict[str, str], entry: object, *, stale_while_computing: bool = False
) -> tuple[_Entry | None, str | None]:
    """The current entry (``entry``, as read with the versions, if it is current), or the lock
    to compute it: while another request holds that lock, wait for it to be let go (up to
    ``LOCK_WAIT``), then take the entry it left, or the lock if it left none. Then (None,
    None): compute it anyway. With ``stale_while_computing``, a request that finds the lock
    held takes the entry as it was (``entry``, if there is one) at once instead of waiting.

    Waiting asks only for the lock (a few bytes), never for the entry, which may be large."""
    if isinstance(entry, _Entry) and entry.versions == versions:
        return entry, None
    lock = _lock_key(key, versions)
    deadline = time.monotonic() + LOCK_WAIT
    waited = False
    while True:
        if cache.add(lock, 1, timeout=30):
            entry = _current_entry(key, versions) if waited else None
            if entry is None:
                return None, lock
            cache.delete(lock)
            return entry, None
        if stale_while_computing and isinstance(entry, _Entry):
            return entry, None
        if _unreachable() or time.monotonic() >= deadline:
            return None, None
        waited = True
        time.sleep(LOCK_POLL)


_keep_alive: ContextVar[bool] = ContextVar("keep_alive", default=False)


@contextmanager
def keeping_alive():
    """Within: an entry read while current is kept for another full timeout (``panel.warm``
    reads the pages people open first often enough that their entries never expire)."""
    token = _keep_alive.set(True)
    try:
        yield
    finally:
        _keep_alive.reset(token)


def cached(
    name: str, parts, compute: Callable, *, tables: Iterable[str], stale_while_computing: bool = False
):
    """``compute()``, kept under ``name`` and ``parts`` until one of ``tables`` changes.

    ``tables`` names every table the result rests on (or an app, for all of its tables; see
    ``tables_named``). ``parts`` names everything else it depends on (see the module's
    docstring for what may and may not be one). Inside a transaction that has written, the
    value is computed and not kept (it may rest on rows no one else can see yet).

    Requests that miss the same entry at the same versions compute it once: one computes, the
    others wait for it. A value computed while one of its tables changed is not kept (it
    would only replace a newer one).

    ``stale_while_computing``: while one request computes the entry again, the others are
    served the entry as it was before the write, at once, rather than wait for it. For pages
    shared by many whose figures may lag a write by the time one computation takes (the
    dashboard's parts, the plan); never for a page that is one person's own, which must show
    what they have just done.
    """
    if not caching() or not _write_owed_versions() or _pending_bump(connection) is not None:
        return compute()
    tables = tables_named(tables)
    key = _key(name, parts)
    versions, kept = _versions_and(tables, key)  # one round trip when the entry is current
    if versions is None:
        return compute()
    entry, lock = _entry_or_lock(key, versions, kept.get(key), stale_while_computing=stale_while_computing)
    if entry is not None:
        if _keep_alive.get():
            cache.touch(key)
        return entry.value
    try:
        value = compute()
        entry = _Entry(versions, value)
        if len(pickle.dumps(entry, pickle.HIGHEST_PROTOCOL)) <= MAX_ENTRY_BYTES and (
            table_versions(tables) == versions
        ):
            cache.set(key, entry)
        return value
    finally:
        if lock:
            cache.delete(lock)


def cached_html(
    name: str, parts, render: Callable[[], str], *, tables: Iterable[str], stale_while_computing: bool = False
) -> str:
    html = cached(
        name, parts, lambda: str(render()), tables=tables, stale_while_computing=stale_while_computing
    )
    return mark_safe(html)  # noqa: S308 - from a template


# --- A Redis cache that is never the reason a page fails ------------------------------------------


_LOG_EVERY_SECONDS = 60
# After a failure this process leaves Redis alone for a few seconds rather than paying a
# connection attempt (or a timeout) on every cache call of every request. Version bumps are
# not left: they are owed until written (``_write_owed_versions``).
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
            except UNREACHABLE_ERRORS as error:
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
    # For version bumps, which must not be dropped.
    set_many_or_raise = RedisCache.set_many

    def is_reachable(self) -> bool:
        try:
            return bool(self._cache.get_client(write=True).ping())
        except UNREACHABLE_ERRORS as error:
            _note_unreachable(error)
            return False


def cache_reachable() -> bool:
    """For the health check: whether the cache answers (a cache without a server always does)."""
    check = getattr(cache, "is_reachable", None)
    return check() if check else True
