"""Every page that shows a child's reference records who saw which referral; refusals are
logged with the user's id; a reference searched for never reaches the access log."""

import logging
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from django.urls import reverse

from participation.models import RecordView
from tests.factories import MatchFactory, ReferralFactory, ReviewFactory, VisitFactory
from tests.participation.helpers import days_ago

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def world():
    overdue = MatchFactory(
        referral__child_reference="SEEN-MATCHED", started_on=days_ago(200), introduction_on=days_ago(200)
    )
    VisitFactory(match=overdue, visited_on=days_ago(100))
    ReviewFactory(match=overdue, held_on=days_ago(190))
    return {
        "match": overdue,
        "waiting": ReferralFactory(child_reference="SEEN-WAITING", state="awaiting_match"),
    }


def seen(view: str) -> set[str]:
    return {
        rv.referral.child_reference for rv in RecordView.objects.filter(view=view).select_related("referral")
    }


@pytest.mark.parametrize(
    ("url", "view", "expected"),
    [
        ("/participation/iv/", "IV home", {"SEEN-WAITING", "SEEN-MATCHED"}),
        ("/participation/iv/referrals/?show=all", "referral list (all)", {"SEEN-WAITING", "SEEN-MATCHED"}),
        ("/participation/iv/referrals/?show=waiting", "referral list (waiting)", {"SEEN-WAITING"}),
        ("/participation/iv/matches/?show=overdue", "match list (overdue)", {"SEEN-MATCHED"}),
    ],
)
def test_lists_record_each_child_they_show(client, users, world, url, view, expected):
    client.force_login(users["ivstaff"])
    assert client.get(url).status_code == 200
    assert seen(view) == expected
    assert {rv.user for rv in RecordView.objects.all()} == {users["ivstaff"]}


def test_a_volunteers_page_records_the_children_matched_with_them(client, users, world):
    client.force_login(users["ivstaff"])
    client.get(reverse("participation:iv:volunteer", args=[world["match"].volunteer.pk]))
    assert seen("volunteer") == {"SEEN-MATCHED"}


@pytest.mark.parametrize(
    ("model", "view"),
    [
        ("referral", "admin referral"),
        ("match", "admin match"),
        ("visit", "admin visit"),
        ("review", "admin review"),
    ],
)
def test_admin_lists_searches_and_history_pages_record_the_children_shown(client, users, world, model, view):
    client.force_login(users["admin"])
    changelist = reverse(f"admin:participation_{model}_changelist")
    assert client.get(changelist).status_code == 200
    assert "SEEN-MATCHED" in seen(f"{view} list")
    assert client.get(changelist, {"q": "SEEN-MATCHED"}).status_code == 200
    assert seen(f"{view} search") == {"SEEN-MATCHED"}
    obj = {
        "referral": world["match"].referral,
        "match": world["match"],
        "visit": world["match"].visits.get(),
        "review": world["match"].reviews.get(),
    }[model]
    assert client.get(reverse(f"admin:participation_{model}_history", args=[obj.pk])).status_code == 200
    assert seen(f"{view} history") == {"SEEN-MATCHED"}


def test_a_refused_request_is_logged_with_the_users_id(client, users, world, caplog):
    client.force_login(users["panel"])
    with caplog.at_level(logging.WARNING, logger="hcp.security"):
        assert client.get("/participation/iv/referrals/?show=all").status_code == 403
        assert client.get(f"/participation/iv/referrals/{world['waiting'].pk}/").status_code == 404
    refusals = [r.getMessage() for r in caplog.records if r.name == "hcp.security"]
    assert refusals == [
        f"refused status=403 user_id={users['panel'].pk} address=127.0.0.1 method=GET "
        "path=/participation/iv/referrals/",
        f"refused status=404 user_id={users['panel'].pk} address=127.0.0.1 method=GET "
        f"path=/participation/iv/referrals/{world['waiting'].pk}/",
    ]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.django_db(transaction=True)
def test_a_reference_searched_for_in_the_admin_never_reaches_the_access_log(tmp_path):
    """The production web server (gunicorn with deploy/gunicorn.conf.py) logs paths without queries."""
    port = _free_port()
    access_log = tmp_path / "access.log"
    env = {
        **os.environ,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
        "GUNICORN_THREADS": "1",
        "GUNICORN_ACCESS_LOG": str(access_log),
        "DJANGO_SETTINGS_MODULE": "havering_cp.settings",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "havering_cp.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                response = requests.get(
                    f"http://127.0.0.1:{port}/admin/participation/referral/?q=LCS-SECRET-42",
                    headers={"Referer": f"http://127.0.0.1:{port}/admin/?q=LCS-SECRET-42"},
                    allow_redirects=False,
                    timeout=5,
                )
                break
            except requests.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        assert response.status_code == 302
    finally:
        server.terminate()
        server.wait(timeout=30)
    logged = access_log.read_text()
    assert "/admin/participation/referral/" in logged
    assert "LCS-SECRET-42" not in logged
