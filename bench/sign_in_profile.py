"""Where one sign-in's time goes: each step's queries (by what they touch) and time, one at a time.

Steps, as a browser takes them: the sign-in form; the password post (split into the Argon2
check, django-axes' queries, the session's queries, the account's own queries, and the rest);
for an officer the authenticator-code post; then the landing page, computed (after a write
emptied the cache) and warm. Runs on the database in DATABASE_URL as it stands (seed it first:
``manage.py seed_demo``); makes officer accounts of its own (``profile-officer-NN``, each with
the demo authenticator key, as a code is good for one sign-in) and removes them at the end.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hcp_load \
        .venv/bin/python bench/sign_in_profile.py [--runs 10]
"""

import argparse
import os
import re
import statistics
import time
from collections import defaultdict

import production_like  # noqa: F401  (first: the path and settings)

PREFIXES = [  # what a query touches, by the table it reads or writes first
    ("axes_", "django-axes"),
    ("django_session", "session"),
    ("otp_", "second factor (devices)"),
    ("auth_", "account (user, groups)"),
]
TABLE = re.compile(r'(?:FROM|INTO|UPDATE)\s+"(\w+)"')


def kind(sql: str) -> str:
    if sql.startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")):
        return "session"  # Django wraps each session save in a savepoint
    table = TABLE.search(sql)
    name = table[1] if table else ""
    return next((label for prefix, label in PREFIXES if name.startswith(prefix)), "page data")


class QueryTimer:
    """Counts and times every query of a block, by kind (connection.execute_wrapper)."""

    def __init__(self):
        self.count: dict[str, int] = defaultdict(int)
        self.ms: dict[str, float] = defaultdict(float)

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            label = kind(sql)
            self.count[label] += 1
            self.ms[label] += (time.perf_counter() - started) * 1000


def make_officers(n: int, secret: str) -> list[str]:
    from django.contrib.auth import get_user_model

    from accounts import mfa

    User = get_user_model()
    demo = User.objects.get(username="participation")
    names = []
    for i in range(1, n + 1):
        user, _ = User.objects.update_or_create(
            username=f"profile-officer-{i:02d}",
            defaults={"first_name": "Profile", "is_staff": True, "password": demo.password},
        )
        user.groups.set(demo.groups.all())
        mfa.mfa_seed_device(user=user, hex_key=mfa.hex_key_from_base32(secret))
        names.append(user.username)
    return names


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import Argon2PasswordHasher, get_hasher
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings, setup_test_environment

    from accounts import mfa
    from core.cache import bump_all_tables
    from panel.demo import DEFAULT_DEMO_PASSWORD, DEFAULT_DEMO_TOTP_SECRET

    setup_test_environment()
    # Static URLs without collectstatic's manifest (the same cost to within a microsecond).
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    override_settings(STORAGES=storages).enable()
    password = os.environ.get("DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD
    secret = os.environ.get("DEMO_TOTP_SECRET") or DEFAULT_DEMO_TOTP_SECRET
    officers = make_officers(args.runs, secret)

    # The password check alone: this hasher against Django's own Argon2 parameters.
    hasher = get_hasher()
    ours = hasher.encode(password, hasher.salt())
    django_default = Argon2PasswordHasher().encode(password, hasher.salt())
    for label, encoded in [
        (f"{type(hasher).__name__} (as stored)", ours),
        ("Django's Argon2 default", django_default),
    ]:
        times = []
        for _ in range(args.runs):
            started = time.perf_counter()
            assert hasher.verify(password, encoded)
            times.append((time.perf_counter() - started) * 1000)
        params = encoded.split("$")[3]
        print(f"password check, {label} [{params}]: median {statistics.median(times):.1f} ms")

    steps: dict[str, list[tuple[float, float, QueryTimer]]] = defaultdict(list)

    def step(name: str, client: Client, method: str, path: str, data=None, expect=(200, 302)):
        timer = QueryTimer()
        with connection.execute_wrapper(timer):
            started, cpu = time.perf_counter(), time.process_time()
            response = (
                getattr(client, method)(path, data) if data is not None else getattr(client, method)(path)
            )
            ms, cpu_ms = (time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000
        assert response.status_code in expect, (name, response.status_code)
        steps[name].append((ms, cpu_ms, timer))
        return response

    try:
        # One client for all: a new one loads the middleware again (WhiteNoise reads every
        # static file), which a served process does once. Cookies cleared: a new browser.
        client = Client()
        client.get("/accounts/login/")
        for run in range(args.runs):
            for who, username in [("panel member", "panel"), ("officer", officers[run])]:
                client.cookies.clear()
                step(f"{who}: sign-in form", client, "get", "/accounts/login/")
                response = step(
                    f"{who}: password post",
                    client,
                    "post",
                    "/accounts/login/",
                    {"username": username, "password": password},
                )
                landing = response["Location"]
                if who == "officer":
                    response = step(
                        f"{who}: code post",
                        client,
                        "post",
                        "/accounts/mfa/",
                        {"code": mfa.current_code(mfa.hex_key_from_base32(secret))},
                    )
                    assert response.status_code == 302, "the code was refused"
                    landing = response["Location"]
                bump_all_tables()  # as after a lead's update: the landing page is computed
                step(f"{who}: landing {landing} (computed)", client, "get", landing, expect=(200,))
                step(f"{who}: landing {landing} (warm)", client, "get", landing, expect=(200,))
    finally:
        get_user_model().objects.filter(username__startswith="profile-officer-").delete()

    print(f"\n{args.runs} runs each; medians. Queries are per request (the same every run).")
    print(f"{'step':<44} {'ms':>7} {'CPU ms':>7} {'queries':>8}  by kind: count / ms")
    for name, runs in steps.items():
        timer = runs[-1][2]
        kinds = ", ".join(
            f"{label} {timer.count[label]} / {statistics.median(r[2].ms[label] for r in runs):.1f}"
            for label in sorted(timer.count)
        )
        print(
            f"{name:<44} {statistics.median(r[0] for r in runs):>7.1f} "
            f"{statistics.median(r[1] for r in runs):>7.1f} "
            f"{sum(timer.count.values()):>8}  {kinds}"
        )
    with open("/proc/loadavg") as loadavg:
        print(f"Machine load average: {' '.join(loadavg.read().split()[:3])}")


if __name__ == "__main__":
    main()
