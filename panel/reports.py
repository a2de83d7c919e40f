"""Progress reports: which are due, claiming one to build, building it, announcing it.

A report is a frozen snapshot. Building is claimed with a lease: a worker that dies
mid-build stops renewing it, and once it lapses another worker may take the report
over. A report that is ready is never built again.
"""

import dataclasses
import logging
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from actions.kpis.services import lock_kpi_periods
from core.months import month_bounds

from .models import Meeting, ProgressReport
from .pdf import report_pdf
from .snapshot_types import read_snapshot, snapshot_json
from .summary import report_summary

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReportSpec:
    kind: str
    period_start: date
    period_end: date
    meeting_id: int | None = None


def due_report_specs(*, today: date) -> list[ReportSpec]:
    """Every report that should exist by ``today``.

    Monthly: one for each complete month since REPORTS_START. Meeting pack: one for each
    meeting once it is MEETING_PACK_DAYS_BEFORE days away, covering the time since the
    previous meeting.
    """
    specs = []
    start, _ = month_bounds(settings.REPORTS_START)
    this_month, _ = month_bounds(today)
    month = start
    while month < this_month:
        first, last = month_bounds(month)
        specs.append(ReportSpec(ProgressReport.Kind.MONTHLY, first, last))
        month = last + timedelta(days=1)

    previous_day = None
    for meeting in Meeting.objects.filter(starts_at__date__gte=settings.REPORTS_START).order_by("starts_at"):
        meeting_day = timezone.localdate(meeting.starts_at)
        start, pack_day = _pack_period(meeting_day, previous_day)
        if pack_day <= today:
            specs.append(ReportSpec(ProgressReport.Kind.MEETING_PACK, start, pack_day, meeting.pk))
        previous_day = meeting_day
    return specs


def _pack_period(meeting_day: date, previous_meeting_day: date | None) -> tuple[date, date]:
    """A pack is built MEETING_PACK_DAYS_BEFORE the meeting and covers the time since the last."""
    pack_day = meeting_day - timedelta(days=settings.MEETING_PACK_DAYS_BEFORE)
    start = previous_meeting_day + timedelta(days=1) if previous_meeting_day else settings.REPORTS_START
    return min(start, pack_day), pack_day


def meeting_pack_period(meeting: Meeting) -> tuple[date, date]:
    previous = (
        Meeting.objects.filter(starts_at__lt=meeting.starts_at, starts_at__date__gte=settings.REPORTS_START)
        .order_by("-starts_at")
        .first()
    )
    return _pack_period(
        timezone.localdate(meeting.starts_at), timezone.localdate(previous.starts_at) if previous else None
    )


def get_or_create_report(spec: ReportSpec, *, requested_by=None) -> ProgressReport:
    """The one report for this kind and period, created if missing (race-safe)."""
    lookup = (
        {"kind": spec.kind, "meeting_id": spec.meeting_id}
        if spec.kind == ProgressReport.Kind.MEETING_PACK
        else {"kind": spec.kind, "period_end": spec.period_end}
    )
    defaults = {
        "period_start": spec.period_start,
        "period_end": spec.period_end,
        "requested_by": requested_by,
    }
    try:
        with transaction.atomic():
            report, _ = ProgressReport.objects.get_or_create(**lookup, defaults=defaults)
    except IntegrityError:
        # Another worker created it between our look-up and insert: theirs is the one.
        report = ProgressReport.objects.get(**lookup)
    return report


def _lease_expired_before() -> timezone.datetime:
    return timezone.now() - timedelta(seconds=settings.REPORT_BUILD_LEASE_SECONDS)


def reports_needing_a_build() -> list[int]:
    """Reports that are not ready and that no live worker is building."""
    return list(
        ProgressReport.objects.filter(
            Q(state=ProgressReport.State.PENDING)
            | Q(state=ProgressReport.State.FAILED, attempts__lt=settings.REPORT_MAX_ATTEMPTS)
            | Q(state=ProgressReport.State.BUILDING, started_at__lt=_lease_expired_before())
        )
        .order_by("period_end")
        .values_list("pk", flat=True)
    )


def ensure_due_reports(*, today: date) -> list[int]:
    """Create every due report that is missing; return the ids that need building."""
    for spec in due_report_specs(today=today):
        get_or_create_report(spec)
    return reports_needing_a_build()


def claim_report(*, report_id: int, owner: str = "") -> bool:
    """Take the right to build a report. Only one worker wins; a ready report is never taken.

    The lease belongs to ``owner`` (the Celery task's id, the same for its retries and
    for its redelivery after the worker was killed): the owner's next attempt takes it
    back at once instead of waiting for it to lapse.
    """
    claimable = Q(state__in=[ProgressReport.State.PENDING, ProgressReport.State.FAILED]) | Q(
        state=ProgressReport.State.BUILDING, started_at__lt=_lease_expired_before()
    )
    if owner:
        claimable |= Q(state=ProgressReport.State.BUILDING, lease_owner=owner)
    now = timezone.now()
    claimed = (
        ProgressReport.objects.filter(claimable, pk=report_id)
        .exclude(state=ProgressReport.State.READY)
        .update(state=ProgressReport.State.BUILDING, started_at=now, progress=0, error="", lease_owner=owner)
    )
    return claimed == 1


def record_progress(*, report_id: int, percent: int, note: str, owner: str = "") -> None:
    """Show progress, and renew the lease that keeps other workers off this report."""
    ProgressReport.objects.filter(
        pk=report_id, state=ProgressReport.State.BUILDING, lease_owner=owner
    ).update(progress=percent, progress_note=note[:200], started_at=timezone.now())


def build_report(*, report_id: int, snapshot_builder, owner: str = "") -> bool:
    """Build one report if we can claim it. Returns True if this call issued it.

    ``snapshot_builder(report, progress)`` returns the report's ``Snapshot``; ``progress`` is
    a callable ``(percent, note)`` it calls as it goes. ``owner`` names the attempt
    (see ``claim_report``); only the lease's owner issues the report.
    """
    if not claim_report(report_id=report_id, owner=owner):
        return False
    report = ProgressReport.objects.select_related("meeting").get(pk=report_id)
    ProgressReport.objects.filter(pk=report_id).update(attempts=report.attempts + 1)

    def progress(percent: int, note: str) -> None:
        record_progress(report_id=report_id, percent=percent, note=note, owner=owner)

    try:
        snapshot = snapshot_builder(report, progress)
        previous = previous_report(report)
        snapshot = dataclasses.replace(
            snapshot,
            summary=report_summary(
                snapshot=snapshot,
                previous=read_snapshot(previous.data) if previous else None,
                previous_title=str(previous) if previous else "",
            ),
        )
        html = render_to_string("panel/reports/_report_body.html", {"report": report, "data": snapshot})
        progress(90, "Printing the PDF")
        pdf = report_pdf(report=report, data=snapshot)
    except Exception as exc:
        logger.exception("Building report %s failed", report_id)
        try:
            ProgressReport.objects.filter(
                pk=report_id, state=ProgressReport.State.BUILDING, lease_owner=owner
            ).update(
                state=ProgressReport.State.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000], progress=0
            )
        except DatabaseError:
            # The database is away (a restart): the lease is this attempt's, so its
            # retry takes the report back without waiting for the lease to lapse.
            logger.warning("Report %s could not be marked failed; its retry will take it back", report_id)
        raise
    with transaction.atomic():
        mine = ProgressReport.objects.filter(
            pk=report_id, state=ProgressReport.State.BUILDING, lease_owner=owner
        )
        issued = mine.update(
            state=ProgressReport.State.READY,
            data=snapshot_json(snapshot),
            html=html,
            pdf=pdf,
            progress=100,
            progress_note="Issued",
            issued_at=timezone.now(),
        )
        if issued:
            # The figures it reports are now on record: only an administrator may
            # change them, giving a reason.
            lock_kpi_periods(
                period_start=report.period_start, period_end=report.period_end, reason=f"{report} issued"
            )
    return issued == 1


def previous_report(report: ProgressReport) -> ProgressReport | None:
    """The issued report of the same kind for the latest period before this one's."""
    return (
        ProgressReport.objects.filter(
            kind=report.kind, state=ProgressReport.State.READY, period_end__lt=report.period_end
        )
        .select_related("meeting")
        .defer("html", "pdf")
        .order_by("-period_end")
        .first()
    )


def latest_report(*, kind: str = "") -> ProgressReport | None:
    """The issued report (of ``kind``, if given) of the latest period (a meeting pack before
    a monthly report ending the same day), whatever order the reports were built in."""
    reports = ProgressReport.objects.filter(state=ProgressReport.State.READY)
    if kind:
        reports = reports.filter(kind=kind)
    return (
        reports.select_related("meeting").defer("data", "html", "pdf").order_by("-period_end", "kind").first()
    )


def should_announce(report: ProgressReport, *, today: date) -> bool:
    """Only a report of the current or just-ended period is news; back-filled ones are not.

    A monthly report is news if its month is the last one ended; a meeting pack if its
    meeting is today or still to come.
    """
    if report.kind == ProgressReport.Kind.MEETING_PACK:
        return report.meeting is not None and timezone.localdate(report.meeting.starts_at) >= today
    this_month, _ = month_bounds(today)
    return report.period_end >= this_month - timedelta(days=1)


def request_report(*, spec: ReportSpec, user) -> ProgressReport:
    """An administrator asks for a report now. A failed one is given another go."""
    report = get_or_create_report(spec, requested_by=user)
    if report.state == ProgressReport.State.FAILED:
        ProgressReport.objects.filter(pk=report.pk).update(state=ProgressReport.State.PENDING, attempts=0)
        report.refresh_from_db()
    return report
