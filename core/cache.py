"""The portal's cache: what is computed from data that rarely changes, kept until the data changes.

Every cached entry's key carries the *data version*, a random token kept in the cache itself.
Any write to a table of the portal's apps (an INSERT, UPDATE or DELETE, whether it comes from
``save()``, a queryset's ``update()``, a bulk create or raw SQL such as the KPI import's upsert)
sets a new token as soon as the writing transaction commits, so the request after a write
computes afresh and caches under the new token; old entries are never read again and expire.
The hook is a database execute wrapper installed on every connection (``install``, called by
``CoreConfig.ready``), so no service has to remember to invalidate anything.

Nothing kept here may depend on who is asking beyond the key parts the caller gives (a role's
view, such as whether small numbers are shown). An unreachable cache is a miss: the page is
computed from the database (``ResilientRedisCache``), and ``/healthz`` reports it.
"""

import hashlib
import logging
import re
import secrets
import time
from collections.abc import Callable
from functools import wraps

from django.core.cache import cache, caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.redis import RedisCache
from django.db.backends.signals import connection_created
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import mark_safe

logger = logging.getLogger(__name__)

VERSION_KEY = "data-version"
# Writes to these tables change what cached pages show. Tables outside them (sessions,
# sign-in records, one-time-password devices) and the logs below change nothing cached.
DATA_TABLE_PREFIXES = ("actions_", "participation_", "panel_")
IGNORED_TABLES = frozenset({"participation_recordview", "panel_reminderlog"})
_WRITE = re.compile(r'(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)', re.IGNORECASE)
_CTE = re.compile(r"\s*WITH\b", re.IGNORECASE)


def _is_data_table(table: str) -> bool:
    return table.startswith(DATA_TABLE_PREFIXES) and table not in IGNORED_TABLES


def writes_portal_data(sql) -> bool:
    sql = sql if isinstance(sql, str) else str(sql)
    match = _WRITE.match(sql.lstrip())
    if match:
        return _is_data_table(match[1])
    # A data-modifying common table expression: WITH upserted AS (INSERT INTO …) SELECT …
    return bool(_CTE.match(sql)) and any(_is_data_table(table) for table in _WRITE.findall(sql))


# --- The data version ------------------------------------------------------------------------


def _new_token() -> str:
    # Random, never a counter: a version lost with a cache restart can never come back and
    # revive entries computed from older data.
    return secrets.token_hex(8)


def data_version() -> str | None:
    """The current data version, or None when the cache cannot be reached (then nothing is
    cached and every page is computed from the database)."""
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, _new_token(), timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def bump_data_version() -> None:
    """Make every cached entry stale. Called once per committed transaction that wrote data."""
    cache.set(VERSION_KEY, _new_token(), timeout=None)


def _bump_when_committed(connection) -> None:
    if isinstance(caches["default"], DummyCache):
        return  # nothing is cached, so nothing to make stale
    if connection.in_atomic_block:
        # Once per transaction: the callback is still queued if an earlier write registered it.
        if any(func is bump_data_version for _, func, _ in connection.run_on_commit):
            return
        connection.on_commit(bump_data_version, robust=True)
    else:
        bump_data_version()  # autocommit: the statement has already committed


def _execute_wrapper(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if writes_portal_data(sql):
        _bump_when_committed(context["connection"])
    return result


def _on_connection_created(sender, connection, **kwargs) -> None:
    if _execute_wrapper not in connection.execute_wrappers:
        connection.execute_wrappers.append(_execute_wrapper)


def install() -> None:
    connection_created.connect(_on_connection_created, dispatch_uid="core.cache.data_version")


# --- Reading through the cache ----------------------------------------------------------------


def _key(name: str, version: str, parts) -> str:
    digest = hashlib.sha1(repr(tuple(parts)).encode(), usedforsecurity=False).hexdigest()
    return f"{name}:{version}:{digest}"


def cached(name: str, parts, compute: Callable):
    """``compute()``, kept under ``name`` and ``parts`` until the data changes.

    ``parts`` must name everything the result depends on besides the data (a date, a KPI's
    code, whether the viewer sees small numbers); never a user's identity or anything that
    only one user may see.
    """
    version = data_version()
    if version is None:
        return compute()
    key = _key(name, version, parts)
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value)
    return value


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
