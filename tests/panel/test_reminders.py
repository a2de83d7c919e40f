from datetime import date

import pytest
from django.core import mail
from django.utils import timezone

from actions.roles import Role
from panel import reminders
from panel.models import ProgressReport, ReminderLog
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued_report():
    return ProgressReport.objects.create(
        kind="monthly",
        period_start=date(2025, 4, 1),
        period_end=date(2025, 4, 30),
        state="ready",
        html="<p>x</p>",
        issued_at=timezone.now(),
    )


def test_panel_members_are_told_once_that_a_report_is_ready(users, issued_report, settings):
    UserFactory(username="second-member", role=Role.PANEL_MEMBER)
    assert reminders.announce_report(report_id=issued_report.pk) == 2
    assert reminders.announce_report(report_id=issued_report.pk) == 0  # a second run sends nothing
    assert len(mail.outbox) == 2
    message = mail.outbox[0]
    assert message.subject == "Corporate Parenting Panel: Monthly progress report, April 2025 is ready"
    assert f"{settings.SITE_URL}{issued_report.get_absolute_url()}" in message.body
    assert "no information about any child" in message.body


def test_a_report_not_yet_issued_is_not_announced(users, issued_report):
    ProgressReport.objects.filter(pk=issued_report.pk).update(state="building")
    assert reminders.announce_report(report_id=issued_report.pk) == 0
    assert mail.outbox == []


def test_a_failed_send_is_released_so_the_retry_sends_it(users, issued_report, monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr(reminders, "send_mail", refuse)
    with pytest.raises(ConnectionRefusedError):
        reminders.announce_report(report_id=issued_report.pk)
    assert ReminderLog.objects.get().sent_at is None
    monkeypatch.undo()
    assert reminders.announce_report(report_id=issued_report.pk) == 1
