import pytest
from django.urls import reverse

from havering_cp.celery import app as celery_app


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

    monkeypatch.setattr("panel.views.connection.cursor", broken_cursor)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "unreachable"


@pytest.mark.django_db
def test_healthz_reveals_no_configuration(client, settings):
    body = client.get(reverse("healthz")).content.decode()
    assert settings.SECRET_KEY not in body
    assert "127.0.0.1" not in body and "postgres" not in body
