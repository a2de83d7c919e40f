"""Hostile strings in every URL parameter and form field of the permission matrix: never a 5xx.

For each URL (and method) of the matrix, as a role that may use it: the page's own form
fields (read from its HTML) and the query parameters views read (read from the source)
all get each hostile value at once; a form's fields also get one each, one field at a
time, beside valid values for the rest; string path arguments get every value too.
Any server error, raised or answered, is collected and reported together.
"""

import re
from pathlib import Path
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse

from tests.test_permissions import CASES, world  # noqa: F401 - the matrix's objects

ROOT = Path(__file__).resolve().parents[2]
APP_DIRS = ("accounts", "actions", "core", "panel", "participation")
HOSTILE = [
    "\x00",
    "A" * 5000,
    "' OR '1'='1' --",
    '<script>alert("x")</script>',
    "../../../../etc/passwd",
    "-1",
    "99999999999999999999999",
    "2026-02-30",
    "😀\u202e",
]
FIELD_NAME = re.compile(r'name="([^"]+)"')
NOT_FIELDS = {"csrfmiddlewaretoken"}


def query_parameters() -> set[str]:
    """Every request.GET key the apps read."""
    pattern = re.compile(r"request\.GET(?:\.get|\.getlist)?[\(\[]\s*\"([A-Za-z_]+)\"")
    names = set()
    for app in APP_DIRS:
        for path in (ROOT / app).rglob("*.py"):
            names |= set(pattern.findall(path.read_text()))
    return names


def acting_role(case) -> str | None:
    for role in ("admin", "ivstaff", "participation", "lead", "panel"):
        if case.expected[role] < 400:
            return role
    return None


def field_names(client, url: str) -> set[str]:
    response = client.get(url)
    if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
        return set()
    return set(FIELD_NAME.findall(response.content.decode())) - NOT_FIELDS


def check(failures, label, send, *args, **kwargs) -> None:
    try:
        response = send(*args, **kwargs)
    except Exception as exc:  # a server error raised through the test client
        failures.append(f"{label}: {type(exc).__name__}: {str(exc)[:200]}")
        return
    if response.status_code >= 500:
        failures.append(f"{label}: {response.status_code}")


def urlencoded(data: dict) -> str:
    return "&".join(f"{quote(key)}={quote(value)}" for key, value in data.items())


# Each request commits on its own, as in production, so one server error cannot poison the rest.
@pytest.mark.django_db(transaction=True)
def test_no_hostile_input_gives_a_server_error(world):  # noqa: F811
    failures = []
    params = query_parameters()
    clients = {}
    done = set()
    for case in CASES:
        role = acting_role(case)
        key = (case.url_name, case.method)
        if role is None or key in done:
            continue
        done.add(key)
        client = clients.get(role)
        if client is None:
            client = clients[role] = Client()
            client.force_login(world["users"][role])
        args = case.args(world)
        url = reverse(case.url_name, args=args)
        base = case.data(world)
        if case.method == "get":
            names = params | field_names(client, url)
            for value in HOSTILE:
                check(failures, f"GET {url} all={value[:20]!r}", client.get, url, dict.fromkeys(names, value))
            for arg in (a for a in args if isinstance(a, str)):
                for value in HOSTILE:
                    hostile_url = url.replace(f"/{arg}", f"/{quote(value, safe='')}", 1)
                    check(failures, f"GET {hostile_url[:80]}", client.get, hostile_url)
        else:
            names = set(base) | field_names(client, url)
            for value in HOSTILE:
                data = dict.fromkeys(names, value)
                check(failures, f"POST {url} all={value[:20]!r}", client.post, url, data)
                if value == "\x00":  # NUL is what form-encoded bodies carry differently
                    form_type = "application/x-www-form-urlencoded"
                    label = f"POST {url} urlencoded all={value[:20]!r}"
                    check(failures, label, client.post, url, urlencoded(data), content_type=form_type)
            for i, name in enumerate(sorted(names)):
                value = HOSTILE[i % len(HOSTILE)]
                check(failures, f"POST {url} {name}={value[:20]!r}", client.post, url, {**base, name: value})
    assert not failures, f"{len(failures)} server errors:\n" + "\n".join(failures)
