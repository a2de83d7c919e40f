"""Which reports are due, and the claim that lets only one worker build each."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from actions.kpis.selectors import is_locked
from actions.models import KPIPeriodLock
from panel import reports
from panel.models import Meeting, ProgressReport
from panel.reports import ReportSpec
from panel.snapshot_types import SCHEMA_VERSION, MeasureRow, Snapshot, ThemeSection, read_snapshot

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def snapshot_ok(report, progress):
    progress(50, "Half way")
    return Snapshot(period_start=str(report.period_start), period_end=str(report.period_end))


def test_one_monthly_report_is_due_for_each_complete_month_since_the_start(settings):
    settings.REPORTS_START = date(2025, 4, 1)
    specs = reports.due_report_specs(today=date(2025, 7, 15))
    assert [(s.kind, s.period_start, s.period_end) for s in specs] == [
        ("monthly", date(2025, 4, 1), date(2025, 4, 30)),
        ("monthly", date(2025, 5, 1), date(2025, 5, 31)),
        ("monthly", date(2025, 6, 1), date(2025, 6, 30)),
    ]


def test_a_meeting_pack_is_due_the_set_number_of_days_before_the_meeting(settings):
    settings.REPORTS_START = date(2025, 7, 1)
    settings.MEETING_PACK_DAYS_BEFORE = 7
    first = Meeting.objects.create(starts_at=datetime(2025, 7, 10, 18, tzinfo=LONDON))
    second = Meeting.objects.create(starts_at=datetime(2025, 9, 18, 18, tzinfo=LONDON))
    packs = [s for s in reports.due_report_specs(today=date(2025, 9, 10)) if s.kind == "meeting_pack"]
    assert packs == [ReportSpec("meeting_pack", date(2025, 7, 1), date(2025, 7, 3), first.pk)]
    packs = [s for s in reports.due_report_specs(today=date(2025, 9, 11)) if s.kind == "meeting_pack"]
    assert packs[-1] == ReportSpec("meeting_pack", date(2025, 7, 11), date(2025, 9, 11), second.pk)
    assert reports.meeting_pack_period(second) == (date(2025, 7, 11), date(2025, 9, 11))


def test_ensuring_due_reports_twice_creates_each_once(settings):
    settings.REPORTS_START = date(2025, 4, 1)
    first = reports.ensure_due_reports(today=date(2025, 7, 2))
    second = reports.ensure_due_reports(today=date(2025, 7, 2))
    assert first == second
    assert ProgressReport.objects.count() == 3


def test_the_database_refuses_a_second_report_for_the_same_period():
    ProgressReport.objects.create(kind="monthly", period_start=date(2025, 4, 1), period_end=date(2025, 4, 30))
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgressReport.objects.create(
            kind="monthly", period_start=date(2025, 4, 1), period_end=date(2025, 4, 30)
        )


def test_only_the_first_claim_wins_and_a_live_lease_keeps_others_off():
    report = ProgressReport.objects.create(
        kind="monthly", period_start=date(2025, 4, 1), period_end=date(2025, 4, 30)
    )
    assert reports.claim_report(report_id=report.pk)
    assert not reports.claim_report(report_id=report.pk)
    assert report.pk not in reports.reports_needing_a_build()


def test_a_lapsed_lease_lets_another_worker_take_the_report_over(settings):
    report = ProgressReport.objects.create(
        kind="monthly", period_start=date(2025, 4, 1), period_end=date(2025, 4, 30)
    )
    assert reports.claim_report(report_id=report.pk)
    lapsed = timezone.now() - timedelta(seconds=settings.REPORT_BUILD_LEASE_SECONDS + 1)
    ProgressReport.objects.filter(pk=report.pk).update(started_at=lapsed)
    assert report.pk in reports.reports_needing_a_build()
    assert reports.claim_report(report_id=report.pk)


def test_building_issues_the_report_with_its_data_and_html():
    report = ProgressReport.objects.create(
        kind="monthly", period_start=date(2025, 4, 1), period_end=date(2025, 4, 30)
    )
    assert reports.build_report(report_id=report.pk, snapshot_builder=snapshot_ok)
    report.refresh_from_db()
    assert report.state == "ready" and report.progress == 100 and report.attempts == 1
    assert report.issued_at is not None
    assert "Monthly progress report, April 2025" in report.html


def test_a_ready_report_is_never_built_again():
    report = ProgressReport.objects.create(
        kind="monthly", period_start=date(2025, 4, 1), period_end=date(2025, 4, 30)
    )
    reports.build_report(report_id=report.pk, snapshot_builder=snapshot_ok)
    issued_at = ProgressReport.objects.get(pk=report.pk).issued_at
    assert not reports.build_report(report_id=report.pk, snapshot_builder=snapshot_ok)
    assert ProgressReport.objects.get(pk=report.pk).issued_at == issued_at


def test_a_failed_build_is_recorded_visibly_and_tried_again_later():
    report = ProgressReport.objects.create(
        kind="monthly", period_start=date(2025, 4, 1), period_end=date(2025, 4, 30)
    )

    def broken(report, progress):
        raise ValueError("a figure could not be read")

    with pytest.raises(ValueError):
        reports.build_report(report_id=report.pk, snapshot_builder=broken)
    report.refresh_from_db()
    assert report.state == "failed"
    assert report.error == "ValueError: a figure could not be read"
    assert report.pk in reports.reports_needing_a_build()
    assert reports.build_report(report_id=report.pk, snapshot_builder=snapshot_ok)
    assert ProgressReport.objects.get(pk=report.pk).attempts == 2


def test_a_report_that_keeps_failing_is_left_for_an_administrator(settings):
    report = ProgressReport.objects.create(
        kind="monthly",
        period_start=date(2025, 4, 1),
        period_end=date(2025, 4, 30),
        state="failed",
        attempts=settings.REPORT_MAX_ATTEMPTS,
    )
    assert report.pk not in reports.reports_needing_a_build()
    admin_request = reports.request_report(
        spec=ReportSpec("monthly", date(2025, 4, 1), date(2025, 4, 30)), user=None
    )
    assert admin_request.pk == report.pk and admin_request.state == "pending"


def test_issuing_a_report_locks_the_figures_of_its_period():
    report = ProgressReport.objects.create(
        kind="monthly", period_start=date(2025, 4, 1), period_end=date(2025, 4, 30)
    )
    assert reports.build_report(report_id=report.pk, snapshot_builder=snapshot_ok)
    lock = KPIPeriodLock.objects.get()
    assert (lock.period_start, lock.period_end) == (date(2025, 4, 1), date(2025, 4, 30))
    assert lock.reason == "Monthly progress report, April 2025 issued"
    assert is_locked(date(2025, 4, 30)) and not is_locked(date(2025, 5, 31))


def test_a_report_that_fails_to_build_locks_nothing():
    report = ProgressReport.objects.create(
        kind="monthly", period_start=date(2025, 4, 1), period_end=date(2025, 4, 30)
    )

    def broken(report, progress):
        raise ValueError("a figure could not be read")

    with pytest.raises(ValueError):
        reports.build_report(report_id=report.pk, snapshot_builder=broken)
    assert not KPIPeriodLock.objects.exists()


def test_a_report_is_summarised_against_a_previous_one_stored_before_snapshots_had_a_version():
    theme = {"code": "W", "name": "Well", "actions": [], "rag_counts": []}
    ProgressReport.objects.create(
        kind="monthly",
        period_start=date(2025, 3, 1),
        period_end=date(2025, 3, 31),
        state="ready",
        # As older code stored it: no schema version, commentary as a plain string.
        data={
            "period_start": "2025-03-01",
            "period_end": "2025-03-31",
            "themes": [
                {**theme, "kpis": [{"code": "W01", "name": "Checks", "rag": "red", "commentary": "Late."}]}
            ],
        },
    )
    report = ProgressReport.objects.create(
        kind="monthly", period_start=date(2025, 4, 1), period_end=date(2025, 4, 30)
    )

    def green_now(report, progress):
        measure = MeasureRow(code="W01", name="Checks", rag="green", display="95%")
        return Snapshot(
            period_start="2025-04-01",
            period_end="2025-04-30",
            themes=(ThemeSection(code="W", name="Well", kpis=(measure,)),),
        )

    assert reports.build_report(report_id=report.pk, snapshot_builder=green_now)
    report.refresh_from_db()
    assert report.data["schema_version"] == SCHEMA_VERSION
    summary = read_snapshot(report.data).summary
    assert summary.previous_title == "Monthly progress report, March 2025"
    assert [line.code for line in summary.measures_out_of_red] == ["W01"]
