"""The portal's pages and figures in locked periods: the import page, the KPI page."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from actions.kpis import services
from actions.models import KPI, KPIImport, KPIValue, KPIValueAmendment
from tests.actions.kpis.spreadsheets import LONG_HEADER, csv_bytes
from tests.factories import KPIPeriodLockFactory, KPIValueFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

APRIL = date(2025, 4, 30)
REASON = "Corrected after the audit of health assessments"
ROWS = [LONG_HEADER, ["W01", "2025-04-30", "72", "36", "50", "", ""], ["W01", "2025-05-31", "74"]]


@pytest.fixture
def locked_value():
    KPIPeriodLockFactory()
    return KPIValueFactory(period_end=APRIL, value=Decimal("70"), note="")


def upload(client, reason: str = ""):
    return client.post(
        reverse("kpi_import_new"),
        {"file": SimpleUploadedFile("april.csv", csv_bytes(ROWS)), "amendment_reason": reason},
    )


def test_the_upload_form_asks_for_a_reason_for_changing_figures_in_issued_reports(admin_client):
    page = admin_client.get(reverse("kpi_import_new")).content.decode()
    assert "Reason for changing figures in issued reports" in page


def test_an_upload_without_a_reason_is_refused_with_the_locked_rows(admin_client, locked_value):
    response = upload(admin_client)
    kpi_import = KPIImport.objects.get()
    assert kpi_import.state == KPIImport.State.FAILED
    page = admin_client.get(response.url).content.decode()
    assert "The file was not imported" in page
    assert (
        "Figures for periods in an issued report are locked (Monthly progress report, April 2025 issued)"
        in page
    )
    assert "B (period_end)" in page
    assert KPIValue.objects.count() == 1


def test_the_preview_shows_which_rows_change_locked_figures_and_confirming_records_them(
    admin_client, admin_user, locked_value
):
    response = upload(admin_client, REASON)
    kpi_import = KPIImport.objects.get()
    assert kpi_import.state == KPIImport.State.PREVIEWED, kpi_import.errors
    page = admin_client.get(response.url).content.decode()
    assert "1 of these figures is for periods in an issued report" in page
    assert f"Your reason: “{REASON}”" in page
    assert "Figures in issued reports that would change" in page
    assert "Monthly progress report, April 2025 issued" in page
    assert not KPIValueAmendment.objects.exists()

    admin_client.post(reverse("kpi_import_confirm", args=[kpi_import.pk]))
    kpi_import.refresh_from_db()
    assert kpi_import.state == KPIImport.State.DONE
    assert KPIValue.objects.get(pk=locked_value.pk).value == Decimal("72")
    amendment = KPIValueAmendment.objects.get()
    assert (amendment.reason, amendment.changed_by, amendment.source_import) == (
        REASON,
        admin_user,
        kpi_import,
    )
    page = admin_client.get(response.url).content.decode()
    assert f"Each change to a figure in an issued report was recorded with the reason “{REASON}”." in page


def test_the_kpi_page_marks_locked_and_amended_figures(client, users, locked_value):
    KPIValueFactory(period_end=date(2025, 5, 31), value=Decimal("74"))
    KPIValueFactory(kpi=locked_value.kpi, period_end=APRIL, area="england", value=Decimal("88"))
    england = KPIValue.objects.get(area="england")
    england.value = Decimal("89")
    services.kpi_value_save(kpi_value=england, user=users["admin"], reason=REASON)
    client.force_login(users["panel"])
    page = client.get(reverse("kpi_detail", args=["W01"])).content.decode()
    rows = page.split('<tr class="govuk-table__row">')
    may, april = next(r for r in rows if "31 May 2025" in r), next(r for r in rows if "30 Apr 2025" in r)
    assert "Locked" not in may
    assert '<strong class="govuk-tag govuk-tag--grey">Locked</strong>' in april
    assert f"(England): {REASON}" in april and "Amended on" in april


def test_the_kpi_page_still_takes_a_fixed_number_of_queries_with_locks_and_amendments(
    client, users, locked_value, django_assert_max_num_queries
):
    for month in range(1, 13):
        value = KPIValueFactory(kpi=KPI.objects.get(code="W01"), period_end=date(2024, month, 28))
        KPIPeriodLockFactory(period_start=date(2024, month, 1), period_end=date(2024, month, 28))
        value.value = Decimal("71")
        services.kpi_value_save(kpi_value=value, user=users["admin"], reason=REASON)
    client.force_login(users["panel"])
    # session, user, roles, permissions ×2, KPI with theme, its figures with sources,
    # locks and latest amendments, linked actions with leads, owners' commentary by period,
    # the latest period with other councils' figures (none here), the figures DfE published
    # for the indicator it tracks (W01-DFE), session save (+ savepoint)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("kpi_detail", args=["W01"])).status_code == 200
