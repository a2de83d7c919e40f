"""A real Celery worker, in its own process, whose report builds hang after they start.

The killed-worker test starts it, lets it claim a report, then kills it with SIGKILL,
as the kernel's OOM killer or a lost machine would.
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


def hanging_snapshot(report, progress):
    progress(5, "Started by the slow test worker")
    time.sleep(600)
    raise AssertionError("the slow test worker should have been killed by now")


tasks.build_snapshot = hanging_snapshot

if __name__ == "__main__":
    app.worker_main(
        [
            "worker",
            "--pool=solo",
            "--loglevel=WARNING",
            "--hostname=slow@localhost",
            "--without-mingle",
            "--without-gossip",
            "--without-heartbeat",
        ]
    )
