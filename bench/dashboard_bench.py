"""The panel dashboard and a progress report's build at demo scale, 10× and 100×.

For each scale: a throw-away PostgreSQL database ``<database>_bench_dashboard_<scale>`` is
migrated and filled by ``seed_demo --scale N`` (synthetic data), then the dashboard is
requested through Django's test client (median server time and query count over 15
requests, signed in as the demo panel member; then 15 more with no cache, "uncached": computed
from nothing but the month-end ratings table, which the warm-up request fills), then every
progress report and meeting pack that is due is built once, PDF included, as the worker
builds them (oldest period first): the median and the slowest build, in wall-clock and CPU
seconds (on a shared machine the CPU time is the steadier figure), and the longest PDF in
pages; and the load average, beside the figures. The database is dropped afterwards.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x .venv/bin/python bench/dashboard_bench.py [1 10 100]
"""

import io
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNS = 15


def measure() -> dict:
    """Runs inside a child process whose DATABASE_URL names the seeded database."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "havering_cp.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from django.utils import timezone
    from pypdf import PdfReader

    from actions.models import Action, KPIValue
    from panel import reports
    from panel.models import ProgressReport
    from panel.snapshot import build_snapshot
    from participation.models import Referral, Visit

    setup_test_environment()
    client = Client()
    client.force_login(get_user_model().objects.get(username="panel"))
    client.get("/panel/")  # warm up
    times, queries = [], 0
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get("/panel/")
            times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
        queries = len(captured.captured_queries)
    uncached = []
    with override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}):
        for _ in range(RUNS):
            started = time.perf_counter()
            assert client.get("/panel/").status_code == 200
            uncached.append(time.perf_counter() - started)

    ProgressReport.objects.all().delete()  # seed_demo may have queued builds: start clean
    builds, cpu, pages = [], [], []
    for report_id in reports.ensure_due_reports(today=timezone.localdate()):
        started, started_cpu = time.perf_counter(), time.process_time()
        assert reports.build_report(report_id=report_id, snapshot_builder=build_snapshot)
        builds.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
        pdf = ProgressReport.objects.values_list("pdf", flat=True).get(pk=report_id)
        pages.append(len(PdfReader(io.BytesIO(bytes(pdf))).pages))
    return {
        "actions": Action.objects.count(),
        "kpi_values": KPIValue.objects.count(),
        "referrals": Referral.objects.count(),
        "visits": Visit.objects.count(),
        "dashboard_ms": round(statistics.median(times) * 1000, 1),
        "dashboard_queries": queries,
        "dashboard_uncached_ms": round(statistics.median(uncached) * 1000, 1),
        "load_average": round(os.getloadavg()[0], 1),
        "reports": len(builds),
        "report_s": round(statistics.median(builds), 2),
        "report_max_s": round(max(builds), 2),
        "report_cpu_s": round(statistics.median(cpu), 2),
        "report_cpu_max_s": round(max(cpu), 2),
        "pdf_pages_max": max(pages),
    }


def run(scale: int) -> dict:
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    server, own = base.rsplit("/", 1)
    # Named after the caller's database, so that people sharing a server do not drop each other's.
    own = own.split("?", 1)[0]
    name = f"bench_dashboard_{scale}" if own in ("", "postgres") else f"{own}_bench_dashboard_{scale}"
    env = {**os.environ, "DATABASE_URL": f"{server}/{name}", "PYTHONWARNINGS": "ignore"}
    python = sys.executable

    def manage(*args, environment=env):
        subprocess.run(
            [python, "manage.py", *args], cwd=ROOT, env=environment, check=True, capture_output=True
        )

    subprocess.run(["psql", f"{server}/postgres", "-qc", f"DROP DATABASE IF EXISTS {name}"], check=True)
    subprocess.run(["psql", f"{server}/postgres", "-qc", f"CREATE DATABASE {name}"], check=True)
    try:
        started = time.perf_counter()
        manage("migrate", "--no-input")
        manage("seed_demo", "--scale", str(scale))
        seeded = time.perf_counter() - started
        child = subprocess.run(
            [python, __file__, "--measure"], cwd=ROOT, env=env, check=True, capture_output=True, text=True
        )
        figures = json.loads(child.stdout.strip().splitlines()[-1])
        figures["seed_s"] = round(seeded, 1)
        return figures
    finally:
        subprocess.run(["psql", f"{server}/postgres", "-qc", f"DROP DATABASE IF EXISTS {name}"], check=False)


def main() -> None:
    if "--measure" in sys.argv:
        print(json.dumps(measure()))
        return
    scales = [int(arg) for arg in sys.argv[1:]] or [1, 10, 100]
    print(
        f"{'scale':>6} {'actions':>8} {'KPI values':>11} {'referrals':>10} {'visits':>7} "
        f"{'seed s':>7} {'dashboard ms':>13} {'queries':>8} {'uncached ms':>12} {'load':>5} "
        f"{'reports':>8} {'report s (median/max)':>22} "
        f"{'CPU s (median/max)':>19} {'PDF pages':>10}"
    )
    for scale in scales:
        f = run(scale)
        print(
            f"{scale:>5}× {f['actions']:>8} {f['kpi_values']:>11} {f['referrals']:>10} {f['visits']:>7} "
            f"{f['seed_s']:>7} {f['dashboard_ms']:>13} {f['dashboard_queries']:>8} "
            f"{f['dashboard_uncached_ms']:>12} {f['load_average']:>5} {f['reports']:>8} "
            f"{f['report_s']:>11}/{f['report_max_s']:<10} {f['report_cpu_s']:>9}/{f['report_cpu_max_s']:<9} "
            f"{f['pdf_pages_max']:>10}",
            flush=True,
        )
    print(
        "Targets on this machine: dashboard under 150 ms, cached or not; each report, PDF included, "
        "under 5 s at 10×."
    )


if __name__ == "__main__":
    main()
