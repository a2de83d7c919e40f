"""Fixtures shared by the whole suite, and the rule for tests that need a service.

A test that needs PostgreSQL, Redis or Chromium calls ``require_service``: without the
service it skips with the reason, and under REQUIRE_SERVICES=1 (CI) it fails instead.
"""

import os
import shutil
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import connection, migrations
from django.db.migrations.executor import MigrationExecutor

from actions.roles import Role
from havering_cp.celery import app as celery_app
from tests.factories import UserFactory

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")

# Playwright's sync API runs an event loop in the test thread; the ORM calls made
# by the same tests are still synchronous, so Django's async guard must stand aside.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def require_service(available: bool, reason: str) -> None:
    if available:
        return
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason}, and REQUIRE_SERVICES=1 says every service must be here")
    pytest.skip(reason)


def require_postgres() -> None:
    require_service(connection.vendor == "postgresql", "needs PostgreSQL (set DATABASE_URL)")


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
def celery_worker(transactional_db):
    """A real Celery worker, in a thread, consuming from Redis (the configured broker)."""
    redis_url()
    require_service(celery_app.conf.broker_url.startswith("redis://"), "the broker is not Redis")
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield celery_app


@pytest.fixture
def migrated_data(transactional_db):
    """What the data migrations put in the database (the strategy, the KPI library, the
    roles and their permissions), for a test that runs outside a transaction: the flush
    that ends such a test removes it for the next one. Every data migration runs again,
    in order, against the final model state; each is idempotent."""
    executor = MigrationExecutor(connection)
    apps = executor.loader.project_state().apps
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes(), clean_start=True)
    with connection.schema_editor() as schema_editor:
        for migration, _backwards in plan:
            for operation in migration.operations:
                if isinstance(operation, migrations.RunPython):
                    operation.code(apps, schema_editor)


@pytest.fixture(autouse=True)
def _migrated_data_outside_transactions(request):
    """Every test that runs outside a transaction (a real worker, a browser) starts with
    the data migrations' rows, whatever ran before it."""
    marker = request.node.get_closest_marker("django_db")
    if (
        "transactional_db" in request.fixturenames
        or "live_server" in request.fixturenames
        or (marker is not None and marker.kwargs.get("transaction"))
    ):
        request.getfixturevalue("migrated_data")


def wait_for(predicate, *, timeout: float = 20.0, interval: float = 0.1):
    """Poll until ``predicate()`` is truthy; the task paths report through the database."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {predicate}")
