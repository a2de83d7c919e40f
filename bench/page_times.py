"""One request at a time: each page's median server time and query count, on the database in
DATABASE_URL as it stands (seed it first, e.g. ``seed_demo --scale 10``; ``make bench-load``
leaves ``hcp_load`` seeded at 10×).

Each page is requested cold ``--cold-runs`` times (every table's version moved first, as after
any write; ``--after-update``: only what a progress update writes), then warm; medians of each.
``--profile PATH`` prints a pyinstrument profile of that page instead (``--cold`` profiles the
uncached request).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hcp_load .venv/bin/python bench/page_times.py
    ... bench/page_times.py --profile /kpis/ --cold
"""

import argparse
import statistics
import time

import production_like  # noqa: F401  (first: the path and settings)


def pages(users) -> list[tuple[str, str]]:
    """(user, path) for the pages the load test's users open."""
    from actions.models import KPI, Action

    kpi = KPI.objects.filter(values__isnull=False).order_by("code").first()
    # The demo lead's first action; on a database the load test has used, the plan's actions
    # are dealt out to its own leads' accounts, so then the plan's first.
    action = (
        Action.objects.filter(lead=users["lead"]).order_by("pk").first()
        or Action.objects.order_by("pk").first()
    )
    return [
        ("panel", "/panel/"),
        ("panel", "/plan/"),
        ("panel", "/kpis/"),
        ("panel", f"/kpis/{kpi.code}/"),
        ("panel", "/panel/reports/"),
        ("panel", "/participation/figures/"),
        (None, "/young-people/"),
        ("lead", "/plan/mine/"),
        ("lead", f"/plan/actions/{action.pk}/"),
        ("participation", "/participation/feedback/"),
        ("participation", "/participation/"),
    ]


# What a lead's progress update writes (progress_update_create): the meeting-morning rush's
# only writes, one every 1.4 s.
UPDATE_WRITES = ("actions_progressupdate", "actions_action", "actions_historicalaction")


def bump(*, after_update: bool = False):
    """Make the next request a cold one, as a write would: any write (every table's version
    moves), or ``after_update``, a progress update (only the tables it writes)."""
    try:
        from core.cache import bump_all_tables, bump_tables
    except ImportError:  # before the cache was versioned per table
        return
    if after_update:
        bump_tables(UPDATE_WRITES)
    else:
        bump_all_tables()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--cold-runs", type=int, default=5, help="cold requests, each after a bump (median)")
    parser.add_argument("--only", metavar="PATH", nargs="+", help="time only these pages")
    parser.add_argument("--profile", metavar="PATH")
    parser.add_argument("--cold", action="store_true", help="profile the request after a write")
    parser.add_argument(
        "--after-update",
        action="store_true",
        help="cold means after a progress update (only the tables it writes), not after any write",
    )
    args = parser.parse_args()

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    setup_test_environment()
    users = {
        u.username: u
        for u in get_user_model().objects.filter(username__in=["panel", "lead", "participation"])
    }
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    clients = {None: Client()}
    for name, user in users.items():
        clients[name] = Client()
        clients[name].force_login(user)
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device:  # signed in with a code, as staff must be
            session = clients[name].session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()

    if args.profile:
        from pyinstrument import Profiler

        who = next((user for user, path in pages(users) if path == args.profile), "panel")
        client = clients[who]
        client.get(args.profile)
        if args.cold:
            bump(after_update=args.after_update)
        profiler = Profiler(interval=0.0005)
        profiler.start()
        response = client.get(args.profile)
        profiler.stop()
        assert response.status_code == 200, response.status_code
        print(profiler.output_text(unicode=True, color=False, show_all=False))
        return

    # CPU ms is this process's CPU time per request: on a machine shared with other work the
    # wall-clock times include waiting for a core, the CPU time does not (database time excluded).
    print(
        f"{'page':<34} {'user':<14} {'cold ms':>8} {'cold CPU ms':>12} {'warm median ms':>15} "
        f"{'warm CPU ms':>12} {'queries':>8}"
    )
    for who, path in pages(users):
        if args.only and path not in args.only:
            continue
        client = clients[who]
        client.get(path)  # the process's first request of the page: imports, template loading
        cold, cold_cpu = [], []
        for _ in range(args.cold_runs):
            bump(after_update=args.after_update)
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(path)
            cold.append((time.perf_counter() - started) * 1000)
            cold_cpu.append((time.process_time() - started_cpu) * 1000)
            assert response.status_code == 200, (path, response.status_code)
        times, cpu = [], []
        for _ in range(args.runs):
            started, started_cpu = time.perf_counter(), time.process_time()
            client.get(path)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        with CaptureQueriesContext(connection) as captured:
            client.get(path)
        print(
            f"{path:<34} {who or 'anonymous':<14} {statistics.median(cold):>8.1f} "
            f"{statistics.median(cold_cpu):>12.1f} {statistics.median(times):>15.1f} "
            f"{statistics.median(cpu):>12.1f} "
            f"{len(captured.captured_queries):>8}",
            flush=True,
        )


if __name__ == "__main__":
    main()
