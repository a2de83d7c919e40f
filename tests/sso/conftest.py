"""A real OpenID provider (tests/sso/provider, django-oidc-provider) in a second process.

It listens on a free loopback port; the portal, served by pytest-django's live server,
signs users in through it. Nothing is downloaded and nothing leaves the loopback address.
Without the provider the tests skip, and under REQUIRE_SERVICES=1 they fail.
"""

import json
import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg2
import pytest
import requests
from django.db import connection
from psycopg2 import sql

from tests.conftest import require_service
from tests.servers import stop

ROOT = Path(__file__).resolve().parents[2]
CLIENT_ID = "havering-portal"
CLIENT_SECRET = "test-client-secret"
PASSWORD = "provider-password"
START_SECONDS = 30
# Directory groups (Entra's object ids) and the portal roles they give.
ROLE_MAP = {
    "0b7c4d1e-panel": "Panel member",
    "5a2f9e3c-leads": "Subgroup lead",
    "9d8e7f6a-admins": "Administrator",
}


@dataclass
class Provider:
    url: str
    env: dict

    def run(self, *args: str) -> None:
        subprocess.run(
            [sys.executable, "-m", "django", *args], cwd=ROOT, env=self.env, check=True, capture_output=True
        )

    def user(self, username: str, *, groups: list[str], email: str | None = None) -> None:
        """Create the user at the provider, or replace their groups (``amr:mfa`` marks a second factor)."""
        spec = {
            "username": username,
            "password": PASSWORD,
            "email": email or f"{username}@havering.example.org",
            "first_name": username.title(),
            "last_name": "Council",
            "groups": groups,
        }
        self.run("provider_setup", json.dumps({"users": [spec]}))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=1).status_code == 200
    except requests.RequestException:
        return False


@contextmanager
def provider_database():
    """A database of the provider's own, beside the test database on the same server."""
    portal = connection.settings_dict
    database = {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": f"{portal['NAME']}_openid_provider",
        **{key: portal[key] for key in ("USER", "PASSWORD", "HOST", "PORT")},
    }
    server = psycopg2.connect(
        dbname="postgres",
        user=database["USER"],
        password=database["PASSWORD"],
        host=database["HOST"],
        port=database["PORT"],
    )
    server.autocommit = True
    name = sql.Identifier(database["NAME"])
    try:
        with server.cursor() as cursor:
            cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(name))
        yield database
    finally:
        with server.cursor() as cursor:
            cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        server.close()


@pytest.fixture(scope="session")
def openid_provider(live_server, tmp_path_factory):
    with provider_database() as database:
        yield from _serve_provider(live_server, tmp_path_factory.mktemp("openid-provider"), database)


def _serve_provider(live_server, folder, database):
    port = _free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABASE_", "REDIS_", "DJANGO_"))
    }
    env |= {
        "DJANGO_SETTINGS_MODULE": "tests.sso.provider.settings",
        "HCP_TEST_OP_DB": json.dumps(database),
        "PYTHONPATH": str(ROOT),
    }
    provider = Provider(url=f"http://127.0.0.1:{port}", env=env)
    client = {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "redirect_uri": f"{live_server.url}/oidc/callback/",
    }
    try:
        provider.run("migrate", "--verbosity=0")
        provider.run("provider_setup", json.dumps({"client": client}))
    except subprocess.CalledProcessError as exc:
        require_service(False, f"the test OpenID provider could not be set up: {exc.stderr.decode()[-500:]}")
    log = (folder / "provider.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "django", "runserver", "--noreload", "--skip-checks", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + START_SECONDS
        discovery = f"{provider.url}/openid/.well-known/openid-configuration"
        while not _answers(discovery) and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        require_service(_answers(discovery), f"the test OpenID provider did not start (see {log.name})")
        yield provider
    finally:
        stop(process, seconds=10)
        log.close()


@pytest.fixture
def single_sign_on(settings, openid_provider):
    """The portal configured for the provider, as an Entra tenant would be."""
    openid = f"{openid_provider.url}/openid"
    settings.OIDC_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{openid}/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{openid}/token"
    settings.OIDC_OP_USER_ENDPOINT = f"{openid}/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{openid}/jwks"
    settings.OIDC_OP_ISSUER = openid
    settings.OIDC_ROLE_MAP = dict(ROLE_MAP)
    settings.OIDC_TRUST_IDP_MFA = False
    return openid_provider
