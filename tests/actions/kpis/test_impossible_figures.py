"""No impossible figure gets in (issue 10, section 3): each rule through the command
line, the import page, a DfE file and a figure typed into the Django admin; unusual
figures are warnings that someone must confirm."""

import calendar
import re
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from actions.models import KPI, KPIImport, KPIValue
from tests.actions.kpis.dfe import STABILITY, dfe_bytes
from tests.actions.kpis.spreadsheets import LONG_HEADER, csv_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

PERCENT_AS_FRACTION = [LONG_HEADER, ["W01", "2025-04-30", "0.83", "140", "169", "", ""]]
PERCENT_MESSAGE = "0.83 is not 140 of 169 (82.8%). Percentages are entered as 82.8, not 0.83."
FUTURE = [LONG_HEADER, ["W01", "2031-01-31", "72", "36", "50", "", ""]]
FUTURE_MESSAGE = (
    "The period ends on 31 January 2031, after today: "
    "figures can only be entered for periods that have ended."
)
HEADER_ONLY = [LONG_HEADER]
NO_FIGURES = "The file has no figures: it has a header row and nothing under it."


def by_command(tmp_path, rows, *args) -> str:
    path = tmp_path / "figures.csv"
    path.write_bytes(csv_bytes(rows))
    out = StringIO()
    call_command("import_kpi_data", str(path), *args, stdout=out, stderr=out)
    return out.getvalue()


def refused_by_command(tmp_path, rows) -> str:
    err = StringIO()
    path = tmp_path / "figures.csv"
    path.write_bytes(csv_bytes(rows))
    with pytest.raises(CommandError, match="was not imported"):
        call_command("import_kpi_data", str(path), stdout=StringIO(), stderr=err)
    return err.getvalue()


def by_portal(client, rows, name="figures.csv") -> KPIImport:
    client.post(reverse("kpi_import_new"), {"file": SimpleUploadedFile(name, csv_bytes(rows))})
    return KPIImport.objects.latest("pk")


@pytest.mark.parametrize(
    ("rows", "where", "message"),
    [
        (PERCENT_AS_FRACTION, "row 2, column C (value)", PERCENT_MESSAGE),
        (FUTURE, "row 2, column B (period_end)", FUTURE_MESSAGE),
        (HEADER_ONLY, "row 1", NO_FIGURES),
    ],
)
def test_the_command_refuses_an_impossible_figure_with_row_and_column(tmp_path, rows, where, message):
    assert f"{where}: {message}" in refused_by_command(tmp_path, rows)
    assert not KPIValue.objects.exists()


@pytest.mark.parametrize(
    ("rows", "row", "column", "message"),
    [
        (PERCENT_AS_FRACTION, 2, "C (value)", PERCENT_MESSAGE),
        (FUTURE, 2, "B (period_end)", FUTURE_MESSAGE),
        (HEADER_ONLY, 1, "", NO_FIGURES),
    ],
)
def test_the_import_page_refuses_an_impossible_figure_with_row_and_column(
    admin_client, rows, row, column, message
):
    kpi_import = by_portal(admin_client, rows)
    assert kpi_import.state == KPIImport.State.FAILED
    assert kpi_import.errors == [{"row": row, "column": column, "message": message}]
    page = admin_client.get(kpi_import.get_absolute_url()).content.decode()
    assert message.split(" (")[0] in page
    assert not KPIValue.objects.exists()


def test_a_wide_file_refuses_a_future_period_at_its_heading(tmp_path):
    errors = refused_by_command(tmp_path, [["kpi_code", "Apr 2025", "Jan 2031"], ["W01", "70", "71"]])
    assert "row 1, column C: The period ends on 31 January 2031, after today" in errors


def test_a_percentage_within_a_point_of_its_counts_is_accepted(tmp_path):
    by_command(tmp_path, [LONG_HEADER, ["W01", "2025-04-30", "12", "31", "268", "", ""]])  # 11.6%
    assert KPIValue.objects.get().value == 12


def test_a_dfe_file_whose_percentage_disagrees_with_its_counts_is_refused(tmp_path):
    data = dfe_bytes(STABILITY).replace(
        b"311,Havering,E09000016,CLA on 31 March,With 3 or more placements during the year,31,12",
        b"311,Havering,E09000016,CLA on 31 March,With 3 or more placements during the year,31,0.12",
    )
    path = tmp_path / STABILITY
    path.write_bytes(data)
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_kpi_data", str(path), stdout=StringIO(), stderr=err)
    assert "column N (children_percent): 0.12 is not 31 of 268 (11.6%). Percentages are entered as 11.6" in (
        err.getvalue()
    )
    assert not KPIValue.objects.exists()


def test_a_dfe_file_for_a_year_not_yet_ended_is_refused(tmp_path):
    path = tmp_path / STABILITY
    path.write_bytes(dfe_bytes(STABILITY).replace(b"\n2025,Reporting year", b"\n2031,Reporting year"))
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_kpi_data", str(path), stdout=StringIO(), stderr=err)
    assert "column A (time_period): The period ends on 31 March 2031, after today" in err.getvalue()


# --- unusual figures: warnings to confirm -------------------------------------------------


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


@pytest.fixture
def history():
    """A year of steady W01 figures (70–72%) and of children in care (about 230)."""
    w01, cla = KPI.objects.get(code="W01"), KPI.objects.get(code="CLA")
    for month in range(1, 13):
        period = month_end(2024, month)
        KPIValue.objects.create(kpi=w01, period_end=period, value=Decimal(70 + month % 3))
        KPIValue.objects.create(kpi=cla, period_end=period, value=Decimal(228 + month % 4))


UNUSUAL = [
    LONG_HEADER,
    ["W01", "2025-01-31", "95", "", "", "", ""],
    ["CLA", "2025-01-31", "100", "", "", "", ""],
]


def test_unusual_figures_stop_the_command_until_confirmed(tmp_path, history):
    errors = refused_by_command(tmp_path, UNUSUAL)
    assert (
        "row 2, column B (period_end): W01 for 31 Jan 2025 (Havering): 95 is more than 3 standard deviations"
        in (errors)
    )
    assert (
        "row 3, column B (period_end): CLA for 31 Jan 2025 (Havering): The figure changes from 228 to 100"
        in (errors)
    )
    assert not KPIValue.objects.filter(period_end=date(2025, 1, 31)).exists()
    output = by_command(tmp_path, UNUSUAL, "--accept-warnings")
    assert "Imported figures.csv: 2 new figures" in output
    assert KPIValue.objects.filter(period_end=date(2025, 1, 31)).count() == 2


def test_a_dry_run_lists_the_unusual_figures(tmp_path, history):
    output = by_command(tmp_path, UNUSUAL, "--dry-run")
    assert "Unusual: row 2" in output and "Unusual: row 3" in output and "Nothing was written" in output


def test_the_import_page_asks_to_confirm_unusual_figures(admin_client, history):
    kpi_import = by_portal(admin_client, UNUSUAL)
    assert kpi_import.state == KPIImport.State.PREVIEWED
    assert {warning["row"] for warning in kpi_import.warnings} == {2, 3}
    page = admin_client.get(kpi_import.get_absolute_url()).content.decode()
    assert "Unusual figures to check" in page
    assert "I have checked the unusual figures listed above and they are right" in page
    confirm = reverse("kpi_import_confirm", args=[kpi_import.pk])
    refused = admin_client.post(confirm, {}, follow=True).content.decode()
    assert "Confirm that the unusual figures are right" in refused
    assert not KPIValue.objects.filter(period_end=date(2025, 1, 31)).exists()
    admin_client.post(confirm, {"accept_warnings": "on"})
    kpi_import.refresh_from_db()
    assert kpi_import.state == KPIImport.State.DONE
    assert {warning["row"] for warning in kpi_import.warnings} == {2, 3}  # what was confirmed
    assert KPIValue.objects.filter(period_end=date(2025, 1, 31)).count() == 2


def test_ordinary_figures_raise_no_warning(admin_client, history):
    kpi_import = by_portal(admin_client, [LONG_HEADER, ["W01", "2025-01-31", "71", "", "", "", ""]])
    assert kpi_import.state == KPIImport.State.PREVIEWED and kpi_import.warnings == []
    admin_client.post(reverse("kpi_import_confirm", args=[kpi_import.pk]))
    assert KPIValue.objects.filter(period_end=date(2025, 1, 31)).exists()


# --- one figure typed into the Django admin ------------------------------------------------


@pytest.mark.parametrize(
    ("data", "field_message"),
    [
        ({"value": "0.83", "numerator": "140", "denominator": "169"}, PERCENT_MESSAGE),
        ({"period_end": "2031-01-31"}, FUTURE_MESSAGE),
    ],
)
def test_a_figure_typed_into_the_admin_meets_the_same_rules(admin_client, data, field_message):
    fields = {
        "kpi": KPI.objects.get(code="W01").pk,
        "period_end": "2025-04-30",
        "area": "havering",
        "la_code": "",
        "value": "72",
        "symbol": "",
        "numerator": "36",
        "denominator": "50",
        "note": "",
        "amendment_reason": "",
    }
    response = admin_client.post(reverse("admin:actions_kpivalue_add"), fields | data)
    assert response.status_code == 200
    assert field_message in response.content.decode().replace("&#x27;", "'")
    assert not KPIValue.objects.exists()
    assert admin_client.post(reverse("admin:actions_kpivalue_add"), fields).status_code == 302


def test_confirming_without_the_tick_shows_the_govuk_error_summary_linking_to_the_tick(admin_client, history):
    kpi_import = by_portal(admin_client, UNUSUAL)
    response = admin_client.post(reverse("kpi_import_confirm", args=[kpi_import.pk]), {})
    assert response.status_code == 400
    page = response.content.decode()
    assert re.search(r"<title>\s*Error: ", page)
    summary = page.split('class="govuk-error-summary"', 1)[1].split("</div>\n  </div>", 1)[0]
    assert "There is a problem" in summary
    assert '<a href="#id_accept_warnings">Confirm that the unusual figures are right' in summary
    assert 'id="id_accept_warnings"' in page
    kpi_import.refresh_from_db()
    assert kpi_import.state == KPIImport.State.PREVIEWED
