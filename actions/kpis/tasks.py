"""Celery tasks of the KPI import: thin, they take ids and call a service."""

from celery import shared_task

from . import services


@shared_task(name=services.RUN_TASK)
def run_kpi_import(kpi_import_id: int) -> str | None:
    """Check or write one import. Safe to run twice (the service claims the import)."""
    kpi_import = services.kpi_import_run(kpi_import_id=kpi_import_id)
    return kpi_import.state if kpi_import else None


@shared_task
def discard_stale_kpi_import_previews() -> int:
    return services.kpi_import_discard_stale_previews()


@shared_task
def stop_timed_out_kpi_imports() -> int:
    return services.kpi_imports_stop_timed_out()
