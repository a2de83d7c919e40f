"""Fixtures shared by the whole suite, and the rule for tests that need a service.

A test that needs Redis or Chromium calls ``require_service``: without the
service it skips with the reason, and under REQUIRE_SERVICES=1 (CI) it fails instead.
"""

import os
import shutil
import socket
import subprocess
import time
import uuid
from contextlib import contextmanager
from types import SimpleNamespace

import kombu.pools
import pytest
from celery.contrib.testing.worker import start_worker
from django.apps import apps
from django.core.cache import caches
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection
from django.test.client import ClientMixin

from actions.roles import Role
from havering_cp.celery import app as celery_app
from tests.factories import UserFactory
from tests.mfa import mark_verified

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")

# Playwright's sync API runs an event loop in the test thread; the ORM calls made
# by the same tests are still synchronous, so Django's async guard must stand aside.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def migrated_data(django_db_setup, django_db_blocker) -> str:
    """The freshly migrated database (roles, strategy, KPI library, groups), serialized."""
    with django_db_blocker.unblock():
        return connection.creation.serialize_db_to_string()


@pytest.fixture(autouse=True)
def _migrated_data_for_transactional_tests(request, migrated_data):
    """Give every transactional test the data that migrations load.

    A transactional test (browser, real worker) flushes the database when it ends,
    taking that data with it. Django's serialized rollback would restore it but keeps
    its copy on the connection object, and inside Playwright's event loop a test sees
    another connection object; so the copy lives here and is restored before each
    transactional test.
    """
    marker = request.node.get_closest_marker("django_db")
    transactional = (
        marker and marker.kwargs.get("transaction")
    ) or "transactional_db" in request.fixturenames
    if not transactional:
        return
    request.getfixturevalue("transactional_db")
    call_command("flush", verbosity=0, interactive=False, inhibit_post_migrate=True)
    connection.creation.deserialize_db_from_string(migrated_data)
    # The rows come back with their ids; move each sequence past them (flush reset them).
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), apps.get_models()):
            cursor.execute(statement)


@pytest.fixture(autouse=True)
def _force_login_passes_two_factor(monkeypatch):
    """``client.force_login(user)`` signs in with the second factor done, as a real sign-in would end.

    Accounts that must use two-factor sign-in (IV coordinators, administrators) are
    otherwise sent to enter a code; ``force_login(user, verified=False)`` leaves them there.
    """
    original = ClientMixin.force_login

    def force_login(self, user, backend=None, *, verified=True):
        original(self, user, backend)
        if verified:
            mark_verified(self, user)

    monkeypatch.setattr(ClientMixin, "force_login", force_login)


def require_service(available: bool, reason: str) -> None:
    if available:
        return
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason}, and REQUIRE_SERVICES=1 says every service must be here")
    pytest.skip(reason)


def redis_url() -> str:
    url = os.environ.get("REDIS_URL", "")
    require_service(url.startswith("redis://"), "needs Redis (set REDIS_URL)")
    return url


def chromium_path() -> str:
    require_service(
        os.access(CHROMIUM, os.X_OK) or bool(shutil.which("chromium")),
        f"needs Chromium at {CHROMIUM} (apt-get install chromium)",
    )
    return CHROMIUM if os.access(CHROMIUM, os.X_OK) else shutil.which("chromium")


ROLE_KEYS = {
    "panel": Role.PANEL_MEMBER,
    "lead": Role.SUBGROUP_LEAD,
    "other_lead": Role.SUBGROUP_LEAD,
    "participation": Role.PARTICIPATION_OFFICER,
    "ivstaff": Role.IV_COORDINATOR,
    "admin": Role.ADMINISTRATOR,
}


@pytest.fixture
def users(db):
    """One user per role, plus a second subgroup lead who leads nothing of the first's."""
    return {key: UserFactory(username=f"t-{key}", role=role) for key, role in ROLE_KEYS.items()}


@pytest.fixture
def panel_user(users):
    return users["panel"]


@pytest.fixture
def lead_user(users):
    return users["lead"]


@pytest.fixture
def admin_user(users):
    return users["admin"]


@pytest.fixture
def admin_client(client, admin_user):
    """The test client, signed in as the administrator (pytest-django's makes a second client)."""
    client.force_login(admin_user)
    return client


@pytest.fixture
def media(settings, tmp_path):
    """Uploaded and stored files go to this test's own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _reset_broker_pools() -> None:
    """Forget cached broker connections so the next send uses the current broker URL.

    Celery's pools are kombu's global pools, keyed by broker URL: they are closed and
    emptied together, then the app's references to them dropped.
    """
    kombu.pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@contextmanager
def broker(url: str):
    """Point the Celery app (senders and workers in this process) at another broker."""
    previous = celery_app.conf.broker_url
    celery_app.conf.broker_url = url
    _reset_broker_pools()
    try:
        yield url
    finally:
        celery_app.conf.broker_url = previous
        _reset_broker_pools()


def real_worker(name: str = "test"):
    """A real Celery worker in a thread of this process (celery.contrib.testing)."""
    return start_worker(
        celery_app,
        pool="solo",
        perform_ping_check=False,
        shutdown_timeout=60,
        # One name per test process under pytest-xdist: workers of two processes never answer as one.
        hostname=f"{name}{os.environ.get('PYTEST_XDIST_WORKER', '')}@localhost",
    )


@pytest.fixture
def celery_worker(transactional_db):
    """A real Celery worker, in a thread, consuming from Redis (the configured broker).

    The queue is purged first so that nothing left by an earlier test is run.
    """
    redis_url()
    require_service(celery_app.conf.broker_url.startswith("redis://"), "the broker is not Redis")
    celery_app.control.purge()
    with real_worker():
        yield celery_app


def wait_for(predicate, *, timeout: float = 20.0, interval: float = 0.1):
    """Poll until ``predicate()`` is truthy; the task paths report through the database."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {predicate}")


def cache_settings(url: str) -> dict:
    """The production cache (core.cache.ResilientRedisCache) at ``url``, under a key prefix of
    its own so that tests never see each other's entries."""
    return {
        "default": {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
            "TIMEOUT": 60,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


@pytest.fixture
def redis_cache(settings):
    """Turn on the cache (Redis, as in production) for one test; the suite runs without one."""
    settings.CACHES = cache_settings(redis_url())
    cache = caches["default"]
    yield cache
    client = cache._cache.get_client(write=True)  # this one, whatever the test set since
    for key in client.scan_iter(f"{cache.key_prefix}:*"):
        client.delete(key)


@pytest.fixture(autouse=True)
def _real_cache_when_asked(request):
    """With TEST_REAL_CACHE=1 (``make test-cached``) every test has the cache on Redis, as in
    production (``redis_cache``), instead of the suite's dummy cache."""
    if os.environ.get("TEST_REAL_CACHE") == "1" and not {"redis_cache", "private_redis"} & set(
        request.fixturenames
    ):
        request.getfixturevalue("redis_cache")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_open(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


def start_redis(port: int) -> subprocess.Popen:
    """A throwaway redis-server on this port (nothing saved), once it answers."""
    server = subprocess.Popen(
        [
            shutil.which("redis-server"),
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
    )
    wait_for(lambda: port_open(port), timeout=10)
    return server


@pytest.fixture
def private_redis():
    """A redis-server of this test's own on a free port, which the test may stop."""
    require_service(bool(shutil.which("redis-server")), "needs redis-server to stop and start one")
    port = free_port()
    server = start_redis(port)
    try:
        yield SimpleNamespace(url=f"redis://127.0.0.1:{port}/0", server=server)
    finally:
        if server.poll() is None:
            server.terminate()
            server.wait(timeout=10)
