from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from actions.kpis.services import kpi_import_from_path
from actions.models import KPIImport


class Command(BaseCommand):
    help = (
        "Import KPI values from an .xlsx or .csv file (long or wide layout, or a CSV from Explore "
        "Education Statistics as DfE publishes it). Every row is checked first; with any error nothing "
        "is written and the errors are printed. Figures that look unusual are written only with "
        "--accept-warnings. Figures for periods in an issued report are changed only with --reason, "
        "which is recorded."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="The .xlsx or .csv file.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and say what it would do; write nothing."
        )
        parser.add_argument(
            "--reason",
            default="",
            help="Why figures for periods in an issued report are changed; recorded with each change.",
        )
        parser.add_argument(
            "--accept-warnings",
            action="store_true",
            help="Import figures that look unusual next to earlier ones, once you have checked them.",
        )

    def handle(self, *args, path: Path, dry_run: bool, reason: str, accept_warnings: bool, **options):
        kpi_import = kpi_import_from_path(
            path=path, dry_run=dry_run, amendment_reason=reason, accept_warnings=accept_warnings
        )
        if kpi_import.state == KPIImport.State.FAILED:
            for error in kpi_import.errors:
                self.stderr.write(_located(error))
            more = kpi_import.error_count - len(kpi_import.errors)
            if more > 0:
                self.stderr.write(f"… and {more:,} more.")
            raise CommandError(f"{path.name} was not imported: {kpi_import.error_count:,} problem(s).")
        counts = (
            f"{kpi_import.rows_created:,} new {_figures(kpi_import.rows_created)}, "
            f"{kpi_import.rows_updated:,} changed, {kpi_import.rows_unchanged:,} already up to date"
        )
        if kpi_import.rows_locked:
            counts += (
                f"; {kpi_import.rows_locked:,} of them in issued reports (each change is recorded "
                "with the reason)"
            )
        for warning in kpi_import.warnings:
            self.stdout.write(self.style.WARNING(f"Unusual: {_located(warning)}"))
        if dry_run:
            message = f"{path.name} has no errors. Importing it would give {counts}. Nothing was written."
        else:
            message = f"Imported {path.name}: {counts}."
        self.stdout.write(self.style.SUCCESS(message))


def _figures(count: int) -> str:
    return "figure" if count == 1 else "figures"


def _located(error: dict) -> str:
    where = ", ".join(
        part
        for part in (
            f"row {error['row']}" if error.get("row") else "",
            f"column {error['column']}" if error.get("column") else "",
        )
        if part
    )
    return f"{where}: {error['message']}" if where else error["message"]
