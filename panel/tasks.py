"""Celery tasks: thin wrappers that take ids and call a service. Each is safe to run twice."""

import logging

from celery import shared_task
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from core.tasking import send_on_commit

from . import reminders, reports, warm
from .snapshot import build_snapshot

logger = logging.getLogger(__name__)
TRANSIENT = (OperationalError, InterfaceError)


@shared_task
def clear_expired_sessions() -> int:
    """Delete sessions past their expiry (what ``manage.py clearsessions`` does)."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


@shared_task(ignore_result=True)
def warm_pages() -> dict:
    """Compute every page people open first before they ask (``panel.warm``): at a worker's
    start and every few minutes."""
    return _warmed("every page", warm.warm_pages())


@shared_task(ignore_result=True)
def warm_after_writes() -> dict:
    """The dashboard as panel members see it, again, as soon as a write has committed."""
    return _warmed(", ".join(warm.AFTER_WRITES), warm.warm_after_writes())


def _warmed(what: str, warmed: "warm.Warmed") -> dict:
    logger.info("Warmed %s: %d page views in %.1f s", what, warmed.pages, warmed.seconds)
    if warmed.failed:
        logger.warning("Warming: %d page views failed: %s", len(warmed.failed), ", ".join(warmed.failed[:5]))
    return {"pages": warmed.pages, "failed": len(warmed.failed), "seconds": round(warmed.seconds, 2)}


@shared_task
def build_due_reports() -> list[int]:
    """Create every report that is due and send each unbuilt one to a worker.

    Runs hourly from beat. Because it looks at what the database lacks rather than at
    what was sent, periods missed while beat or the broker was down are caught up.
    """
    report_ids = reports.ensure_due_reports(today=timezone.localdate())
    for report_id in report_ids:
        send_on_commit(build_report, report_id)
    return report_ids


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT,
    retry_backoff=5,
    max_retries=3,
    # A build that runs on is stopped (SoftTimeLimitExceeded fails the report with its reason),
    # then killed: it never holds a worker indefinitely.
    soft_time_limit=settings.REPORT_BUILD_SECONDS,
    time_limit=settings.REPORT_BUILD_SECONDS + 30,
)
def build_report(self, report_id: int) -> bool:
    # The lease is the task's (its id survives retries and redelivery after a killed worker).
    issued = reports.build_report(
        report_id=report_id, snapshot_builder=build_snapshot, owner=self.request.id or ""
    )
    if issued:
        send_on_commit(announce_report, report_id)
    return issued


@shared_task(autoretry_for=TRANSIENT, retry_backoff=5, max_retries=3)
def announce_report(report_id: int) -> int:
    return reminders.announce_report(report_id=report_id)


@shared_task(autoretry_for=TRANSIENT, retry_backoff=5, max_retries=3)
def send_lead_reminders() -> int:
    return reminders.send_lead_reminders()


@shared_task(autoretry_for=TRANSIENT, retry_backoff=5, max_retries=3)
def send_commentary_reminders() -> int:
    return reminders.send_commentary_reminders()


@shared_task(autoretry_for=TRANSIENT, retry_backoff=5, max_retries=3)
def send_iv_digest() -> int:
    return reminders.send_iv_digest()


@shared_task(autoretry_for=TRANSIENT, retry_backoff=5, max_retries=3)
def send_participation_digest() -> int:
    return reminders.send_participation_digest()
