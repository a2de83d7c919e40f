"""E-mail reminders and announcements, each sent at most once per person per cycle.

No e-mail carries anything about a child: only titles, dates and links to the portal,
where access rules apply.
"""

import logging
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db.models import Exists, Max, OuterRef, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from actions.kpis.selectors import latest_kpi_figures, red_and_amber_commentary
from actions.models import KPI, Action, ProgressUpdate
from actions.roles import Role
from core.formatting import uk_date
from participation.iv.selectors import dbs_expiring, overdue_visits, reviews_due
from participation.selectors import message_counts

from .models import Meeting, ProgressReport, ReminderLog
from .reports import should_announce

logger = logging.getLogger(__name__)


def send_once(*, kind: str, cycle: str, recipient, subject: str, template: str, context: dict) -> bool:
    """Send one e-mail unless this person already had it for this cycle.

    The row is claimed by a conditional update, so two workers cannot both send it; if
    sending fails the claim is released and the task's retry tries again.
    """
    log, _ = ReminderLog.objects.get_or_create(kind=kind, cycle=cycle, recipient=recipient)
    if not ReminderLog.objects.filter(pk=log.pk, sent_at__isnull=True).update(sent_at=timezone.now()):
        return False
    body = render_to_string(template, {**context, "recipient": recipient, "site_url": settings.SITE_URL})
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient.email])
    except Exception:
        ReminderLog.objects.filter(pk=log.pk).update(sent_at=None)
        raise
    return True


def _members_of(role: str):
    return (
        get_user_model()
        .objects.filter(groups__name=role, is_active=True)
        .exclude(email="")
        .order_by("pk")
        .distinct()
    )


def announce_report(*, report_id: int, today: date | None = None) -> int:
    """Tell every panel member that a report is ready, with a link. Returns how many were sent.

    Reports back-filled for past periods (a first start, or catching up after an outage)
    are filed quietly: only the current or just-ended period's report is announced.
    """
    report = ProgressReport.objects.select_related("meeting").defer("data", "html", "pdf").get(pk=report_id)
    if not report.is_ready or not should_announce(report, today=today or timezone.localdate()):
        return 0
    sent = 0
    for member in _members_of(Role.PANEL_MEMBER):
        sent += send_once(
            kind=ReminderLog.Kind.REPORT_ISSUED,
            cycle=f"report-{report.pk}",
            recipient=member,
            subject=f"Corporate Parenting Panel: {report} is ready",
            template="panel/email/report_issued.txt",
            context={"report": report},
        )
    return sent


def meetings_needing_lead_reminders(*, now) -> list[Meeting]:
    window = now + timedelta(days=settings.LEAD_REMINDER_DAYS_BEFORE)
    return list(Meeting.objects.filter(starts_at__gt=now, starts_at__lte=window).order_by("starts_at"))


def updates_due_since(meeting: Meeting):
    """An action is updated for a meeting if it has an update since the meeting before
    (or, for the first meeting, in the 60 days before it)."""
    previous = Meeting.objects.filter(starts_at__lt=meeting.starts_at).order_by("-starts_at").first()
    return previous.starts_at if previous else meeting.starts_at - timedelta(days=60)


def open_actions_updated_since(*, since) -> QuerySet:
    """Open actions, each with ``updated`` (whether it has a progress update since ``since``)
    and ``last_update``: the rule both the reminders and the completion page apply."""
    recent = ProgressUpdate.objects.filter(action=OuterRef("pk"), created_at__gte=since)
    return (
        Action.objects.exclude(status__in=[Action.Status.COMPLETED, Action.Status.DEFERRED])
        .annotate(updated=Exists(recent), last_update=Max("updates__created_at"))
        .select_related("lead", "commitment")
    )


def actions_without_update_since(*, since) -> dict:
    """Open actions with no progress update since ``since``, grouped by lead."""
    actions = open_actions_updated_since(since=since).filter(updated=False).order_by("lead_id", "due_date")
    by_lead: dict = {}
    for action in actions:
        by_lead.setdefault(action.lead, []).append(action)
    return by_lead


def send_lead_reminders(*, now=None) -> int:
    """Before each meeting, remind leads of their actions with no update since the last one."""
    now = now or timezone.now()
    sent = 0
    for meeting in meetings_needing_lead_reminders(now=now):
        since = updates_due_since(meeting)
        day = uk_date(meeting.starts_at)
        for lead, actions in actions_without_update_since(since=since).items():
            if not lead.is_active or not lead.email:
                continue
            sent += send_once(
                kind=ReminderLog.Kind.LEAD_BEFORE_MEETING,
                cycle=f"meeting-{meeting.pk}",
                recipient=lead,
                subject=f"Please update your actions before the panel on {day}",
                template="panel/email/lead_reminder.txt",
                context={"meeting": meeting, "actions": actions, "since": since},
            )
    return sent


def kpis_owing_commentary() -> dict:
    """Red and amber measures whose owner has written no commentary on the latest figure,
    grouped by owner (measures without an owner are left out: nobody to remind)."""
    figures = latest_kpi_figures(
        kpis=list(KPI.objects.filter(owner__isnull=False, source=KPI.Source.LOCAL).select_related("owner"))
    )
    by_owner: dict = {}
    for figure, said in red_and_amber_commentary(figures):
        if said is None:
            by_owner.setdefault(figure.kpi.owner, []).append(figure)
    return by_owner


def send_commentary_reminders(*, now=None) -> int:
    """Before each meeting, remind owners of red or amber measures with no commentary on
    the latest figure: one e-mail per owner per meeting, listing every such measure."""
    now = now or timezone.now()
    meetings = meetings_needing_lead_reminders(now=now)
    owing = kpis_owing_commentary() if meetings else {}
    sent = 0
    for meeting in meetings:
        day = uk_date(meeting.starts_at)
        for owner, figures in owing.items():
            if not owner.is_active or not owner.email:
                continue
            sent += send_once(
                kind=ReminderLog.Kind.KPI_COMMENTARY,
                cycle=f"meeting-{meeting.pk}",
                recipient=owner,
                subject=f"Please explain your red and amber measures before the panel on {day}",
                template="panel/email/kpi_commentary_reminder.txt",
                context={"meeting": meeting, "figures": figures},
            )
    return sent


def send_iv_digest(*, today: date | None = None) -> int:
    """Weekly, to each IV coordinator: how many matches are overdue a visit, DBS checks
    are expiring and reviews are due, with a link. Counts only: the details stay in the
    portal, behind its access rules and view log."""
    today = today or timezone.localdate()
    counts = {
        "overdue_visits": overdue_visits(today=today).count(),
        "dbs_expiring": dbs_expiring(today=today).count(),
        "reviews_due": reviews_due(today=today).count(),
    }
    year, week, _ = today.isocalendar()
    sent = 0
    for coordinator in _members_of(Role.IV_COORDINATOR):
        sent += send_once(
            kind=ReminderLog.Kind.IV_WEEKLY,
            cycle=f"{year}-W{week:02d}",
            recipient=coordinator,
            subject=f"Independent Visitors: this week's digest ({uk_date(today)})",
            template="panel/email/iv_digest.txt",
            context={"counts": counts, "today": today},
        )
    return sent


def send_participation_digest(*, now=None) -> int:
    """Weekly, to each participation officer: how many messages from young people came in
    and how many wait for an answer or are overdue, with a link. Counts only: a message's
    words are read in the portal, never sent by e-mail."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    counts = message_counts(now=now)
    year, week, _ = today.isocalendar()
    sent = 0
    for officer in _members_of(Role.PARTICIPATION_OFFICER):
        sent += send_once(
            kind=ReminderLog.Kind.PARTICIPATION_WEEKLY,
            cycle=f"{year}-W{week:02d}",
            recipient=officer,
            subject=f"Messages from young people: this week's digest ({uk_date(today)})",
            template="panel/email/participation_digest.txt",
            context={"counts": counts, "today": today, "answer_days": settings.YOUNG_PEOPLE_ANSWER_DAYS},
        )
    return sent
