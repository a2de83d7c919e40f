"""Loaded only by `make test-another-day` (on PYTHONPATH there), never by the suite itself.

libfaketime moves the clock; Python's time.sleep then fails with EINVAL (libfaketime
rewrites the absolute deadline of clock_nanosleep). select() takes a relative timeout,
which libfaketime leaves alone, so sleeping goes through it instead.
"""

import select
import time


def _sleep(seconds: float) -> None:
    if seconds > 0:
        select.select([], [], [], seconds)


time.sleep = _sleep
