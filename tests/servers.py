"""Servers of a test's own, which it may stop and restart (never the shared ones)."""

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import psycopg2
from django.db import connection


def stop(process: subprocess.Popen, seconds: float = 30) -> None:
    """Stop a server or worker of a test's own as a supervisor does: SIGTERM (a Celery
    worker's warm shutdown), then SIGKILL if it has not ended within ``seconds``."""
    process.terminate()
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_postgres(command: list[str]) -> list[str]:
    # initdb refuses to run as root; .ci and this machine run as root.
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def _pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else shutil.which(name) or name


@contextmanager
def private_postgres():
    """A PostgreSQL server of our own on a free port; yields (url, restart(seconds_down))."""
    folder = Path(tempfile.mkdtemp(prefix="hcp-load-pg-"))
    data = folder / "data"
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    port = free_port()
    subprocess.run(
        _as_postgres([_pg_bin("initdb"), "-D", str(data), "-U", "postgres", "-A", "trust"]),
        check=True,
        capture_output=True,
        timeout=120,
    )
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=on"
    pg_ctl = [_pg_bin("pg_ctl"), "-D", str(data), "-l", str(folder / "log"), "-w", "-t", "60"]
    subprocess.run(
        _as_postgres([*pg_ctl, "-o", options, "start"]), check=True, capture_output=True, timeout=90
    )

    def restart(seconds_down: float) -> None:
        subprocess.run(
            _as_postgres([*pg_ctl, "-m", "fast", "stop"]), check=True, capture_output=True, timeout=90
        )
        time.sleep(seconds_down)
        subprocess.run(
            _as_postgres([*pg_ctl, "-o", options, "start"]), check=True, capture_output=True, timeout=90
        )

    try:
        yield f"postgres://postgres@127.0.0.1:{port}", restart
    finally:
        subprocess.run(_as_postgres([*pg_ctl, "-m", "immediate", "stop"]), capture_output=True, timeout=90)
        shutil.rmtree(folder, ignore_errors=True)


def drop_database_connection() -> None:
    """End Django's database connection from the server's side, as a PostgreSQL restart does
    (on the shared server too: it ends only this connection)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    db = connection.settings_dict
    other = psycopg2.connect(dbname=db["NAME"], user=db["USER"], host=db["HOST"], port=db["PORT"] or 5432)
    try:
        other.autocommit = True
        other.cursor().execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        other.close()
