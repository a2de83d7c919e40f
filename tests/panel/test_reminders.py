from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from actions.kpis.services import kpi_commentary_add
from actions.models import KPI
from actions.roles import Role
from core.months import month_bounds, previous_month_end
from panel import reminders
from panel.models import Meeting, ProgressReport, ReminderLog
from participation.models import YoungPersonMessage
from tests.factories import ActionFactory, KPIValueFactory, ProgressUpdateFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued_report():
    """Last month's report: the one a first run or the monthly build would announce."""
    start, end = month_bounds(previous_month_end(timezone.localdate()))
    return ProgressReport.objects.create(
        kind="monthly",
        period_start=start,
        period_end=end,
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
    assert (
        message.subject
        == f"Corporate Parenting Panel: Monthly progress report, {issued_report.period_end:%B %Y} is ready"
    )
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


def test_leads_are_reminded_once_before_a_meeting_of_actions_with_no_update(users, settings):
    now = timezone.now()
    Meeting.objects.create(starts_at=now - timedelta(days=50))
    upcoming = Meeting.objects.create(starts_at=now + timedelta(days=10))
    quiet = ActionFactory(lead=users["lead"], title="Quiet action")
    busy = ActionFactory(lead=users["lead"], title="Busy action")
    ProgressUpdateFactory(action=busy, created_at=now - timedelta(days=3))
    ActionFactory(lead=users["other_lead"], title="Finished action", status="completed")

    assert reminders.send_lead_reminders(now=now) == 1
    assert reminders.send_lead_reminders(now=now) == 0
    [message] = mail.outbox
    assert message.to == [users["lead"].email]
    assert "Quiet action" in message.body and "Busy action" not in message.body
    assert f"/plan/actions/{quiet.pk}/" in message.body
    assert upcoming.starts_at.strftime("%B") in message.body


def test_iv_coordinators_get_one_weekly_digest_of_counts(users):
    assert reminders.send_iv_digest(today=date(2026, 11, 23)) == 1
    assert reminders.send_iv_digest(today=date(2026, 11, 26)) == 0  # same ISO week
    assert reminders.send_iv_digest(today=date(2026, 11, 30)) == 1  # the next week
    body = mail.outbox[0].body
    assert "Matches overdue a visit: 0" in body
    assert "no information about any child" in body


def _owned_measures(users):
    """W01 red and W02 amber, both owned by the lead; W03 red but with a commentary."""
    march = date(2026, 3, 31)
    for code, value in (("W01", "60"), ("W02", "88"), ("W03", "50")):
        kpi = KPI.objects.get(code=code)
        kpi.target, kpi.amber_tolerance, kpi.polarity = Decimal("90"), Decimal("5"), "higher"
        kpi.owner = users["lead"]
        kpi.save()
        KPIValueFactory(kpi=kpi, period_end=march, value=Decimal(value), numerator=None, denominator=None)
    kpi_commentary_add(
        kpi=KPI.objects.get(code="W03"),
        period_end=march,
        user=users["lead"],
        commentary="Explained.",
        corrective_action="In hand.",
    )
    # Green, owned by someone else: nothing to explain.
    green = KPI.objects.get(code="W04")
    green.target, green.polarity, green.owner = Decimal("30"), "lower", users["other_lead"]
    green.save()
    KPIValueFactory(kpi=green, period_end=march, value=Decimal("20"), numerator=None, denominator=None)


def test_owners_of_red_and_amber_measures_without_commentary_are_reminded_once_per_meeting(users):
    _owned_measures(users)
    now = timezone.now()
    first = Meeting.objects.create(starts_at=now + timedelta(days=10))
    assert reminders.send_commentary_reminders(now=now) == 1
    assert reminders.send_commentary_reminders(now=now + timedelta(days=1)) == 0  # same cycle
    [message] = mail.outbox
    assert message.to == [users["lead"].email]
    assert "W01" in message.body and "W02" in message.body
    assert "W03" not in message.body and "W04" not in message.body
    assert "/kpis/W01/commentary/" in message.body
    assert ReminderLog.objects.get().cycle == f"meeting-{first.pk}"
    # The next meeting is a new cycle.
    Meeting.objects.create(starts_at=first.starts_at + timedelta(days=60))
    assert reminders.send_commentary_reminders(now=first.starts_at + timedelta(days=50)) == 1


def test_no_meeting_soon_means_no_commentary_reminder(users):
    _owned_measures(users)
    Meeting.objects.create(starts_at=timezone.now() + timedelta(days=60))
    assert reminders.send_commentary_reminders() == 0
    assert mail.outbox == []


def test_a_report_back_filled_for_an_earlier_month_is_filed_without_an_email(users):
    old = ProgressReport.objects.create(
        kind="monthly",
        period_start=date(2025, 4, 1),
        period_end=date(2025, 4, 30),
        state="ready",
        issued_at=timezone.now(),
    )
    assert reminders.announce_report(report_id=old.pk) == 0
    assert mail.outbox == []


def test_a_meeting_pack_is_announced_only_before_its_meeting(users):
    def pack(days_to_meeting: int) -> ProgressReport:
        meeting = Meeting.objects.create(starts_at=timezone.now() + timedelta(days=days_to_meeting))
        day = timezone.localdate(meeting.starts_at)
        return ProgressReport.objects.create(
            kind="meeting_pack",
            meeting=meeting,
            period_start=day - timedelta(days=60),
            period_end=day - timedelta(days=7),
            state="ready",
            issued_at=timezone.now(),
        )

    assert reminders.announce_report(report_id=pack(-30).pk) == 0
    assert reminders.announce_report(report_id=pack(5).pk) == 1
    assert "Meeting pack for" in mail.outbox[0].subject


def test_emails_give_dates_the_uk_way_and_link_to_site_url(users, settings):
    settings.SITE_URL = "http://127.0.0.1:8123"
    meeting = Meeting.objects.create(starts_at=timezone.make_aware(datetime(2027, 1, 10, 18)))
    assert str(meeting) == "Corporate Parenting Panel, 10 January 2027"
    start, end = month_bounds(previous_month_end(timezone.localdate()))
    report = ProgressReport.objects.create(
        kind="monthly", period_start=start, period_end=end, state="ready", issued_at=timezone.now()
    )
    reminders.announce_report(report_id=report.pk)
    assert f"http://127.0.0.1:8123/panel/reports/{report.pk}/" in mail.outbox[0].body


def test_participation_officers_get_a_weekly_digest_of_message_counts_never_the_words(users, settings):
    settings.YOUNG_PEOPLE_ANSWER_DAYS = 10
    now = timezone.now()
    YoungPersonMessage.objects.create(text="Secret words about my home", received_at=now - timedelta(days=12))
    YoungPersonMessage.objects.create(text="More trips", received_at=now - timedelta(days=1))
    assert reminders.send_participation_digest(now=now) == 1
    assert reminders.send_participation_digest(now=now) == 0  # once a week
    message = mail.outbox[0]
    assert message.to == [users["participation"].email]
    assert "Waiting for an answer: 2" in message.body
    assert "Overdue (waiting more than 10 days): 1" in message.body
    assert "Received in the last 7 days: 1" in message.body
    assert "/participation/messages/" in message.body
    assert "Secret words" not in message.body and "More trips" not in message.body
