"""A real Celery worker with a prefork pool of one process, as in production, whose first
report build hangs after it starts and writes its pool process's id to ``HANG_MARKER``;
later builds run normally. The test kills that pool process with SIGKILL (the OOM killer)
and watches the worker's next process build the report again.
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "havering_cp.settings_test")

import django

django.setup()

from havering_cp.celery import app  # noqa: E402
from panel import tasks  # noqa: E402

real_snapshot = tasks.build_snapshot
marker = Path(os.environ["HANG_MARKER"])


def first_build_hangs(report, progress):
    if not marker.exists():
        marker.write_text(str(os.getpid()))
        progress(5, "Started by the killable test worker")
        time.sleep(600)
    return real_snapshot(report, progress)


tasks.build_snapshot = first_build_hangs

if __name__ == "__main__":
    app.worker_main(
        [
            "worker",
            "--pool=prefork",
            "--concurrency=1",
            "--loglevel=WARNING",
            "--hostname=killable@localhost",
            "--without-mingle",
            "--without-gossip",
            "--without-heartbeat",
        ]
    )
