"""Which cache the settings choose, and the web server's settings file."""

import subprocess
import sys

import pytest

from tests.panel.test_settings import ROOT, run_manage

# The suite's shared fixtures snapshot the test database, which must therefore exist.
pytestmark = pytest.mark.django_db

SHOW_CACHE = (
    "from django.conf import settings; c = settings.CACHES['default']; print(c['BACKEND'], c['LOCATION'])"
)


def cache_with(**env) -> str:
    # Printing a setting connects to no database: any PostgreSQL URL will do.
    database = "postgres://postgres@127.0.0.1:5432/unused"
    environment = {"REDIS_URL": "", "CACHE_URL": "", "DATABASE_URL": database, **env}
    result = run_manage("shell", "-c", SHOW_CACHE, **environment)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_with_redis_the_cache_is_redis_and_survives_its_outages():
    assert (
        cache_with(REDIS_URL="redis://127.0.0.1:6379/3")
        == "core.cache.ResilientRedisCache redis://127.0.0.1:6379/3"
    )


def test_with_no_settings_the_cache_is_files_that_every_process_shares(tmp_path):
    assert (
        cache_with(CACHE_DIR=str(tmp_path))
        == f"django.core.cache.backends.filebased.FileBasedCache {tmp_path}"
    )


def test_an_unknown_cache_url_stops_start_up():
    result = run_manage("check", CACHE_URL="memcached://x")
    assert result.returncode != 0
    assert "CACHE_URL='memcached://x'" in result.stderr


def test_the_gunicorn_settings_file_is_valid():
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--check-config",
            "-c",
            "deploy/gunicorn.conf.py",
            "havering_cp.wsgi",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
