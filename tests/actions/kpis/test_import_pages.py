"""The import pages: upload, preview, confirm, errors, hostile files, limits."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from python_calamine import CalamineWorkbook

from actions.models import KPI, KPIImport, KPIValue
from tests.actions.kpis.spreadsheets import (
    LONG_HEADER,
    crafted_xlsx,
    csv_bytes,
    inline,
    lying_zip,
    number,
    row,
    sheet,
    xlsx_bytes,
)
from tests.factories import KPIImportFactory, KPIValueFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

GOOD = [
    LONG_HEADER,
    ["W01", "2025-04-30", "72", "36", "50", "", "First"],
    ["W01", "2025-04-30", "88.5", "", "", "England", ""],
]


def upload(client, name: str, data: bytes):
    return client.post(reverse("kpi_import_new"), {"file": SimpleUploadedFile(name, data)})


def stored_files(media) -> list:
    return [path for path in media.rglob("*") if path.is_file()] if media.exists() else []


def test_an_administrator_previews_then_confirms_an_import(admin_client, admin_user, media):
    KPIValueFactory(kpi=KPI.objects.get(code="W01"), period_end=date(2025, 4, 30), value=Decimal("70"))
    response = upload(admin_client, "april.csv", csv_bytes(GOOD))
    kpi_import = KPIImport.objects.get()
    assert response.status_code == 302 and response.url == kpi_import.get_absolute_url()
    assert kpi_import.state == KPIImport.State.PREVIEWED
    assert kpi_import.uploaded_by == admin_user and kpi_import.file_name == "april.csv"

    page = admin_client.get(response.url).content.decode()
    assert "What importing it would do" in page
    assert "Confirm and import" in page
    assert KPIValue.objects.get(kpi__code="W01", area="havering").value == Decimal("70")

    response = admin_client.post(reverse("kpi_import_confirm", args=[kpi_import.pk]))
    assert response.status_code == 302
    kpi_import.refresh_from_db()
    assert kpi_import.state == KPIImport.State.DONE
    assert (kpi_import.rows_created, kpi_import.rows_updated, kpi_import.rows_unchanged) == (1, 1, 0)
    assert KPIValue.objects.get(kpi__code="W01", area="havering").value == Decimal("72")
    assert not stored_files(media)  # the upload is not kept once imported
    assert "Figures imported" in admin_client.get(response.url).content.decode()


def test_confirming_twice_writes_once(admin_client):
    upload(admin_client, "april.csv", csv_bytes(GOOD))
    kpi_import = KPIImport.objects.get()
    url = reverse("kpi_import_confirm", args=[kpi_import.pk])
    admin_client.post(url)
    response = admin_client.post(url, follow=True)
    assert "cannot be confirmed" in response.content.decode()
    assert KPIValue.objects.count() == 2


def test_a_file_with_errors_lists_them_and_cannot_be_confirmed(admin_client):
    rows = [*GOOD, ["W99", "2025-04-30", "72"], ["W01", "2025-05-31", "101"]]
    response = upload(admin_client, "april.csv", csv_bytes(rows))
    kpi_import = KPIImport.objects.get()
    assert kpi_import.state == KPIImport.State.FAILED
    page = admin_client.get(response.url).content.decode()
    assert "Fix these 2 problems" in page
    assert "Unknown KPI code “W99”." in page
    assert "101 is a percentage outside 0–100." in page
    assert "Confirm and import" not in page
    admin_client.post(reverse("kpi_import_confirm", args=[kpi_import.pk]))
    assert not KPIValue.objects.exists()


HOSTILE = {
    "csv named xlsx": ("figures.xlsx", csv_bytes(GOOD), "is not an Excel workbook"),
    "xlsx named csv": ("figures.csv", xlsx_bytes(GOOD), "is an Excel workbook or another zip file"),
    "pdf named csv": ("figures.csv", b"%PDF-1.4 ...", "is a PDF"),
    "utf-16 csv": ("figures.csv", "kpi_code,value\n".encode("utf-16"), "Unicode Text"),
    "truncated xlsx": ("figures.xlsx", xlsx_bytes(GOOD)[:2000], "damaged"),
    "zip bomb": (
        "figures.xlsx",
        crafted_xlsx(sheet(row(1, inline("A1", "x"))), extra={"xl/media/big.bin": "\0" * 30_000_000}),
        "zip bomb",
    ),
    "lying zip": (
        "figures.xlsx",
        lying_zip(
            crafted_xlsx(sheet(*(row(n, inline(f"A{n}", "W01"), number(f"B{n}", n)) for n in range(1, 500)))),
            declared_size=500,
        ),
        "zip bomb",
    ),
    "far-apart cells": (
        "figures.xlsx",
        crafted_xlsx(sheet(row(1, inline("A1", "kpi_code")), row(1048576, inline("XFD1048576", "x")))),
        "cells",
    ),
    "xml entities": (
        "figures.xlsx",
        crafted_xlsx(
            '<?xml version="1.0"?><!DOCTYPE w [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            + row(1, inline("A1", "&x;"))
            + "</sheetData></worksheet>"
        ),
        "XML entity",
    ),
    "not a figures file": ("figures.csv", csv_bytes([["name", "age"], ["x", "1"]]), "must be the header"),
}


@pytest.mark.parametrize("case", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_or_malformed_file_is_refused_and_changes_nothing(admin_client, media, case):
    name, data, message = case
    KPIValueFactory(kpi=KPI.objects.get(code="W01"), period_end=date(2025, 4, 30), value=Decimal("70"))
    before = list(KPIValue.objects.values_list("kpi__code", "period_end", "area", "value", "updated_at"))
    response = upload(admin_client, name, data)
    kpi_import = KPIImport.objects.get()
    assert kpi_import.state == KPIImport.State.FAILED
    assert message in kpi_import.errors[0]["message"]
    assert message in admin_client.get(response.url).content.decode()
    assert (
        list(KPIValue.objects.values_list("kpi__code", "period_end", "area", "value", "updated_at")) == before
    )
    assert not stored_files(media)


def test_a_file_of_another_kind_is_refused_by_the_form(admin_client, media):
    response = upload(admin_client, "figures.ods", b"PK\x03\x04")
    assert response.status_code == 200
    assert "save it as Excel workbook (.xlsx) or CSV" in response.content.decode()
    assert not KPIImport.objects.exists() and not stored_files(media)


def test_a_file_over_the_limit_is_stopped_while_it_uploads(admin_client, settings, media):
    settings.KPI_IMPORT_MAX_BYTES = 100_000
    big = csv_bytes([LONG_HEADER, *([["W01", "2025-04-30", "72"]] * 10_000)])
    assert len(big) > 100_000
    response = upload(admin_client, "big.csv", big)
    assert response.status_code == 200
    assert "The file must be smaller than 100 kB" in response.content.decode()
    assert not KPIImport.objects.exists() and not stored_files(media)


def test_the_upload_form_checks_the_csrf_token(admin_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    response = upload(client, "april.csv", csv_bytes(GOOD))
    assert response.status_code == 403
    assert not KPIImport.objects.exists()


@pytest.mark.parametrize("role", ["panel", "lead", "participation", "ivstaff"])
def test_only_administrators_may_upload(client, users, role, media):
    client.force_login(users[role])
    assert upload(client, "april.csv", csv_bytes(GOOD)).status_code == 403
    assert not KPIImport.objects.exists() and not stored_files(media)


def test_the_progress_of_an_import_as_json(admin_client):
    upload(admin_client, "april.csv", csv_bytes(GOOD))
    kpi_import = KPIImport.objects.get()
    status = admin_client.get(reverse("kpi_import_status", args=[kpi_import.pk])).json()
    assert status == {
        "state": "previewed",
        "label": "Checked, waiting for confirmation",
        "rows_processed": 2,
        "rows_total": 2,
        "percent": 100,
        "busy": False,
    }


@pytest.mark.parametrize("layout", ["long", "wide"])
def test_the_template_lists_the_kpi_codes(admin_client, tmp_path, layout):
    response = admin_client.get(reverse("kpi_import_template"), {"layout": layout})
    path = tmp_path / "template.xlsx"
    path.write_bytes(response.content)
    workbook = CalamineWorkbook.from_path(str(path))
    assert workbook.sheet_names == ["Figures", "KPI codes", "Notes"]
    codes = [cells[0] for cells in workbook.get_sheet_by_name("KPI codes").to_python()[1:]]
    # Local measures only: a published (DfE) measure takes figures from DfE's files alone.
    assert codes == list(KPI.objects.filter(source="local").order_by("code").values_list("code", flat=True))
    figures = workbook.get_sheet_by_name("Figures").to_python()
    assert figures[0][0] == "kpi_code"


def test_the_wide_template_reads_cleanly_and_says_it_has_no_figures_yet(admin_client, tmp_path):
    template = admin_client.get(reverse("kpi_import_template"), {"layout": "wide"}).content
    upload(admin_client, "wide.xlsx", template)
    kpi_import = KPIImport.objects.get()
    assert kpi_import.state == KPIImport.State.FAILED
    assert [error["message"] for error in kpi_import.errors] == [
        "The file has no figures: it has a header row and nothing under it."
    ]


@pytest.mark.parametrize("extra", [0, 30])
def test_the_import_list_shows_the_imports_in_a_fixed_number_of_queries(
    admin_client, admin_user, django_assert_max_num_queries, extra
):
    upload(admin_client, "april.csv", csv_bytes(GOOD))
    upload(admin_client, "may.csv", csv_bytes([LONG_HEADER, ["W99", "2025-05-31", "1"]]))
    KPIImportFactory.create_batch(extra, uploaded_by=admin_user, file_name="older.csv")
    # session, user, user's and groups' permissions (may import?), roles (menu), count,
    # a page of imports with their uploaders, session save (with its savepoint and release)
    with django_assert_max_num_queries(10):
        page = admin_client.get(reverse("kpi_import_list")).content.decode()
    if not extra:
        assert "april.csv" in page and "may.csv" in page
        assert "Waiting for confirmation" in page and "Refused" in page
