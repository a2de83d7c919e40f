"""The portal's real mix of users, for Locust (run by ``bench/load/run.py``; see docs/performance.md).

- Panel members browse the dashboard, the plan, the performance measures and the reports.
- Subgroup leads read their actions and post progress updates; each update carries a unique
  token, and every token the portal acknowledged (a redirect after the post) is written to
  ``LOAD_RESULTS_FILE`` so the runner can count them in the database afterwards.
- Participation officers read their lists.

Users are Locust's ``FastHttpUser`` (geventhttpclient): the load generator shares the server's
cores, and this client takes a fraction of the CPU per request that ``HttpUser`` (requests) does.

Each user signs in first, as an account of their own (``load-panel-01``, ``load-lead-01``,
``load-officer-01`` …, made by ``bench/load/run.py`` with the demo users' roles and
``DEMO_PASSWORD``; officers with a code from the demo authenticator key too), so the arrival
rate sets how many people sign in at once. The
whole sign-in as a person sees it (form, password, code, landing page) is timed too and
written with the results.

Set by ``bench/load/run.py`` through the environment (a load shape, ``MeetingMorning``):
``LOAD_USERS`` people arriving at ``LOAD_ARRIVAL_RATE`` a second, the first
``LOAD_RUSH_USERS`` of them within ``LOAD_RUSH_SECONDS`` (the sign-in rush; 0 for none), for
``LOAD_RUN_SECONDS``; ``LOAD_WRITES_PER_MINUTE`` paces the leads' updates across all leads (0:
each lead posts on one task in seven, as before).
"""

import base64
import hashlib
import hmac
import itertools
import json
import os
import random
import re
import struct
import time
import uuid

from locust import FastHttpUser, LoadTestShape, between, events, task

PASSWORD = os.environ.get("DEMO_PASSWORD", "demo-portal-2026")
TOTP_SECRET = os.environ.get("DEMO_TOTP_SECRET", "HCPDEMOTOTPSECRETHCPDEMO")  # the demo accounts' key
ACCOUNTS = int(os.environ.get("LOAD_ACCOUNTS", 50))  # load-panel-01 … of each role (bench/load/run.py)
RESULTS_FILE = os.environ.get("LOAD_RESULTS_FILE", "load-results.json")
ERROR_PAGE = "Sorry, there is a problem with the service"
TOKEN_PREFIX = "load-token-"  # noqa: S105 - marks the load test's updates, not a secret
USERS = int(os.environ.get("LOAD_USERS", 50))
ARRIVAL_RATE = float(os.environ.get("LOAD_ARRIVAL_RATE", 5))
RUSH_USERS = int(os.environ.get("LOAD_RUSH_USERS", 0))
RUSH_SECONDS = float(os.environ.get("LOAD_RUSH_SECONDS", 5))
RUN_SECONDS = float(os.environ.get("LOAD_RUN_SECONDS", 120))
WRITES_PER_MINUTE = float(os.environ.get("LOAD_WRITES_PER_MINUTE", 0))

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ACTION_LINK = re.compile(r'href="/plan/actions/(\d+)/"')
KPI_LINK = re.compile(r'href="/kpis/([A-Z0-9]+)/"')
REPORT_LINK = re.compile(r'href="/panel/reports/(\d+)/"')

attempted: list[str] = []  # tokens of every update posted
acknowledged: list[str] = []  # tokens of updates the portal said it saved
failures: list[dict] = []  # every failed request: what, status, how long, whether it was our error page
sign_ins: list[
    dict
] = []  # each whole sign-in (form, password, code, landing page): ms, whether it ended well
requests: list[tuple[float, str, float]] = []  # every request: when it ended, its name, ms


@events.request.add_listener
def _record_request(request_type, name, response_time, **kwargs):
    requests.append((time.time(), name, response_time))


@events.request.add_listener
def _record_failure(request_type, name, response_time, response, exception, **kwargs):
    if exception is None:
        return
    body = getattr(response, "text", "") or ""
    failures.append(
        {
            "at": time.time(),
            "name": name,
            "status": getattr(response, "status_code", 0),
            "ms": response_time,
            "error_page": ERROR_PAGE in body,
            "error": str(exception)[:200],
        }
    )


@events.quitting.add_listener
def _write_results(environment, **kwargs):
    with open(RESULTS_FILE, "w") as out:
        json.dump(
            {
                "attempted": attempted,
                "acknowledged": acknowledged,
                "failures": failures,
                "sign_ins": sign_ins,
                "requests": requests,
            },
            out,
        )


class PortalUser(FastHttpUser):
    """Signs in as the next account of its role (``load-<role>-NN``): no two people share one."""

    abstract = True
    wait_time = between(1, 4)
    role = ""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.accounts = itertools.count(1)

    def on_start(self):
        self.username = f"load-{self.role}-{(next(self.accounts) - 1) % ACCOUNTS + 1:02d}"
        self.sign_in_started = time.perf_counter()
        self.landing = self.submit(
            "/accounts/login/",
            {"username": self.username, "password": PASSWORD},
            form_name="sign in (form)",
            name="sign in",
        )

    def landed(self) -> str:
        """Open the page the sign-in led to, and record the whole sign-in's time; the page."""
        who = type(self).__name__
        if not self.landing:
            sign_ins.append(
                {"ms": (time.perf_counter() - self.sign_in_started) * 1000, "ok": False, "who": who}
            )
            return ""
        asked = time.perf_counter()
        response = self.client.get(self.landing, name="landing page (after sign-in)")
        now = time.perf_counter()
        sign_ins.append(
            {
                "ms": (now - self.sign_in_started) * 1000,
                "ok": response.ok,
                "who": who,
                "landing_ms": (now - asked) * 1000,
            }
        )
        return response.text if response.ok else ""

    def submit(self, path: str, fields: dict, *, form_name: str, name: str) -> str:
        """Open the form at ``path`` and post it with its CSRF token, as a browser does; the
        address the portal redirected to when it accepted it (it redirects after every
        successful post), else ''."""
        form = self.client.get(path, name=form_name)
        token = CSRF.search(form.text)
        with self.client.post(
            path,
            {**fields, "csrfmiddlewaretoken": token[1] if token else ""},
            name=name,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"{name} answered {response.status_code}")
                return ""
            return response.headers.get("Location", "/")

    def links(self, path: str, pattern: re.Pattern, name: str) -> list[str]:
        response = self.client.get(path, name=name)
        return pattern.findall(response.text) if response.ok else []


class PanelMember(PortalUser):
    """Lands on the dashboard, then opens a page every few seconds; the links a task needs are
    read from the list page it opens first (a person reads the page they land on before
    opening the next: no page is fetched at once after another)."""

    weight = 3
    role = "panel"

    def on_start(self):
        super().on_start()
        self.landed()
        self.kpi_codes: list[str] = []
        self.action_ids: list[str] = []
        self.report_ids: list[str] = []

    @task(4)
    def dashboard(self):
        self.client.get("/panel/", name="/panel/ (dashboard)")

    @task(2)
    def plan(self):
        self.action_ids = self.links("/plan/", ACTION_LINK, "/plan/") or self.action_ids

    @task(1)
    def plan_filtered(self):
        self.client.get("/plan/?rag=red", name="/plan/?rag=red")

    @task(1)
    def action(self):
        if not self.action_ids:
            return self.plan()
        self.client.get(f"/plan/actions/{random.choice(self.action_ids)}/", name="/plan/actions/[id]/")

    @task(2)
    def kpi_list(self):
        self.kpi_codes = self.links("/kpis/", KPI_LINK, "/kpis/") or self.kpi_codes

    @task(2)
    def kpi(self):
        if not self.kpi_codes:
            return self.kpi_list()
        self.client.get(f"/kpis/{random.choice(self.kpi_codes)}/", name="/kpis/[code]/")

    @task(1)
    def reports(self):
        self.report_ids = self.links("/panel/reports/", REPORT_LINK, "/panel/reports/") or self.report_ids

    @task(1)
    def report(self):
        if not self.report_ids:
            return self.reports()
        self.client.get(f"/panel/reports/{random.choice(self.report_ids)}/", name="/panel/reports/[id]/")

    @task(1)
    def young_people(self):
        self.client.get("/young-people/", name="/young-people/")


class WriteSchedule:
    """Updates due across all leads at LOAD_WRITES_PER_MINUTE (Locust's users are greenlets:
    one runs at a time, so no lock)."""

    next_at = 0.0

    @classmethod
    def due(cls) -> bool:
        now = time.monotonic()
        if now < cls.next_at:
            return False
        cls.next_at = max(cls.next_at, now) + 60 / WRITES_PER_MINUTE
        return True


class SubgroupLead(PortalUser):
    """Reads their own actions (a share of the plan's) and posts updates on them."""

    weight = 1
    role = "lead"

    def on_start(self):
        super().on_start()
        self.mine = ACTION_LINK.findall(self.landed())  # the landing page is My actions

    def wrote(self) -> bool:
        """With writes paced, every task of every lead posts instead when an update is due."""
        if WRITES_PER_MINUTE and WriteSchedule.due():
            self.post()
            return True
        return False

    @task(3)
    def my_actions(self):
        if not self.wrote():
            self.mine = self.links("/plan/mine/", ACTION_LINK, "/plan/mine/") or self.mine

    @task(3)
    def action(self):
        if not self.wrote() and self.mine:
            self.client.get(f"/plan/actions/{random.choice(self.mine)}/", name="/plan/actions/[id]/")

    @task(1)
    def post_update(self):
        if not WRITES_PER_MINUTE:
            self.post()
        else:
            self.wrote()

    def post(self):
        if not self.mine:
            return
        token = f"{TOKEN_PREFIX}{uuid.uuid4().hex}"
        attempted.append(token)
        accepted = self.submit(
            f"/plan/actions/{random.choice(self.mine)}/update/",
            {
                "status": "on_track",
                "done": f"Synthetic load-test update {token}",
                "next_steps": "",
                "evidence_url": "",
            },
            form_name="/plan/actions/[id]/update/ (form)",
            name="/plan/actions/[id]/update/ (post)",
        )
        if accepted:
            acknowledged.append(token)


def totp_now(secret: str, *, step: int = 30, digits: int = 6) -> str:
    """The code an authenticator app shows now for a base32 key (RFC 6238, as django-otp checks it)."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", int(time.time()) // step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**digits).zfill(digits)


class ParticipationOfficer(PortalUser):
    """Signs in with a password and a code from the authenticator app, as officers must."""

    weight = 1
    role = "officer"

    def on_start(self):
        super().on_start()
        if self.landing:
            self.landing = self.submit(
                "/accounts/mfa/",
                {"code": totp_now(TOTP_SECRET)},
                form_name="sign in (code form)",
                name="sign in (code)",
            )
        self.landed()

    @task(2)
    def feedback(self):
        self.client.get("/participation/feedback/", name="/participation/feedback/")

    @task(2)
    def groups(self):
        self.client.get("/participation/", name="/participation/")

    @task(1)
    def figures(self):
        self.client.get("/participation/figures/", name="/participation/figures/")

    @task(1)
    def home(self):
        self.client.get("/", name="/ (home)")


class MeetingMorning(LoadTestShape):
    """The first LOAD_RUSH_USERS people sign in within LOAD_RUSH_SECONDS, the rest arrive at
    LOAD_ARRIVAL_RATE a second, until LOAD_USERS are working; stop after LOAD_RUN_SECONDS."""

    def tick(self):
        elapsed = self.get_run_time()
        if elapsed >= RUN_SECONDS:
            return None
        rush = min(RUSH_USERS, USERS)
        if rush and elapsed < RUSH_SECONDS:
            return rush, rush / RUSH_SECONDS
        return USERS, ARRIVAL_RATE
