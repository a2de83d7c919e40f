from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core import mail
from django.utils import timezone

from panel.models import Meeting, ReminderLog
from panel.tasks import clear_expired_sessions, send_commentary_reminders
from tests.conftest import ROLE_KEYS, wait_for
from tests.factories import UserFactory
from tests.panel.test_reminders import _owned_measures


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


@pytest.mark.celery_worker
def test_a_real_worker_sends_each_owner_one_commentary_reminder(celery_worker):
    users = {key: UserFactory(username=f"w-{key}", role=role) for key, role in ROLE_KEYS.items()}
    _owned_measures(users)
    Meeting.objects.create(starts_at=timezone.now() + timedelta(days=10))
    send_commentary_reminders.delay()
    wait_for(lambda: ReminderLog.objects.filter(kind="kpi_commentary", sent_at__isnull=False).exists())
    send_commentary_reminders.delay()  # the beat firing again in the same cycle
    # The solo worker runs tasks in order: once this later clean-up has run, so has the
    # second reminder task.
    old = make_session(expires_in=timedelta(minutes=-1))
    clear_expired_sessions.delay()
    wait_for(lambda: not Session.objects.filter(session_key=old).exists())
    assert ReminderLog.objects.filter(kind="kpi_commentary").count() == 1
    assert [message.to for message in mail.outbox] == [[users["lead"].email]]
