"""The Django admin's import (django-import-export) runs through the same importer."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from actions.kpis.resources import KPIValueResource
from actions.models import KPI, KPIImport, KPIValue
from tests.actions.kpis.dfe import STABILITY, dfe_bytes
from tests.actions.kpis.spreadsheets import LONG_HEADER, csv_bytes, xlsx_bytes
from tests.factories import KPIValueFactory, UserFactory

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("admin:actions_kpivalue_import")
CSV_FORMAT, XLSX_FORMAT = "0", "1"


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def choose_file(client, name: str, data: bytes, file_format: str):
    return client.post(
        IMPORT_URL,
        {"resource": "0", "format": file_format, "import_file": SimpleUploadedFile(name, data)},
    )


def test_an_administrator_previews_and_confirms_in_the_admin(admin_client, admin_user):
    KPIValueFactory(kpi=KPI.objects.get(code="W01"), period_end=date(2025, 4, 30), value=Decimal("70"))
    rows = [
        LONG_HEADER,
        ["W01", date(2025, 4, 30), 72, 36, 50, "", ""],
        ["W02", date(2025, 4, 30), 80, "", "", "London", ""],
    ]
    response = choose_file(admin_client, "april.xlsx", xlsx_bytes(rows), XLSX_FORMAT)
    assert response.status_code == 200
    page = response.content.decode()
    assert "1 new figures, 1 changed, 0 already up to date" in page
    assert "70 → 72" in page
    assert KPIValue.objects.get(kpi__code="W01").value == Decimal("70")

    confirm = response.context["confirm_form"].initial
    response = admin_client.post(reverse("admin:actions_kpivalue_process_import"), confirm, follow=True)
    assert "Imported april.xlsx: 1 new figures, 1 changed, 0 already up to date." in response.content.decode()
    kpi_import = KPIImport.objects.get()
    assert (kpi_import.source, kpi_import.uploaded_by, kpi_import.state) == ("admin", admin_user, "done")
    assert KPIValue.objects.get(kpi__code="W01").value == Decimal("72")
    assert KPIValue.objects.get(kpi__code="W01").source_import == kpi_import


def test_errors_are_shown_with_their_rows_and_nothing_is_written(admin_client):
    rows = [
        LONG_HEADER,
        ["W01", "2025-04-30", "72"],
        ["W99", "2025-04-30", "72"],
        ["W01", "2025-05-31", "-1"],
    ]
    response = choose_file(admin_client, "april.csv", csv_bytes(rows), CSV_FORMAT)
    page = response.content.decode()
    assert "2 problems found; nothing will be written." in page
    assert "Unknown KPI code “W99”." in page
    assert "-1 is a percentage outside 0–100." in page
    assert "confirm_form" not in response.context or response.context["confirm_form"] is None
    assert not KPIValue.objects.exists() and not KPIImport.objects.exists()


def test_a_hostile_file_is_refused_with_its_reason(admin_client):
    response = choose_file(admin_client, "april.xlsx", csv_bytes([LONG_HEADER]), XLSX_FORMAT)
    assert "is not an Excel workbook" in response.content.decode()
    assert not KPIValue.objects.exists()


def test_a_file_over_the_limit_is_refused(admin_client, settings):
    settings.KPI_IMPORT_MAX_BYTES = 1000
    response = choose_file(admin_client, "april.csv", csv_bytes([LONG_HEADER] * 100), CSV_FORMAT)
    assert "The file must be smaller than 1 kB" in response.content.decode()


def test_staff_without_the_import_permission_cannot_import(client):
    clerk = UserFactory(username="clerk", is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_kpivalue"))
    client.force_login(clerk)
    assert client.get(IMPORT_URL).status_code == 403


def test_the_admin_export_is_in_the_import_layout_and_escapes_formulas():
    KPIValueFactory(kpi=KPI.objects.get(code="W01"), note="=1+1", period_end=date(2025, 4, 30))
    dataset = KPIValueResource().export()
    assert dataset.headers == ["kpi_code", "period_end", "value", "numerator", "denominator", "area", "note"]
    assert dataset[0][0] == "W01"
    assert dataset[0][6] == "'=1+1"


def test_a_dfe_file_imports_unchanged_in_the_admin_too(admin_client):
    response = choose_file(admin_client, STABILITY, dfe_bytes(STABILITY), CSV_FORMAT)
    assert response.status_code == 200
    assert "1600 new figures, 0 changed, 0 already up to date" in response.content.decode()
    confirm = response.context["confirm_form"].initial
    response = admin_client.post(reverse("admin:actions_kpivalue_process_import"), confirm, follow=True)
    assert f"Imported {STABILITY}: 1600 new figures" in response.content.decode()
    havering = KPIValue.objects.get(kpi__code="NF45", period_end=date(2025, 3, 31), area="havering")
    assert (havering.value, havering.numerator, havering.denominator) == (Decimal(12), 31, 268)
    assert KPIImport.objects.get().layout == "dfe"


def test_unusual_figures_are_listed_in_the_admin_preview(admin_client):
    kpi = KPI.objects.get(code="CLA")
    for month in (1, 2, 3):
        KPIValueFactory(kpi=kpi, period_end=date(2024, month, 28), value=Decimal(230 + month))
    response = choose_file(
        admin_client,
        "cla.csv",
        csv_bytes([LONG_HEADER, ["CLA", "2024-04-30", "90", "", "", "", ""]]),
        CSV_FORMAT,
    )
    page = response.content.decode()
    assert "Unusual figures to check" in page and "The figure changes from 233 to 90" in page
