import os
import signal
import threading
import time

import pytest
from django.urls import reverse

from havering_cp.celery import app as celery_app
from tests.conftest import broker, cache_settings


@pytest.mark.django_db
def test_healthz_reports_ok_when_database_broker_and_cache_answer(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "broker": "ok", "cache": "ok"},
    }


@pytest.mark.django_db
def test_healthz_is_degraded_when_the_broker_is_unreachable(client, monkeypatch):
    # Nothing listens on port 1: a real connection attempt that fails at once. Pages still
    # serve (tasks are swept up later), so the load balancer should keep sending traffic.
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {
        "status": "degraded",
        "checks": {"database": "ok", "broker": "unreachable", "cache": "ok"},
    }


@pytest.mark.django_db
def test_healthz_is_503_when_the_database_fails(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise OSError("connection refused")

    # On the class: the check runs in a thread of its own, with a connection of its own.
    monkeypatch.setattr("django.db.backends.base.base.BaseDatabaseWrapper.cursor", broken_cursor)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "unreachable"


@pytest.mark.django_db
def test_healthz_reveals_no_configuration(client, settings):
    body = client.get(reverse("healthz")).content.decode()
    assert settings.SECRET_KEY not in body
    assert "127.0.0.1" not in body and "postgres" not in body


@pytest.mark.own_redis
@pytest.mark.django_db(transaction=True)
def test_healthz_answers_within_3_seconds_when_redis_hangs(client, settings, private_redis):
    """Issue 22.6: a stopped (not dead) Redis as cache and broker held each probe 30-120 s."""
    settings.CACHES = cache_settings(private_redis.url)
    answers = []
    with broker(private_redis.url):
        os.kill(private_redis.server.pid, signal.SIGSTOP)
        try:
            started = time.monotonic()
            probe = threading.Thread(
                target=lambda: answers.append(client.get(reverse("healthz"))), daemon=True
            )
            probe.start()
            probe.join(20)
            took = time.monotonic() - started
        finally:
            os.kill(private_redis.server.pid, signal.SIGCONT)
    assert took < 3, f"/healthz took {took:.1f} s"
    assert answers[0].status_code == 200
    assert answers[0].json() == {
        "status": "degraded",
        "checks": {"database": "ok", "broker": "unreachable", "cache": "unreachable"},
    }
