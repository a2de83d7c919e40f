"""``make run``'s processes (web, Celery worker, beat under honcho) stop cleanly on Ctrl-C."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
from urllib.parse import urlsplit

import pytest
import requests
from django.db import connection

from tests.panel.test_settings import ROOT

# The suite's shared fixtures snapshot the test database, which must therefore exist.
pytestmark = pytest.mark.django_db

# The honcho command of the Makefile, as `make run` starts it.
HONCHO = re.search(
    r"^HONCHO := \$\(BIN\)/python -c '(?P<code>[^']+)'$", (ROOT / "Makefile").read_text(), re.MULTILINE
)["code"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=1).status_code == 200
    except requests.RequestException:
        return False


def test_ctrl_c_stops_web_worker_and_beat_without_errors_or_kills(tmp_path):
    port = _free_port()
    environment = {key: value for key, value in os.environ.items() if not key.startswith("REDIS_")}
    # The demo's own broker and cache (no Redis), in folders of this test's own.
    environment |= {
        "CELERY_DATA_DIR": str(tmp_path / "celery"),
        "CACHE_DIR": str(tmp_path / "cache"),
        "DJANGO_SETTINGS_MODULE": "havering_cp.settings",
    }
    if "DATABASE_URL" in environment:
        # The test database (CI's DATABASE_URL names a database no one has created).
        url = urlsplit(environment["DATABASE_URL"])
        environment["DATABASE_URL"] = url._replace(path=f"/{connection.settings_dict['NAME']}").geturl()
    log_path = tmp_path / "honcho.log"
    with log_path.open("w") as log:
        honcho = subprocess.Popen(
            [sys.executable, "-c", HONCHO, "--procfile", "Procfile.dev", "start", "--port", str(port)],
            cwd=ROOT,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline and honcho.poll() is None:
                output = log_path.read_text()
                ready = "ready." in output and "beat: Starting" in output
                if ready and _answers(f"http://127.0.0.1:{port}/accounts/login/"):
                    break
                time.sleep(0.5)
            else:
                pytest.fail(f"make run's processes did not start:\n{log_path.read_text()[-3000:]}")

            honcho.send_signal(signal.SIGINT)  # what Ctrl-C sends honcho
            honcho.wait(timeout=60)
        finally:
            if honcho.poll() is None:
                honcho.kill()
                honcho.wait()
    output = log_path.read_text()
    # What the stop printed (before it, a task beat happened to send at an hour's 5th minute
    # could fail against a database no one migrated: not what this test is about).
    stopping = output[output.index("SIGINT received") :]
    for name in ("web.1", "worker.1", "beat.1"):
        assert f"{name} stopped" in stopping, stopping
    assert "SIGKILL" not in stopping, stopping
    assert "ERROR" not in stopping, stopping
