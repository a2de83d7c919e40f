from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from actions.models import KPI
from panel import reports
from panel.models import ProgressReport
from panel.snapshot import build_snapshot
from tests.browser.conftest import assert_accessible, follow, sign_in
from tests.factories import ActionFactory, KPIValueFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_panel_member_follows_a_red_kpi_then_opens_and_downloads_the_latest_report(page, users):
    kpi = KPI.objects.get(code="W01")
    kpi.target, kpi.amber_tolerance = Decimal("90"), Decimal("5")
    kpi.save()
    KPIValueFactory(kpi=kpi, period_end=date(2026, 3, 31), value=Decimal("60"), numerator=30, denominator=50)
    action = ActionFactory(
        title="Health assessment catch-up", status="off_track", start_date=date(2026, 1, 5)
    )
    # In the plan since January, so April's report has it.
    action.history.update(history_date=datetime(2026, 1, 5, 12, tzinfo=UTC))
    report = ProgressReport.objects.create(
        kind="monthly", period_start=date(2026, 4, 1), period_end=date(2026, 4, 30)
    )
    reports.build_report(report_id=report.pk, snapshot_builder=build_snapshot)

    sign_in(page, users["panel"].username)
    assert page.get_by_role("heading", level=1).inner_text() == "Corporate Parenting Panel dashboard"
    assert_accessible(page)

    follow(
        page.get_by_role("region", name="Red performance measures").get_by_role(
            "link", name="W01 Children in care 12 months or more with an up-to-date health assessment"
        )
    )
    assert page.url.endswith("/kpis/W01/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Children in care 12 months")
    expect(page.get_by_text("60% (30 of 50)").first).to_be_visible()
    assert_accessible(page)

    # The dashboard opens the latest meeting pack (none here); monthly reports are under Reports.
    follow(page.get_by_role("link", name="Dashboard"))
    expect(page.get_by_text("Latest meeting pack: none issued yet")).to_be_visible()
    follow(page.get_by_role("link", name="Reports", exact=True))
    follow(page.get_by_role("link", name="Monthly progress report, April 2026"))
    assert page.get_by_role("heading", level=1).inner_text() == "Monthly progress report, April 2026"
    expect(page.get_by_text("Health assessment catch-up").first).to_be_visible()
    assert_accessible(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download as a spreadsheet (xlsx)").click()
    assert download.value.suggested_filename == "havering-cpp-monthly-2026-04-30.xlsx"


def test_the_dashboard_as_of_an_earlier_day_is_accessible(page, users):
    sign_in(page, users["panel"].username)
    page.get_by_label("Show the plan as it stood on").fill("2026-01-31")
    follow(page.get_by_role("button", name="Show"))
    expect(page.get_by_text("As the plan stood at the end of 31 January 2026")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Show the plan as it stood on").fill("2999-01-01")
    follow(page.get_by_role("button", name="Show"))
    expect(page.get_by_text("The date cannot be in the future.").first).to_be_visible()
    assert_accessible(page)
