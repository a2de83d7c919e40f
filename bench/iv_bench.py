"""Query counts and timings of the IV coordinator's lists and the panel's figures, at demo
size and at 5,000 referrals with 50,000 visits.

    DATABASE_URL=postgres://... .venv/bin/python bench/iv_bench.py [--referrals 5000 --visits 50000]

Everything is written inside one transaction that is rolled back at the end, so the
database is left as it was.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "havering_cp.settings_test")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from panel.demo import seed_all  # noqa: E402
from participation.iv.selectors import iv_panel_figures  # noqa: E402
from participation.selectors import participation_panel_figures  # noqa: E402
from tests.participation.volume import build_iv_volume  # noqa: E402

PAGES = [
    ("participation:iv:home", {}),
    ("participation:iv:referrals", {"show": "waiting"}),
    ("participation:iv:referrals", {"show": "all"}),
    ("participation:iv:matches", {"show": "overdue"}),
    ("participation:iv:matches", {"show": "reviews"}),
    ("participation:iv:volunteers", {"show": "dbs"}),
    ("participation:figures", {}),
]
RUNS = 5


class Rollback(Exception):
    pass


def measure(label: str, call) -> None:
    timings = []
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            call()
            timings.append((time.perf_counter() - started) * 1000)
    print(f"  {label:<48} {len(queries):>3} queries  median {statistics.median(timings):7.1f} ms")


def measure_all(client, today) -> None:
    for url_name, params in PAGES:
        url = reverse(url_name)
        label = url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")

        def get(url=url, params=params):
            response = client.get(url, params)
            assert response.status_code == 200, response.status_code

        measure(label, get)
    measure("iv_panel_figures(as_of=today)", lambda: iv_panel_figures(as_of=today))
    measure("participation_panel_figures(as_of=today)", lambda: participation_panel_figures(as_of=today))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--referrals", type=int, default=5000)
    parser.add_argument("--visits", type=int, default=50000)
    args = parser.parse_args()
    today = timezone.localdate()
    print(f"database: {connection.vendor}; median of {RUNS} runs; queries are per run")
    try:
        with transaction.atomic(), override_settings(ALLOWED_HOSTS=["testserver"]):
            users = seed_all(password="bench-only-password")  # noqa: S106
            client = Client()
            client.force_login(users["ivstaff"])
            print("demo data (seed_demo):")
            measure_all(client, today)
            started = time.perf_counter()
            build_iv_volume(referrals=args.referrals, visits=args.visits, today=today, prefix="BENCH")
            print(
                f"with {args.referrals:,} more referrals and ~{args.visits:,} visits "
                f"(built in {time.perf_counter() - started:.1f} s):"
            )
            measure_all(client, today)
            raise Rollback
    except Rollback:
        print("rolled back: the database is as it was")


if __name__ == "__main__":
    main()
