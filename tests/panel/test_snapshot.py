"""What a built report contains: the plan, figures with counts, IV and participation."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from actions.models import KPI, Action, KPIValue
from panel import reports
from panel.models import ProgressReport
from panel.snapshot import build_snapshot
from tests.factories import ActionFactory, KPIValueFactory, ProgressUpdateFactory

pytestmark = pytest.mark.django_db


def at(day: date) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, 12))


@pytest.fixture
def april_report():
    return ProgressReport.objects.create(
        kind="monthly", period_start=date(2026, 4, 1), period_end=date(2026, 4, 30)
    )


def build(report) -> ProgressReport:
    assert reports.build_report(report_id=report.pk, snapshot_builder=build_snapshot)
    report.refresh_from_db()
    return report


def test_the_report_freezes_each_actions_status_and_commentary_at_period_end(april_report):
    action = ActionFactory(title="Dental check drive", status="on_track", start_date=date(2026, 1, 1))
    action.history.update(history_date=at(date(2026, 1, 1)))
    ProgressUpdateFactory(
        action=action, created_at=at(date(2026, 4, 20)), status="on_track", done="Ran two clinics."
    )
    ProgressUpdateFactory(
        action=action, created_at=at(date(2026, 5, 20)), status="off_track", done="Clinic closed."
    )
    action.status = Action.Status.OFF_TRACK
    action._history_date = at(date(2026, 5, 20))
    action.save()

    report = build(april_report)
    row = report.data["themes"][0]["actions"][0]
    assert (row["title"], row["status"], row["rag"], row["done"]) == (
        "Dental check drive",
        "on_track",
        "green",
        "Ran two clinics.",
    )
    assert "Ran two clinics." in report.html and "Clinic closed." not in report.html


def test_kpi_figures_carry_counts_rating_and_comparators(april_report):
    kpi = KPI.objects.get(code="W01")
    kpi.target, kpi.amber_tolerance = Decimal("90"), Decimal("5")
    kpi.save()
    KPIValueFactory(kpi=kpi, period_end=date(2026, 3, 31), value=Decimal("72"), numerator=36, denominator=50)
    KPIValueFactory(
        kpi=kpi,
        period_end=date(2026, 3, 31),
        area="england",
        value=Decimal("88"),
        numerator=None,
        denominator=None,
    )
    KPIValueFactory(kpi=kpi, period_end=date(2026, 5, 31), value=Decimal("95"), numerator=38, denominator=40)

    report = build(april_report)
    w01 = next(k for k in report.data["themes"][0]["kpis"] if k["code"] == "W01")
    assert w01["display"] == "72% (36 of 50)"
    assert (w01["rag"], w01["period_end"]) == ("red", "2026-03-31")  # May's figure is after the period
    assert w01["comparators"] == {"england": 88.0}
    assert "72% (36 of 50)" in report.html


def test_small_counts_about_children_and_their_percentage_are_suppressed(april_report):
    kpi = KPI.objects.get(code="W02")
    KPIValueFactory(kpi=kpi, period_end=date(2026, 3, 31), value=Decimal("75"), numerator=3, denominator=4)
    report = build(april_report)
    w02 = next(k for k in report.data["themes"][0]["kpis"] if k["code"] == "W02")
    assert w02["display"] == "not shown (5 or fewer of 5 or fewer)"
    assert (w02["value"], w02["numerator"], w02["denominator"]) == ("not shown", "5 or fewer", "5 or fewer")


def test_the_report_has_iv_participation_and_you_said_we_did_sections(april_report):
    report = build(april_report)
    titles = [section["title"] for section in report.data["sections"]]
    assert titles == ["Independent Visitors", "Participation in the past year", "You said, we did"]
    assert "Independent Visitors" in report.html


def test_building_reads_a_fixed_number_of_queries(april_report, django_assert_max_num_queries):
    for n in range(30):
        ActionFactory(status="on_track", start_date=date(2026, 1, 1) - timedelta(days=n))
    # claim, read, attempts; the month's derived KPIs (lock check, KPIs, IV figures (6),
    # active young people, three upserts with their savepoints); plan (1); KPIs and
    # figures (3); IV (6); participation (4 + its quarter reach); feedback; the panel's
    # open questions; themes; the previous report of its kind (for the summary); issue
    # and lock (with savepoints). None of it grows with the number of actions.
    with django_assert_max_num_queries(54):
        build(april_report)


def test_a_monthly_report_records_the_derived_figures_before_it_locks_the_month(april_report):
    build(april_report)
    assert KPIValue.objects.filter(kpi__code="H05", period_end=date(2026, 4, 30), is_derived=True).exists()
    h05 = next(k for k in april_report.data["themes"][3]["kpis"] if k["code"] == "H05")
    assert h05["period_end"] == "2026-04-30"


def test_kpi_figures_carry_direction_of_travel_and_the_reason_for_their_colour(april_report):
    kpi = KPI.objects.get(code="W01")
    kpi.target, kpi.amber_tolerance = Decimal("90"), Decimal("5")
    kpi.save()
    for period_end, value in [
        (date(2025, 4, 30), "88"),
        (date(2026, 3, 31), "80"),
        (date(2026, 4, 30), "86"),
    ]:
        KPIValueFactory(
            kpi=kpi, period_end=period_end, value=Decimal(value), numerator=None, denominator=None
        )

    report = build(april_report)
    w01 = next(k for k in report.data["themes"][0]["kpis"] if k["code"] == "W01")
    assert w01["travel"] == "Better than last month, worse than a year ago"
    assert (w01["travel_short"], w01["travel_long"]) == ("better", "worse")
    assert (
        w01["rating_reason"] == "Amber: 86% is 4 points below the 90% target, within the 5-point tolerance."
    )
    assert "Better than last month, worse than a year ago" in report.html
