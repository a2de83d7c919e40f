"""``make bench-load``: the portal under the real mix of users, as production serves it.

1. Seeds a database of its own (``hcp_load`` on the PostgreSQL server of DATABASE_URL) with
   10× demo data (``seed_demo --scale 10``), unless ``--reuse-db`` finds it seeded already.
2. Serves it with gunicorn and ``deploy/gunicorn.conf.py`` in production mode on loopback
   (DJANGO_DEBUG=0, a generated secret key; TLS redirect and secure cookies off, as there is
   no TLS on loopback), with Redis db 8 as broker and cache (``LOAD_REDIS_URL``), and a Celery
   worker as docs/deployment.md runs it; the run starts once the worker has warmed the pages
   people open first, as it does whenever it starts (``--no-warming`` to compare without).
3. Runs ``bench/load/locustfile.py`` headless: ``--users`` people (50) arriving at
   ``--arrival-rate`` a second (5), after a sign-in rush of ``--rush`` people within
   ``--rush-seconds`` (none unless asked), leads posting ``--writes-per-minute`` updates
   between them (unpaced unless asked), for ``--run-time`` (2m).
4. Prints p50/p95/p99 per page, errors, the sign-in figures (password step, code step, and
   the whole sign-in from form to landing page), lost writes (tokens of updates the portal
   acknowledged that are not in the database), and p95/p99 in the rush (the first 20 s) and
   after it.

Faults (``--fault postgres`` or ``--fault redis``) run against a private PostgreSQL (initdb
in a temporary folder, a copy of the seeded database) and a private redis-server, each on a
free port, never the shared ones: ``--fault-at`` seconds into the run PostgreSQL is
restarted, or Redis stopped. A probe requests a page every 0.2 s throughout and reports the
slowest answer and the status codes while the fault lasts, and how long recovery took.

    .venv/bin/python bench/load/run.py [--run-time 2m] [--users 50] [--reuse-db] [--fault postgres|redis]
    # the meeting-morning mix (issue #24): a rush, then browsing with leads writing
    .venv/bin/python bench/load/run.py --rush 50 --arrival-rate 10 --writes-per-minute 42
"""

import argparse
import csv
import json
import math
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from contextlib import contextmanager, suppress
from pathlib import Path

import psutil  # requirements-bench.txt

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.servers import free_port, private_postgres  # noqa: E402 - after the path above

BIN = Path(sys.executable).parent
OUT = ROOT / "bench" / "out"
DB_NAME = "hcp_load"
PORT = 8108
TOKEN_PREFIX = "load-token-"  # noqa: S105 - marks the load test's updates, not a secret
TARGET_P95_MS = 300
TARGET_P99_MS = 1000
TARGET_SIGN_IN_P95_MS = 1000
TARGET_P95_MANY_MS = 1000  # with more than 50 people


# One account per person, as in a council: load-panel-01 …, load-lead-01 …, load-officer-01 …,
# one of each for each person who may arrive (``--users``), each with its demo user's roles and
# password. Participation officers must pass a second factor, and a code is good for one
# sign-in of one device: each officer has the demo officer's staff status and authenticator key.
# Each lead leads a share of the plan's actions (dealt out in turn, a dozen each at 10× with 50
# people), so one lead's update changes only their own "My actions", as it would in the council.
LOAD_ACCOUNTS = """
from django.contrib.auth import get_user_model
from accounts import mfa
from actions.models import Action
from panel.demo import DEFAULT_DEMO_TOTP_SECRET
User = get_user_model()
people = {people}
for role, demo_name in (("panel", "panel"), ("lead", "lead"), ("officer", "participation")):
    demo = User.objects.get(username=demo_name)
    for n in range(1, people + 1):
        user, _ = User.objects.update_or_create(
            username=f"load-{{role}}-{{n:02d}}",
            defaults=dict(
                first_name="Load",
                last_name=f"{{role.title()}}-{{n:02d}}",
                is_staff=demo.is_staff,
                password=demo.password,
            ),
        )
        user.groups.set(demo.groups.all())
        if role == "officer":
            mfa.mfa_seed_device(user=user, hex_key=mfa.hex_key_from_base32(DEFAULT_DEMO_TOTP_SECRET))
leads = list(User.objects.filter(username__startswith="load-lead-").order_by("username")[:people])
dealt = {{lead.pk: [] for lead in leads}}
for i, pk in enumerate(Action.objects.order_by("pk").values_list("pk", flat=True)):
    dealt[leads[i % len(leads)].pk].append(pk)
for lead_pk, pks in dealt.items():
    Action.objects.filter(pk__in=pks).update(lead_id=lead_pk)
"""
# The first this many seconds of a run are "the rush" in the figures split by time.
RUSH_WINDOW_SECONDS = 20


def password_check_ms(times: int = 15) -> float:
    """The median time of one Argon2id check with the portal's parameters (core.hashers), on
    one core: a unit for comparing figures taken on different machines, since a run's
    figures scale with the speed of the cores (the rush is mostly these checks)."""
    import argon2

    from core.hashers import Argon2idPasswordHasher as portal

    hasher = argon2.PasswordHasher(
        time_cost=portal.time_cost,
        memory_cost=portal.memory_cost,
        parallelism=portal.parallelism,
        type=argon2.Type.ID,
    )
    stored = hasher.hash("a password for timing only")
    took = []
    for _ in range(times):
        started = time.perf_counter()
        hasher.verify(stored, "a password for timing only")
        took.append((time.perf_counter() - started) * 1000)
    return sorted(took)[len(took) // 2]


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def wait_until(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise SystemExit(f"Timed out after {timeout:.0f} s waiting for {what}.")


def psql(server: str, sql: str, database: str = "postgres") -> str:
    result = subprocess.run(
        ["psql", f"{server}/{database}", "-Atqc", sql], capture_output=True, text=True, timeout=120
    )
    if result.returncode:
        raise SystemExit(f"psql failed: {result.stderr.strip()}")
    return result.stdout.strip()


def manage(env: dict, *args: str, timeout: int = 1200) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, timeout=timeout)


# --- Private servers for the fault runs -------------------------------------------------------


@contextmanager
def private_redis():
    port = free_port()
    server = subprocess.Popen(
        [
            *(shutil.which("redis-server") or "redis-server", "--port", str(port), "--bind", "127.0.0.1"),
            *("--save", "", "--appendonly", "no"),
        ],
        stdout=subprocess.DEVNULL,
    )

    def answers() -> bool:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
        except OSError:
            return False
        return True

    wait_until(answers, 10, "the private redis-server")
    try:
        yield f"redis://127.0.0.1:{port}/0", server
    finally:
        if server.poll() is None:
            server.terminate()
            server.wait(timeout=10)


# --- Seeding and serving ------------------------------------------------------------------------


def seeded(server: str) -> bool:
    exists = psql(server, f"SELECT 1 FROM pg_database WHERE datname = '{DB_NAME}'")  # noqa: S608 - constants
    return exists == "1" and psql(server, "SELECT count(*) FROM actions_action", DB_NAME) not in ("", "0")


def seed(server: str, env: dict, scale: int) -> None:
    log(f"Seeding {DB_NAME} with {scale}× demo data (a few minutes)…")
    psql(server, f"DROP DATABASE IF EXISTS {DB_NAME}")
    psql(server, f"CREATE DATABASE {DB_NAME}")
    manage(env, "migrate", "--no-input", "-v", "0")
    manage(env, "seed_demo", "--scale", str(scale))


def copy_database(source: str, target_server: str) -> None:
    psql(target_server, f"CREATE DATABASE {DB_NAME}")
    dump = subprocess.Popen(["pg_dump", "--no-owner", f"{source}/{DB_NAME}"], stdout=subprocess.PIPE)
    subprocess.run(
        ["psql", "-q", f"{target_server}/{DB_NAME}"],
        stdin=dump.stdout,
        check=True,
        capture_output=True,
        timeout=600,
    )
    dump.wait(timeout=60)


def production_env(database_url: str, redis_url: str) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "CACHE_", "GUNICORN_")) or k == "DJANGO_SETTINGS_MODULE"
    }
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_COOKIES="0",
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        CELERY_BROKER_URL=redis_url,
        LOG_LEVEL="WARNING",
        PYTHONWARNINGS="ignore",
        # Seeding and setting up warm nothing; the run turns it on (unless --no-warming).
        CACHE_WARMING="0",
    )
    env.pop("REQUIRE_SERVICES", None)
    return env


@contextmanager
def gunicorn(env: dict, port: int, workers: int | None):
    serve_env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_ACCESS_LOG": ""}
    if workers:
        serve_env["WEB_CONCURRENCY"] = str(workers)
    OUT.mkdir(parents=True, exist_ok=True)
    errors = open(OUT / "gunicorn.log", "w")  # noqa: SIM115 - closed below
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py", "havering_cp.wsgi"],
        cwd=ROOT,
        env=serve_env,
        stdout=errors,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait_until(lambda: get(f"http://127.0.0.1:{port}/healthz")[0] in (200, 503), 90, "gunicorn")
        yield f"http://127.0.0.1:{port}", server.pid
    finally:
        stop(server, 40)
        errors.close()


def stop(process: subprocess.Popen, seconds: float) -> None:
    """SIGTERM to the process's group, then SIGKILL if it has not ended within ``seconds``."""
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


_TASK_LINE = re.compile(r"Task [\w.]+\[([0-9a-f-]+)\] (received|succeeded|failed|raised|retry)")


def worker_idle(log: str) -> bool:
    """Whether the worker is up and every task its log says it received has ended."""
    received, ended = set(), set()
    for task_id, what in _TASK_LINE.findall(log):
        (received if what == "received" else ended).add(task_id)
    return " ready." in log and received <= ended


def steadily(predicate, seconds: float = 3):
    """``predicate``, true only once it has held for ``seconds`` (polled by ``wait_until``)."""
    since: list[float] = []

    def check() -> bool:
        if not predicate():
            since.clear()
            return False
        since[:] = since or [time.monotonic()]
        return time.monotonic() - since[0] >= seconds

    return check


@contextmanager
def celery_worker(env: dict, *, warming: bool):
    """The Celery worker as docs/deployment.md runs it; with ``warming``, once it has computed
    the pages people open first (panel.warm), as it does whenever it starts."""
    output = open(OUT / "celery.log", "w")  # noqa: SIM115 - closed below
    worker = subprocess.Popen(
        [str(BIN / "celery"), "-A", "havering_cp", "worker", "--loglevel=INFO"],
        cwd=ROOT,
        env={**env, "CACHE_WARMING": "1" if warming else "0", "LOG_LEVEL": "INFO"},
        stdout=output,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        started = time.monotonic()
        log_file = OUT / "celery.log"
        if warming:
            wait_until(
                lambda: "Warmed every page" in log_file.read_text(),
                600,
                "the worker's first warming of the pages (bench/out/celery.log)",
            )
            log(f"The worker warmed the pages people open first in {time.monotonic() - started:.1f} s")
        # What seeding queued (seed_demo has every due report built: thirty with their PDFs at
        # 10×) is done before the run, as it would be long before a meeting morning.
        idle = steadily(lambda: worker_idle(log_file.read_text()))
        wait_until(idle, 900, "the worker to finish what seeding queued")
        log(f"The worker had nothing left to do after {time.monotonic() - started:.1f} s")
        yield worker.pid
    finally:
        stop(worker, 60)
        output.close()


def server_cpu_seconds(pid: int) -> float:
    """CPU time used so far by gunicorn's master and workers (psutil, from requirements-bench.txt)."""
    total = 0.0
    master = psutil.Process(pid)
    for process in [master, *master.children(recursive=True)]:
        with suppress(psutil.NoSuchProcess):
            times = process.cpu_times()
            total += times.user + times.system
    return total


def get(url: str, timeout: float = 10) -> tuple[int, float, str]:
    started = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - our own loopback URL
            body = response.read().decode(errors="replace")
            return response.status, time.monotonic() - started, body
    except urllib.error.HTTPError as error:
        return error.code, time.monotonic() - started, error.read().decode(errors="replace")
    except OSError as error:
        return 0, time.monotonic() - started, str(error)


class Probe(threading.Thread):
    """Requests a page every 0.2 s and the health check every second, recording the answers."""

    def __init__(self, base: str):
        super().__init__(daemon=True)
        self.base = base
        self.samples: list[tuple[float, int, float, bool]] = []  # (at, status, seconds, error page)
        self.health: list[tuple[float, int, str]] = []
        self.stop = threading.Event()

    def run(self):
        last_health = 0.0
        while not self.stop.is_set():
            now = time.time()
            status, seconds, body = get(f"{self.base}/young-people/", timeout=60)
            self.samples.append((now, status, seconds, "Sorry, there is a problem with the service" in body))
            if now - last_health >= 1:
                last_health = now
                status, _, body = get(f"{self.base}/healthz", timeout=60)
                with suppress(ValueError):
                    body = json.loads(body).get("status", body)
                self.health.append((now, status, body))
            time.sleep(0.2)


# --- Running Locust and reading its figures -----------------------------------------------------


def run_locust(base: str, args, results_file: Path, csv_prefix: Path) -> None:
    seconds = parse_seconds(args.run_time)
    env = {
        **os.environ,
        "LOAD_RESULTS_FILE": str(results_file),
        "LOAD_ACCOUNTS": str(args.users),
        # The mix, read by locustfile.py's load shape (MeetingMorning) and its leads.
        "LOAD_USERS": str(args.users),
        "LOAD_ARRIVAL_RATE": str(args.arrival_rate),
        "LOAD_RUSH_USERS": str(args.rush),
        "LOAD_RUSH_SECONDS": str(args.rush_seconds),
        "LOAD_RUN_SECONDS": str(seconds),
        "LOAD_WRITES_PER_MINUTE": str(args.writes_per_minute),
    }
    command = [
        str(BIN / "locust"),
        "-f",
        str(ROOT / "bench/load/locustfile.py"),
        "--headless",
        "--host",
        base,
        "--stop-timeout",
        "10",
        "--csv",
        str(csv_prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    with open(OUT / "locust.log", "w") as output:
        subprocess.run(
            command, cwd=ROOT, env=env, timeout=seconds + 120, check=False, stdout=output, stderr=output
        )


def parse_seconds(text: str) -> int:
    units = {"s": 1, "m": 60, "h": 3600}
    if text[-1] in units:
        return int(float(text[:-1]) * units[text[-1]])
    return int(text)


def read_stats(csv_prefix: Path) -> list[dict]:
    with open(f"{csv_prefix}_stats.csv") as stats:
        return list(csv.DictReader(stats))


def report(stats: list[dict], results: dict, stored: set[str], elapsed: float) -> dict:
    print()
    print(
        f"{'page':<38} {'requests':>8} {'errors':>6} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'max ms':>7}"
    )
    summary = {}
    for row in stats:
        name = row["Name"]
        line = (
            f"{name:<38} {row['Request Count']:>8} {row['Failure Count']:>6} {row['50%']:>7} "
            f"{row['95%']:>7} {row['99%']:>7} {float(row['Max Response Time']):>7.0f}"
        )
        if name == "Aggregated":
            print("-" * len(line))
        print(line)
        summary[name] = row
    acknowledged = set(results["acknowledged"])
    unacknowledged = set(results.get("attempted", [])) - acknowledged
    lost = acknowledged - stored
    total = summary.get("Aggregated", {})
    pages_p95 = int(float(total.get("95%", 0) or 0))
    pages_p99 = int(float(total.get("99%", 0) or 0))
    slow_pages = [
        name
        for name, row in summary.items()
        if name != "Aggregated"
        and not name.startswith("sign in")
        and (float(row["95%"] or 0) >= TARGET_P95_MS or float(row["99%"] or 0) >= TARGET_P99_MS)
    ]
    print()
    print(
        f"{int(total.get('Request Count', 0))} requests in {elapsed:.0f} s "
        f"({float(total.get('Requests/s', 0)):.1f}/s), {int(total.get('Failure Count', 0))} errors; "
        f"all requests p95 {pages_p95} ms, p99 {pages_p99} ms (targets < {TARGET_P95_MS}, < {TARGET_P99_MS} "
        f"for every page); pages over a target: {', '.join(slow_pages) or 'none'}"
    )
    print("sign-in:")
    for name in ("sign in", "sign in (code)"):
        row = summary.get(name, {})
        print(
            f"  {'password step' if name == 'sign in' else 'code step (officers)':<22} "
            f"{row.get('Request Count', 0):>4} × p50 {row.get('50%', '-')} p95 {row.get('95%', '-')} "
            f"p99 {row.get('99%', '-')} ms"
        )
    whole = sorted(s["ms"] for s in results.get("sign_ins", []))
    sign_in_p95 = percentile(whole, 95)
    print(
        f"  {'whole (form to landing)':<22} {len(whole):>4} × p50 {percentile(whole, 50):.0f} "
        f"p95 {sign_in_p95:.0f} p99 {percentile(whole, 99):.0f} ms, "
        f"{sum(1 for s in results.get('sign_ins', []) if not s['ok'])} failed "
        f"(target p95 < {TARGET_SIGN_IN_P95_MS})"
    )
    by_role: dict[str, list[dict]] = {}
    for sign_in in results.get("sign_ins", []):
        by_role.setdefault(sign_in.get("who", "?"), []).append(sign_in)
    for who, theirs in sorted(by_role.items()):
        whole_ms = sorted(s["ms"] for s in theirs)
        landing_ms = sorted(s["landing_ms"] for s in theirs if "landing_ms" in s)
        print(
            f"    {who:<20} {len(theirs):>4} × whole p95 {percentile(whole_ms, 95):.0f} ms, "
            f"landing page p50 {percentile(landing_ms, 50):.0f} p95 {percentile(landing_ms, 95):.0f} ms"
        )
    print(
        f"updates acknowledged {len(acknowledged)}, stored {len(acknowledged & stored)}, "
        f"lost {len(lost)}; not acknowledged {len(unacknowledged)} (of which stored "
        f"{len(unacknowledged & stored)})"
    )
    return {
        "p95": pages_p95,
        "slow_pages": slow_pages,
        "errors": int(total.get("Failure Count", 0)),
        "lost": len(lost),
        "sign_in_p95": sign_in_p95,
    }


def report_phases(results: dict) -> None:
    """All requests' p95 and p99 in the rush (the first RUSH_WINDOW_SECONDS) and after it, and
    each page's after it: what a sign-in rush costs, apart from the rest of the morning."""
    timings = results.get("requests") or []
    if not timings:
        return
    start = min(t for t, _, _ in timings)
    rush = sorted(ms for t, _, ms in timings if t - start < RUSH_WINDOW_SECONDS)
    after: dict[str, list[float]] = {}
    for t, name, ms in timings:
        if t - start >= RUSH_WINDOW_SECONDS:
            after.setdefault(name, []).append(ms)
    rest = sorted(ms for values in after.values() for ms in values)
    print(f"by time (the rush: the first {RUSH_WINDOW_SECONDS} s):")
    for label, values in (("the rush", rush), ("after it", rest)):
        print(
            f"  {label:<10} {len(values):>5} requests, p95 {percentile(values, 95):.0f} ms, "
            f"p99 {percentile(values, 99):.0f} ms"
        )
    worst = sorted(((percentile(sorted(v), 95), name, len(v)) for name, v in after.items()), reverse=True)[:5]
    slowest = ", ".join(f"{name} {p95:.0f} ms ({n})" for p95, name, n in worst)
    print(f"  slowest pages after it (p95): {slowest}")


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile of sorted values (0 for none)."""
    if not values:
        return 0
    return values[max(0, math.ceil(pct / 100 * len(values)) - 1)]


def stored_tokens(server: str) -> set[str]:
    rows = psql(
        server,
        f"SELECT substring(done from '{TOKEN_PREFIX}[0-9a-f]+') FROM actions_progressupdate "  # noqa: S608
        f"WHERE done LIKE '%{TOKEN_PREFIX}%'",
        DB_NAME,
    )
    return set(rows.split()) if rows else set()


def fault_report(probe: Probe, fault_started: float, fault_ended: float, *, restored: bool) -> None:
    during = [s for s in probe.samples if fault_started - 0.5 <= s[0] <= fault_ended + 30]
    failed = [s for s in during if s[1] != 200]
    statuses = sorted({s[1] for s in failed})
    print()
    print(
        f"Fault from +0 s to +{fault_ended - fault_started:.1f} s; "
        "the probe's requests from then until 30 s after:"
    )
    print(
        f"  {len(during)} requests, {len(failed)} not 200 (status {statuses or '-'}; "
        f"{sum(1 for s in failed if s[3])} showed the portal's error page), "
        f"slowest {max((s[2] for s in during), default=0) * 1000:.0f} ms"
    )
    recovered = next((s for s in probe.samples if s[0] > fault_ended and s[1] == 200), None)
    if not restored:
        print("  (the server stayed down to the end of the run)")
    elif recovered:
        print(
            f"  first 200 after the fault ended: +{recovered[0] - fault_ended:.1f} s "
            "(the portal was not restarted)"
        )
    else:
        print("  NOT RECOVERED: no 200 after the fault ended")
    health = sorted({(s[1], s[2]) for s in probe.health if fault_started <= s[0] <= fault_ended})
    print(f"  /healthz during the fault: {health or '-'}")


def set_up(args: argparse.Namespace, server: str, redis_url: str) -> None:
    """The seeded database (or the one kept, migrated), everyone's accounts, static files."""
    seed_env = production_env(f"{server}/{DB_NAME}", redis_url)
    if args.reuse_db and seeded(server):
        manage(seed_env, "migrate", "--no-input", "-v", "0")  # the code may have moved on
    else:
        seed(server, seed_env, args.scale)
    log(f"Making {args.users} accounts for each role, leads sharing out the plan's actions…")
    manage(seed_env, "shell", "--no-imports", "-c", LOAD_ACCOUNTS.format(people=args.users))
    # Planner statistics, as autovacuum keeps them in production: a PostgreSQL with autovacuum
    # off (this machine's) would plan every query of the run on none.
    psql(server, "ANALYZE", DB_NAME)
    manifest = ROOT / "staticfiles" / "staticfiles.json"
    built = ROOT / "static" / "build" / "app.css"
    if not manifest.exists() or (built.exists() and built.stat().st_mtime > manifest.stat().st_mtime):
        log("Collecting static files…")
        manage(seed_env, "collectstatic", "--no-input", "-v", "0")


def describe(args: argparse.Namespace) -> str:
    rush = f", the first {args.rush} within {args.rush_seconds:.0f} s" if args.rush else ""
    writes = f"; leads post {args.writes_per_minute:.0f} updates a minute" if args.writes_per_minute else ""
    fault = f"; {args.fault} fault at +{args.fault_at:.0f} s" if args.fault else ""
    return f"{args.users} users ({args.arrival_rate}/s signing in{rush}{writes}) for {args.run_time}{fault}"


def failures_report(failures: list[dict]) -> None:
    by_status: dict = {}
    for failure in failures:
        by_status[failure["status"]] = by_status.get(failure["status"], 0) + 1
    slowest = max((f["ms"] for f in failures), default=0)
    print(
        f"  load-test requests that failed: {by_status or 'none'}, slowest failure {slowest:.0f} ms, "
        f"{sum(1 for f in failures if f['error_page'])} with the portal's error page"
    )


def targets_met(outcome: dict, *, users: int) -> bool:
    """Issue #24's targets: 50 people, every page p95 < 300 ms and p99 < 1 s and the whole
    sign-in p95 < 1 s; more than 50, all requests p95 < 1 s; always 0 errors, 0 lost."""
    clean = outcome["errors"] == 0 and outcome["lost"] == 0
    if users > 50:
        print(f"Targets for more than 50 people: p95 < {TARGET_P95_MANY_MS} ms, 0 errors, 0 lost")
        return clean and outcome["p95"] < TARGET_P95_MANY_MS
    return (
        clean
        and outcome["p95"] < TARGET_P95_MS
        and not outcome["slow_pages"]
        and outcome["sign_in_p95"] < TARGET_SIGN_IN_P95_MS
    )


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, default=int(os.environ.get("LOAD_USERS", 50)))
    parser.add_argument(
        "--arrival-rate",
        "--spawn-rate",
        type=float,
        default=float(os.environ.get("LOAD_ARRIVAL_RATE", 5)),
        help="people arriving (signing in) a second after the rush (5)",
    )
    parser.add_argument(
        "--rush",
        type=int,
        default=int(os.environ.get("LOAD_RUSH", 0)),
        help="a sign-in rush first: this many people sign in within --rush-seconds (0: none; the issue: 50)",
    )
    parser.add_argument("--rush-seconds", type=float, default=5)
    parser.add_argument(
        "--writes-per-minute",
        type=float,
        default=float(os.environ.get("LOAD_WRITES_PER_MINUTE", 0)),
        help="progress updates a minute across all leads (0: each lead posts on one task in seven)",
    )
    parser.add_argument("--run-time", default=os.environ.get("LOAD_RUN_TIME", "2m"))
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--reuse-db", action="store_true", help="keep hcp_load if it is seeded already")
    parser.add_argument("--workers", type=int, help="gunicorn processes (default: the config file's)")
    parser.add_argument(
        "--no-warming",
        action="store_true",
        help="CACHE_WARMING=0: no pages computed before people ask (panel/warm.py), to compare",
    )
    parser.add_argument("--fault", choices=["postgres", "redis"])
    parser.add_argument("--fault-at", type=float, default=30, help="seconds into the run")
    parser.add_argument("--fault-for", type=float, default=5, help="seconds PostgreSQL stays down")
    return parser.parse_args()


def main() -> None:
    args = parse_args()

    base_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    if not base_url.startswith("postgres"):
        raise SystemExit("DATABASE_URL must name a PostgreSQL server (the load test makes its own database).")
    server = base_url.rsplit("/", 1)[0]
    redis_url = os.environ.get("LOAD_REDIS_URL", "redis://127.0.0.1:6379/8")

    with open("/proc/loadavg") as loadavg:
        log(f"Machine load average before the run: {loadavg.read().split()[:3]}")
    log(
        f"This machine's speed: one password check (Argon2id, the portal's parameters) takes "
        f"{password_check_ms():.1f} ms of a core (compare runs on other machines by it)"
    )
    set_up(args, server, redis_url)

    OUT.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    results_file = OUT / f"load-{stamp}.json"
    csv_prefix = OUT / f"load-{stamp}"

    with _fault_servers(args.fault, server, redis_url) as (db_server, cache_url, injure):
        env = production_env(f"{db_server}/{DB_NAME}", cache_url)
        env["CACHE_WARMING"] = "0" if args.no_warming else "1"
        with (
            celery_worker(env, warming=not args.no_warming) as worker_pid,
            gunicorn(env, PORT, args.workers) as (base, server_pid),
        ):
            cpu_before = server_cpu_seconds(server_pid)
            worker_cpu_before = server_cpu_seconds(worker_pid)
            # The probe is for the fault runs: in the mix it would add six requests a second
            # that nobody makes.
            probe = Probe(base)
            if args.fault:
                probe.start()
            log(f"{describe(args)} against {base}")
            started = time.monotonic()
            window = None
            window_box: list = []
            if args.fault:
                timer = threading.Timer(args.fault_at, lambda: window_box.append(injure(args.fault_for)))
                timer.start()
            run_locust(base, args, results_file, csv_prefix)
            elapsed = time.monotonic() - started
            cpu_used = server_cpu_seconds(server_pid) - cpu_before
            worker_cpu_used = server_cpu_seconds(worker_pid) - worker_cpu_before
            probe.stop.set()
            if probe.is_alive():
                probe.join(timeout=70)
            if args.fault:
                timer.join()
                window = window_box[0] if window_box else None
                if window and window[1] is None:  # a fault that lasted to the end of the run
                    window = (window[0], time.time())
            stats = read_stats(csv_prefix)
            results = {"attempted": [], "acknowledged": [], "failures": []}
            if results_file.exists():
                results = json.loads(results_file.read_text())
            outcome = report(stats, results, stored_tokens(db_server), elapsed)
            report_phases(results)
            served = int(next((row["Request Count"] for row in stats if row["Name"] == "Aggregated"), 0)) or 1
            print(
                f"gunicorn used {cpu_used:.1f} CPU seconds: {cpu_used / served * 1000:.1f} ms a request on "
                f"average (the rest of each request's time was spent waiting: PostgreSQL, Redis, or a "
                f"core on a shared machine); the Celery worker {worker_cpu_used:.1f} CPU seconds"
            )
            if window:
                fault_report(probe, *window, restored=args.fault == "postgres")
                failures_report(results["failures"])
    with open("/proc/loadavg") as loadavg:
        log(f"Machine load average after the run: {loadavg.read().split()[:3]}")
    log(f"Locust's CSV files: {csv_prefix}_*.csv")
    if not args.fault:
        print("Targets met." if targets_met(outcome, users=args.users) else "Targets NOT met.")


@contextmanager
def _fault_servers(fault: str | None, server: str, redis_url: str):
    """(PostgreSQL server URL, Redis URL, injure(seconds) -> (started, ended))."""
    if fault == "postgres":
        with private_postgres() as (private_server, restart):
            log("Copying the seeded database to a private PostgreSQL…")
            copy_database(server, private_server)

            def injure(seconds_down):
                log(f"Restarting the private PostgreSQL ({seconds_down:.0f} s down)")
                started = time.time()
                restart(seconds_down)
                ended = time.time()
                log("PostgreSQL is back")
                return started, ended

            yield private_server, redis_url, injure
    elif fault == "redis":
        with private_redis() as (private_url, redis_server):

            def injure(_seconds):
                log("Stopping the private Redis (cache and broker) for the rest of the run")
                started = time.time()
                redis_server.terminate()
                redis_server.wait(timeout=10)
                return started, None

            yield server, private_url, injure
    else:
        yield server, redis_url, None


if __name__ == "__main__":
    main()
