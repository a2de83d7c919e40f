"""Large imports run on a real Celery worker; the upload returns at once."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from actions.kpis import services, tasks
from actions.models import KPIImport, KPIValue, KPIValueAmendment
from havering_cp.celery import app
from tests.actions.kpis.spreadsheets import LONG_HEADER, xlsx_bytes
from tests.conftest import wait_for
from tests.factories import KPIPeriodLockFactory, KPIValueFactory

ROWS = [LONG_HEADER, *(["W01", date(2020 + m // 12, m % 12 + 1, 28), 70 + m % 10] for m in range(60))]


def test_the_run_task_is_registered_under_the_name_services_send():
    app.loader.import_default_modules()
    assert services.RUN_TASK in app.tasks
    assert tasks.run_kpi_import.name == services.RUN_TASK


@pytest.mark.celery_worker
def test_a_large_upload_is_checked_and_imported_by_the_worker(
    celery_worker, client, settings, tmp_path, users
):
    settings.MEDIA_ROOT = tmp_path
    settings.KPI_IMPORT_BACKGROUND_BYTES = 1  # every file counts as large
    client.force_login(users["admin"])

    response = client.post(
        reverse("kpi_import_new"), {"file": SimpleUploadedFile("big.xlsx", xlsx_bytes(ROWS))}
    )
    kpi_import = KPIImport.objects.get()
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    if kpi_import.state in ("pending", "running"):
        assert "Checking the file" in page and "<progress" in page

    wait_for(lambda: KPIImport.objects.get().state == KPIImport.State.PREVIEWED)
    assert KPIImport.objects.get().rows_created == 60
    assert not KPIValue.objects.exists()

    client.post(reverse("kpi_import_confirm", args=[kpi_import.pk]))
    wait_for(lambda: KPIImport.objects.get().state == KPIImport.State.DONE)
    assert KPIValue.objects.filter(kpi__code="W01").count() == 60
    assert "Figures imported" in client.get(response.url).content.decode()


@pytest.mark.celery_worker
def test_running_the_task_twice_imports_once(celery_worker, settings, tmp_path, users):
    settings.MEDIA_ROOT = tmp_path
    settings.KPI_IMPORT_BACKGROUND_BYTES = 1
    kpi_import = services.kpi_import_upload(
        uploaded_file=SimpleUploadedFile("big.xlsx", xlsx_bytes(ROWS)), user=users["admin"]
    )
    tasks.run_kpi_import.delay(kpi_import.pk)  # a duplicate delivery
    wait_for(lambda: KPIImport.objects.get().state == KPIImport.State.PREVIEWED)
    assert tasks.run_kpi_import(kpi_import.pk) is None  # nothing left to claim


@pytest.mark.celery_worker
def test_the_worker_changes_locked_figures_with_the_reason_given_at_upload(
    celery_worker, settings, tmp_path, users
):
    settings.MEDIA_ROOT = tmp_path
    settings.KPI_IMPORT_BACKGROUND_BYTES = 1
    KPIValueFactory(period_end=date(2020, 1, 28), value=Decimal("60"))
    KPIPeriodLockFactory(period_start=date(2020, 1, 1), period_end=date(2020, 1, 31))
    services.kpi_import_upload(
        uploaded_file=SimpleUploadedFile("big.xlsx", xlsx_bytes(ROWS)),
        user=users["admin"],
        amendment_reason="Recounted",
    )
    wait_for(lambda: KPIImport.objects.get().state == KPIImport.State.PREVIEWED)
    assert KPIImport.objects.get().rows_locked == 1
    services.kpi_import_confirm(kpi_import=KPIImport.objects.get(), user=users["admin"])
    wait_for(lambda: KPIImport.objects.get().state == KPIImport.State.DONE)
    amendment = KPIValueAmendment.objects.get()
    assert (amendment.old_value, amendment.new_value, amendment.reason) == (
        Decimal("60"),
        Decimal("70"),
        "Recounted",
    )
