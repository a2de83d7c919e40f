from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from panel.tasks import clear_expired_sessions
from tests.conftest import wait_for


def make_session(*, expires_in: timedelta) -> str:
    store = SessionStore()
    store["x"] = 1
    store.create()
    Session.objects.filter(session_key=store.session_key).update(expire_date=timezone.now() + expires_in)
    return store.session_key


@pytest.mark.django_db
def test_clear_expired_sessions_deletes_only_expired_ones():
    old = make_session(expires_in=timedelta(minutes=-1))
    live = make_session(expires_in=timedelta(minutes=30))
    assert clear_expired_sessions() == 1
    assert not Session.objects.filter(session_key=old).exists()
    assert Session.objects.filter(session_key=live).exists()


@pytest.mark.celery_worker
def test_a_real_worker_runs_the_scheduled_session_clean_up(celery_worker):
    old = make_session(expires_in=timedelta(minutes=-1))
    clear_expired_sessions.delay()
    wait_for(lambda: not Session.objects.filter(session_key=old).exists())


def test_the_beat_schedule_names_only_registered_tasks():
    from havering_cp.celery import app

    app.loader.import_default_modules()
    for name, entry in app.conf.beat_schedule.items():
        assert entry["task"] in app.tasks, name
