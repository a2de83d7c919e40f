from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from actions.models import KPI
from panel import reports
from panel.models import ProgressReport
from panel.snapshot import build_snapshot
from tests.browser.conftest import assert_accessible, follow, sign_in
from tests.factories import KPIValueFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_owner_explains_a_red_measure_and_the_panel_reads_it_on_the_dashboard_and_in_the_report(
    page, users
):
    kpi = KPI.objects.get(code="W01")
    kpi.target, kpi.amber_tolerance, kpi.owner = Decimal("90"), Decimal("5"), users["lead"]
    kpi.save()
    KPIValueFactory(kpi=kpi, period_end=date(2026, 3, 31), value=Decimal("60"), numerator=30, denominator=50)

    sign_in(page, users["lead"].username)
    page.goto("/kpis/W01/")
    expect(page.get_by_text("Owner:").first).to_be_visible()
    follow(page.get_by_role("link", name="Write the commentary"))
    assert page.get_by_label("Period").input_value() == "2026-03-31"
    page.get_by_label("Commentary").fill("Two school nurses left in February; clinics were cancelled.")
    follow(page.get_by_role("button", name="Save commentary"))
    # Red needs a corrective action: the form says so and keeps what was typed.
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.get_by_role("link", name="Enter the corrective action: the figure is red")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Corrective action").fill("Agency nurses booked from April; weekly catch-up clinics.")
    follow(page.get_by_role("button", name="Save commentary"))
    assert page.url.endswith("/kpis/W01/#commentary")
    expect(page.get_by_text("Commentary for March 2026 saved.")).to_be_visible()
    expect(page.get_by_text("Agency nurses booked from April; weekly catch-up clinics.")).to_be_visible()
    assert_accessible(page)

    page.context.clear_cookies()
    sign_in(page, users["panel"].username)
    assert page.url.endswith("/panel/")
    beside = page.locator("#kpi-commentary + ul")
    expect(beside.get_by_text("Two school nurses left in February; clinics were cancelled.")).to_be_visible()
    expect(beside.get_by_text("Agency nurses booked from April; weekly catch-up clinics.")).to_be_visible()
    assert_accessible(page)

    report = ProgressReport.objects.create(
        kind="monthly", period_start=date(2026, 4, 1), period_end=date(2026, 4, 30)
    )
    reports.build_report(report_id=report.pk, snapshot_builder=build_snapshot)
    page.goto(report.get_absolute_url())
    expect(page.get_by_text("Two school nurses left in February; clinics were cancelled.")).to_be_visible()
    expect(page.get_by_text("Agency nurses booked from April; weekly catch-up clinics.")).to_be_visible()
    assert_accessible(page)
