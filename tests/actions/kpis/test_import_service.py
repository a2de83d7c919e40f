"""Importing files: preview, write, re-import, all or nothing, provenance, the command."""

from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from actions.kpis import importing, services
from actions.kpis.importing import checking
from actions.models import KPI, KPIImport, KPIValue
from tests.actions.kpis.spreadsheets import LONG_HEADER, csv_bytes, xlsx_bytes
from tests.factories import KPIValueFactory

pytestmark = pytest.mark.django_db

GOOD_ROWS = [
    LONG_HEADER,
    ["W01", date(2025, 4, 30), 72, 36, 50, "", "First"],
    ["W01", date(2025, 4, 30), 88.5, "", "", "England", ""],
    ["CLA", date(2025, 4, 30), 231, "", "", "", ""],
]


def write_file(tmp_path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def figures() -> dict:
    return {
        (v.kpi.code, v.period_end, v.area): (v.value, v.numerator, v.denominator, v.note)
        for v in KPIValue.objects.select_related("kpi")
    }


def test_a_dry_run_says_what_would_happen_and_writes_nothing(tmp_path):
    KPIValueFactory(kpi=KPI.objects.get(code="W01"), period_end=date(2025, 4, 30), value=Decimal("70"))
    before = figures()
    path = write_file(tmp_path, "april.xlsx", xlsx_bytes(GOOD_ROWS))
    kpi_import = services.kpi_import_from_path(path=path, dry_run=True)
    assert kpi_import.state == KPIImport.State.PREVIEWED
    assert (kpi_import.rows_created, kpi_import.rows_updated, kpi_import.rows_unchanged) == (2, 1, 0)
    assert kpi_import.preview["changed"][0]["old"]["value"] == "70"
    assert kpi_import.preview["changed"][0]["new"]["value"] == "72"
    assert [sample["row"] for sample in kpi_import.preview["created"]] == [3, 4]
    assert figures() == before


def test_an_import_writes_the_figures_with_their_provenance(tmp_path, admin_user):
    path = write_file(tmp_path, "april.xlsx", xlsx_bytes(GOOD_ROWS))
    kpi_import = services.kpi_import_from_path(path=path, dry_run=False, user=admin_user)
    assert kpi_import.state == KPIImport.State.DONE, kpi_import.errors
    assert (kpi_import.rows_created, kpi_import.rows_updated, kpi_import.rows_unchanged) == (3, 0, 0)
    assert figures() == {
        ("W01", date(2025, 4, 30), "havering"): (Decimal("72.0000"), 36, 50, "First"),
        ("W01", date(2025, 4, 30), "england"): (Decimal("88.5000"), None, None, ""),
        ("CLA", date(2025, 4, 30), "havering"): (Decimal("231.0000"), None, None, ""),
    }
    value = KPIValue.objects.get(kpi__code="W01", area="havering")
    assert value.source_import == kpi_import
    assert value.updated_by == admin_user


def test_importing_the_same_file_again_changes_nothing(tmp_path):
    path = write_file(tmp_path, "april.csv", csv_bytes([[str(c) for c in r] for r in GOOD_ROWS]))
    first = services.kpi_import_from_path(path=path, dry_run=False)
    stamps = dict(KPIValue.objects.values_list("pk", "updated_at"))
    again = services.kpi_import_from_path(path=path, dry_run=False)
    assert (again.rows_created, again.rows_updated, again.rows_unchanged) == (0, 0, 3)
    assert dict(KPIValue.objects.values_list("pk", "updated_at")) == stamps
    assert set(KPIValue.objects.values_list("source_import", flat=True)) == {first.pk}


def test_a_changed_note_or_count_is_an_update(tmp_path):
    services.kpi_import_from_path(path=write_file(tmp_path, "a.xlsx", xlsx_bytes(GOOD_ROWS)), dry_run=False)
    changed = [row[:] for row in GOOD_ROWS]
    changed[1][6] = "Corrected"
    changed[2][3:5] = [40, 45]
    second = services.kpi_import_from_path(
        path=write_file(tmp_path, "b.xlsx", xlsx_bytes(changed)), dry_run=False
    )
    assert (second.rows_created, second.rows_updated, second.rows_unchanged) == (0, 2, 1)
    assert KPIValue.objects.get(kpi__code="W01", area="havering").source_import == second


def test_one_bad_row_means_nothing_is_written(tmp_path):
    KPIValueFactory(kpi=KPI.objects.get(code="W01"), period_end=date(2025, 4, 30), value=Decimal("70"))
    before = figures()
    bad = [*GOOD_ROWS, ["W01", date(2025, 5, 31), 150, "", "", "", ""]]
    kpi_import = services.kpi_import_from_path(
        path=write_file(tmp_path, "bad.xlsx", xlsx_bytes(bad)), dry_run=False
    )
    assert kpi_import.state == KPIImport.State.FAILED
    assert kpi_import.errors == [
        {"row": 5, "column": "C (value)", "message": "150 is a percentage outside 0–100."}
    ]
    assert figures() == before


def test_a_figure_the_portal_derives_is_never_overwritten(tmp_path):
    KPIValue.objects.create(
        kpi=KPI.objects.get(code="H03"),
        period_end=date(2025, 4, 30),
        area="england",
        value=5,
        is_derived=True,
    )
    rows = [LONG_HEADER, ["H03", "2025-04-30", "7", "", "", "England", ""]]
    kpi_import = services.kpi_import_from_path(
        path=write_file(tmp_path, "h.csv", csv_bytes(rows)), dry_run=False
    )
    assert (kpi_import.rows_created, kpi_import.rows_updated, kpi_import.rows_unchanged) == (0, 0, 1)
    assert KPIValue.objects.get(kpi__code="H03").value == 5


def test_a_missing_file_is_reported(tmp_path):
    kpi_import = services.kpi_import_from_path(path=tmp_path / "nowhere.csv", dry_run=False)
    assert kpi_import.state == KPIImport.State.FAILED
    assert "There is no file" in kpi_import.errors[0]["message"]


def test_the_command_imports_and_exits_zero(tmp_path):
    path = write_file(tmp_path, "april.xlsx", xlsx_bytes(GOOD_ROWS))
    out = StringIO()
    call_command("import_kpi_data", str(path), stdout=out)
    assert "Imported april.xlsx: 3 new figures, 0 changed, 0 already up to date." in out.getvalue()
    assert KPIValue.objects.count() == 3
    assert KPIImport.objects.get().source == KPIImport.Source.COMMAND


def test_the_command_dry_run_writes_nothing(tmp_path):
    path = write_file(tmp_path, "april.xlsx", xlsx_bytes(GOOD_ROWS))
    out = StringIO()
    call_command("import_kpi_data", str(path), "--dry-run", stdout=out)
    assert "Nothing was written" in out.getvalue()
    assert not KPIValue.objects.exists()


def test_the_command_prints_every_error_and_fails(tmp_path):
    rows = [LONG_HEADER, ["W99", "2025-04-30", "72"], ["W01", "soon", "72"]]
    path = write_file(tmp_path, "bad.csv", csv_bytes(rows))
    err = StringIO()
    with pytest.raises(CommandError, match=r"bad\.csv was not imported: 2 problem"):
        call_command("import_kpi_data", str(path), stderr=err)
    assert err.getvalue().splitlines() == [
        "row 2, column A (kpi_code): Unknown KPI code “W99”.",
        "row 3, column B (period_end): “soon” is not a date: use 2025-04-30, 30/04/2025 or Apr 2025.",
    ]
    assert not KPIValue.objects.exists()


def test_stale_previews_lose_their_stored_file(tmp_path, settings, admin_user):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("april.csv", csv_bytes([[str(c) for c in r] for r in GOOD_ROWS]))
    kpi_import = services.kpi_import_upload(uploaded_file=upload, user=admin_user)
    assert kpi_import.state == KPIImport.State.PREVIEWED and kpi_import.stored_file
    assert services.kpi_import_discard_stale_previews(now=timezone.now()) == 0
    later = timezone.now() + services.PREVIEW_LIFETIME + services.RUN_TIMEOUT
    assert services.kpi_import_discard_stale_previews(now=later) == 1
    kpi_import.refresh_from_db()
    assert not kpi_import.stored_file
    with pytest.raises(services.ImportNotAllowed):
        services.kpi_import_confirm(kpi_import=kpi_import, user=admin_user)


@pytest.mark.parametrize("layout", ["long", "wide"])
def test_every_figure_is_written_across_progress_reports(tmp_path, monkeypatch, layout):
    monkeypatch.setattr(checking, "PROGRESS_EVERY", 3)
    months = [date(2024, month, 28) for month in range(1, 13)]
    if layout == "long":
        rows = [
            LONG_HEADER,
            *(["W01", month, 70, "", "", area, ""] for month in months for area in ("", "England")),
        ]
    else:
        rows = [
            ["kpi_code", "area", *months],
            *([code, area, *[70] * 12] for code in ("W01", "W02", "S01") for area in ("", "London")),
        ]
    reports = []
    kpi_import = KPIImport.objects.create(file_name="progress.xlsx", state=KPIImport.State.RUNNING)
    path = write_file(tmp_path, "progress.xlsx", xlsx_bytes(rows))
    checked = importing.check_table(
        services.open_table(path, file_name="progress.xlsx", max_bytes=10**7), progress=reports.append
    )
    assert reports[:2] == [3, 6]
    outcome = importing.write_staged(checked, kpi_import_id=kpi_import.pk, user_id=None)
    checked.close()
    expected = 24 if layout == "long" else 72
    assert (outcome.created, KPIValue.objects.count()) == (expected, expected)
