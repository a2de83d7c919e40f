"""gunicorn's settings for the portal: ``gunicorn -c deploy/gunicorn.conf.py havering_cp.wsgi``.

Each can be changed from the environment (the names below), so one file serves every
machine. Chosen for a small server (2 cores) behind a TLS-terminating proxy.
"""

import gc
import multiprocessing
import os


def _int(name: str, default: int) -> int:
    value = int(os.environ.get(name, default))
    if value < 0:
        raise ValueError(f"{name} must not be negative")
    return value


bind = os.environ.get("GUNICORN_BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")

# Processes for the CPU (rendering is Python), threads to overlap the waits on PostgreSQL and
# Redis. 2 × cores + 1 processes is gunicorn's own advice; 4 threads each keeps one process's
# database connections (one per thread) modest: 5 × 4 = 20 on 2 cores.
workers = _int("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1)
worker_class = "gthread"
threads = _int("GUNICORN_THREADS", 4)

# A gthread worker whose main loop stops answering for this long is replaced. This does NOT
# stop a slow request: the loop keeps beating while a request thread works (measured: a 12 s
# request under timeout=5 answered 200). What bounds a request is said in docs/security.md:
# PostgreSQL cancels any statement after DATABASE_STATEMENT_TIMEOUT_MS, uploads are limited
# in size, and everything long (imports, reports) runs in Celery, never in the request.
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Longer than the idle timeout of whatever keeps connections open to us (a proxy's upstream
# pool, a browser): otherwise a request sent just as gunicorn closes the idle connection is
# reset. Idle connections cost a gthread worker nothing but a file descriptor.
keepalive = _int("GUNICORN_KEEPALIVE", 75)

# Replace each worker after a while, spread out so they never restart together: bounds any
# slow growth of memory.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 200)

# Load Django once before forking: workers start fast and share memory. No database or Redis
# connection is opened at import time, so none is shared between processes.
preload_app = True


def pre_fork(server, worker):
    """Freeze what the master loaded (Django, every view, the compiled templates) before each
    fork, as Python's gc.freeze documentation advises for a forking server: a worker's full
    garbage collections then skip those objects. Measured in the meeting-morning load test: a
    worker's full collection paused all its threads for 160–200 ms about every 20 s; frozen,
    one collection of 37 ms in a minute. The pages stay shared between processes, too."""
    gc.freeze()


# Heartbeat files in memory, not on a disk that may stall.
_SHM = "/dev/shm"  # noqa: S108 - gunicorn's heartbeat files, not data
worker_tmp_dir = _SHM if os.path.isdir(_SHM) else None

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None  # empty: no access log
# The path without its query string, and no referrer: a search (the admin's ?q=…) or a
# filter may hold a child's reference, which must not land in the access log.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)s "%(a)s"'
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Only trust X-Forwarded-* from the proxy on this host (gunicorn's default), unless told otherwise.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Web requests may not hold the database for long: PostgreSQL cancels a statement after this
# (the request gets the error page).
os.environ.setdefault("DATABASE_STATEMENT_TIMEOUT_MS", "20000")
