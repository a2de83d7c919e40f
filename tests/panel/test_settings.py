"""Production settings refuse to start unsafe and pass Django's deployment checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args, **env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.update(env)
    environment["DJANGO_SETTINGS_MODULE"] = "havering_cp.settings"
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage("check", DJANGO_DEBUG="0")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_a_boolean_setting_that_is_not_a_boolean_stops_start_up():
    result = run_manage("check", DJANGO_DEBUG="flase")
    assert result.returncode != 0
    assert "DJANGO_DEBUG='flase' is not a boolean" in result.stderr


def test_a_malformed_database_url_stops_start_up():
    result = run_manage("check", DATABASE_URL="nosuchdb://x")
    assert result.returncode != 0


def test_production_settings_pass_check_deploy_with_no_warnings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="a-long-random-production-secret-" + "x7Q2p9Lm" * 6,
        DJANGO_ALLOWED_HOSTS="portal.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.django_db
def test_every_response_carries_a_strict_content_security_policy(client):
    response = client.get("/accounts/login/")
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("REPORT_MAX_ATTEMPTS", "0", "REPORT_MAX_ATTEMPTS must be 1 or more."),
        ("SESSION_IDLE_MINUTES", "half", "SESSION_IDLE_MINUTES='half' is not a whole number."),
        ("MEETING_PACK_DAYS_BEFORE", "-1", "MEETING_PACK_DAYS_BEFORE must be 0 or more."),
    ],
)
def test_a_whole_number_setting_that_is_out_of_range_or_not_a_number_stops_start_up(name, value, message):
    result = run_manage("check", **{name: value})
    assert result.returncode != 0
    assert message in result.stderr


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("SESSION_MAX_HOURS", "nan", "SESSION_MAX_HOURS must be a number more than 0."),
        ("SESSION_MAX_HOURS", "-2", "SESSION_MAX_HOURS must be a number more than 0."),
        ("AXES_COOLOFF_HOURS", "inf", "AXES_COOLOFF_HOURS must be a number more than 0."),
        ("AXES_COOLOFF_HOURS", "soon", "AXES_COOLOFF_HOURS='soon' is not a number."),
    ],
)
def test_an_hours_setting_that_is_not_a_finite_positive_number_stops_start_up(name, value, message):
    result = run_manage("check", **{name: value})
    assert result.returncode != 0
    assert message in result.stderr


ENTRA = {
    "OIDC_RP_CLIENT_ID": "portal",
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "https://login.example.org/authorize",
    "OIDC_OP_TOKEN_ENDPOINT": "https://login.example.org/token",
    "OIDC_OP_USER_ENDPOINT": "https://login.example.org/userinfo",
    "OIDC_OP_JWKS_ENDPOINT": "https://login.example.org/keys",
    "OIDC_ROLE_MAP": "0b7c=Panel member,9d8e=Administrator",
}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"OIDC_OP_JWKS_ENDPOINT": ""}, "these are needed too: OIDC_OP_JWKS_ENDPOINT."),
        ({"OIDC_ROLE_MAP": ""}, "OIDC_ROLE_MAP must name at least one group"),
        ({"OIDC_ROLE_MAP": "0b7c"}, "OIDC_ROLE_MAP item '0b7c' must look like group-id=Role name."),
        ({"OIDC_ROLE_MAP": "0b7c=Chair"}, "OIDC_ROLE_MAP names roles the portal does not have: Chair."),
    ],
)
def test_single_sign_on_settings_that_are_incomplete_or_wrong_stop_start_up(changes, message):
    result = run_manage("check", **(ENTRA | changes))
    assert result.returncode != 0
    assert message in result.stderr


def test_complete_single_sign_on_settings_pass_the_checks():
    result = run_manage("check", **ENTRA)
    assert result.returncode == 0, result.stderr
