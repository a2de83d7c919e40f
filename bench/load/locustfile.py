"""The portal's real mix of users, for Locust (run by ``bench/load/run.py``; see docs/performance.md).

- Panel members browse the dashboard, the plan, the performance measures and the reports.
- Subgroup leads read their actions and post progress updates; each update carries a unique
  token, and every token the portal acknowledged (a redirect after the post) is written to
  ``LOAD_RESULTS_FILE`` so the runner can count them in the database afterwards.
- Participation officers read their lists.

Each user signs in first (the demo users, ``DEMO_PASSWORD``; officers with a code from the
demo authenticator key too), so the spawn rate sets how many people sign in at once.
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

from locust import HttpUser, between, events, task

PASSWORD = os.environ.get("DEMO_PASSWORD", "demo-portal-2026")
TOTP_SECRET = os.environ.get("DEMO_TOTP_SECRET", "HCPDEMOTOTPSECRETHCPDEMO")  # the demo accounts' key
OFFICERS = int(os.environ.get("LOAD_OFFICERS", 20))  # load-officer-01 … (bench/load/run.py)
RESULTS_FILE = os.environ.get("LOAD_RESULTS_FILE", "load-results.json")
ERROR_PAGE = "Sorry, there is a problem with the service"
TOKEN_PREFIX = "load-token-"  # noqa: S105 - marks the load test's updates, not a secret

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ACTION_LINK = re.compile(r'href="/plan/actions/(\d+)/"')
KPI_LINK = re.compile(r'href="/kpis/([A-Z0-9]+)/"')
REPORT_LINK = re.compile(r'href="/panel/reports/(\d+)/"')

attempted: list[str] = []  # tokens of every update posted
acknowledged: list[str] = []  # tokens of updates the portal said it saved
failures: list[dict] = []  # every failed request: what, status, how long, whether it was our error page


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
        json.dump({"attempted": attempted, "acknowledged": acknowledged, "failures": failures}, out)


class PortalUser(HttpUser):
    abstract = True
    wait_time = between(1, 4)
    username = ""

    def on_start(self):
        self.submit(
            "/accounts/login/",
            {"username": self.username, "password": PASSWORD},
            form_name="sign in (form)",
            name="sign in",
        )

    def submit(self, path: str, fields: dict, *, form_name: str, name: str) -> bool:
        """Open the form at ``path`` and post it with its CSRF token, as a browser does; true
        when the portal accepted it (it redirects after every successful post)."""
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
            return response.status_code == 302

    def links(self, path: str, pattern: re.Pattern, name: str) -> list[str]:
        response = self.client.get(path, name=name)
        return pattern.findall(response.text) if response.ok else []


class PanelMember(PortalUser):
    weight = 3
    username = "panel"

    def on_start(self):
        super().on_start()
        self.kpis = self.links("/kpis/", KPI_LINK, "/kpis/") or ["CLA"]
        self.actions = self.links("/plan/", ACTION_LINK, "/plan/")
        self.reports = self.links("/panel/reports/", REPORT_LINK, "/panel/reports/")

    @task(4)
    def dashboard(self):
        self.client.get("/panel/", name="/panel/ (dashboard)")

    @task(2)
    def plan(self):
        self.client.get("/plan/", name="/plan/")

    @task(1)
    def plan_filtered(self):
        self.client.get("/plan/?rag=red", name="/plan/?rag=red")

    @task(1)
    def action(self):
        if self.actions:
            self.client.get(f"/plan/actions/{random.choice(self.actions)}/", name="/plan/actions/[id]/")

    @task(2)
    def kpi_list(self):
        self.client.get("/kpis/", name="/kpis/")

    @task(2)
    def kpi(self):
        self.client.get(f"/kpis/{random.choice(self.kpis)}/", name="/kpis/[code]/")

    @task(1)
    def reports(self):
        self.client.get("/panel/reports/", name="/panel/reports/")

    @task(1)
    def report(self):
        if self.reports:
            self.client.get(f"/panel/reports/{random.choice(self.reports)}/", name="/panel/reports/[id]/")

    @task(1)
    def young_people(self):
        self.client.get("/young-people/", name="/young-people/")


class SubgroupLead(PortalUser):
    weight = 1
    username = "lead"

    def on_start(self):
        super().on_start()
        self.mine = self.links("/plan/mine/", ACTION_LINK, "/plan/mine/")

    @task(3)
    def my_actions(self):
        self.mine = self.links("/plan/mine/", ACTION_LINK, "/plan/mine/") or self.mine

    @task(3)
    def action(self):
        if self.mine:
            self.client.get(f"/plan/actions/{random.choice(self.mine)}/", name="/plan/actions/[id]/")

    @task(1)
    def post_update(self):
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
    """Signs in with a password and a code from the authenticator app, as officers must; each
    simulated officer has an account of its own (``bench/load/run.py`` makes them)."""

    weight = 1
    accounts = itertools.count(1)

    def on_start(self):
        self.username = f"load-officer-{(next(self.accounts) - 1) % OFFICERS + 1:02d}"
        super().on_start()
        self.submit(
            "/accounts/mfa/",
            {"code": totp_now(TOTP_SECRET)},
            form_name="sign in (code form)",
            name="sign in (code)",
        )

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
