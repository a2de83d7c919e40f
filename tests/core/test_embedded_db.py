"""The embedded PostgreSQL a developer's machine uses when DATABASE_URL is not set.

Each test runs the launcher in processes of its own, on a data folder of its own, as
``make run``'s web server, worker and beat (or pytest-xdist's processes) do.
"""

import json
import os
import signal
import subprocess
import sys
import time

import psutil
import psycopg2
import pytest

from tests.panel.test_settings import ROOT, run_manage

# The suite's shared fixtures snapshot the test database, which must therefore exist.
pytestmark = pytest.mark.django_db

# A process that joins the server in the folder given, prints its settings, and holds on
# until its standard input closes.
JOIN = """
import json, sys
from core.embedded_db import database_settings
print(json.dumps(database_settings(sys.argv[1])), flush=True)
sys.stdin.read()
"""


def join(pgdata):
    process = subprocess.Popen(
        [sys.executable, "-c", JOIN, str(pgdata)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    line = process.stdout.readline()
    assert line, f"the launcher exited with {process.wait(timeout=30)}"
    return process, json.loads(line)


def leave(process):
    process.stdin.close()
    assert process.wait(timeout=60) == 0


def servers(pgdata):
    """The PostgreSQL postmasters running on ``pgdata``."""
    found = []
    for proc in psutil.process_iter(["name", "cmdline"]):
        cmdline = proc.info["cmdline"] or []
        if proc.info["name"] == "postgres" and str(pgdata) in cmdline:
            found.append(proc.pid)
    return found


def answers(settings) -> int:
    connection = psycopg2.connect(
        dbname=settings["NAME"], user=settings["USER"], host=settings["HOST"], port=settings["PORT"]
    )
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone()[0]
    finally:
        connection.close()


def wait_until_stopped(pgdata, timeout=20.0):
    deadline = time.monotonic() + timeout
    while servers(pgdata) and time.monotonic() < deadline:
        time.sleep(0.2)
    return servers(pgdata)


@pytest.fixture
def pgdata(tmp_path):
    folder = tmp_path / "pgdata"
    yield folder
    # Whatever a failing test left running is stopped.
    for pid in servers(folder):
        os.kill(pid, signal.SIGTERM)


def test_processes_share_one_server_and_the_last_to_exit_stops_it(pgdata):
    first, settings = join(pgdata)
    second, same = join(pgdata)

    assert same == settings
    assert settings["ENGINE"] == "django.db.backends.postgresql"
    assert settings["NAME"] == "havering_cp"
    assert settings["HOST"].startswith("/")  # a socket folder, not a TCP host
    assert len(servers(pgdata)) == 1
    assert answers(settings) == 1

    leave(first)
    assert answers(settings) == 1  # still there for the second
    leave(second)
    assert wait_until_stopped(pgdata) == []


def test_a_process_killed_outright_does_not_keep_the_server_running(pgdata):
    killed, _ = join(pgdata)
    survivor, _ = join(pgdata)
    killed.kill()  # as honcho's SIGKILL, or the OOM killer: no exit handlers run
    killed.wait(timeout=10)

    leave(survivor)

    assert wait_until_stopped(pgdata) == []


def test_the_last_process_stopped_with_sigterm_stops_the_server(pgdata):
    """honcho stops ``make run``'s web server (runserver) with SIGTERM."""
    web, _ = join(pgdata)
    web.send_signal(signal.SIGTERM)
    assert web.wait(timeout=60) == 128 + signal.SIGTERM

    assert wait_until_stopped(pgdata) == []


def test_a_server_left_by_killed_processes_is_joined_and_then_stopped(pgdata):
    killed, settings = join(pgdata)
    killed.kill()
    killed.wait(timeout=10)
    assert len(servers(pgdata)) == 1

    later, same = join(pgdata)
    assert same == settings
    leave(later)

    assert wait_until_stopped(pgdata) == []


def test_without_database_url_the_settings_use_the_embedded_server():
    show = (
        "from django.conf import settings; d = settings.DATABASES['default']; print(d['ENGINE'], d['HOST'])"
    )
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", show],
        cwd=ROOT,
        env={**environment, "DJANGO_SETTINGS_MODULE": "havering_cp.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    engine, host = result.stdout.strip().splitlines()[-1].split()
    assert engine == "django.db.backends.postgresql"
    assert host.startswith(str(ROOT / ".pgdata"))


def test_a_database_url_that_is_not_postgresql_stops_start_up():
    result = run_manage("check", DATABASE_URL="mysql://user:pass@localhost/portal")
    assert result.returncode != 0
    assert "DATABASE_URL must be a PostgreSQL URL" in result.stderr
