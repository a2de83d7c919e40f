"""django-import-export for KPI values in the Django admin, delegating to our importer.

The admin keeps django-import-export's pages (choose a file, preview, confirm), but a
file is opened by ``files.open_table`` (calamine or csv, with every safety check) and
checked and written by ``importer``, exactly as on the portal's import page. So both
ways in accept the same files, give the same errors with the same row and column
numbers, and are as fast; and every confirmed admin import is recorded as a KPIImport.

Exports go through ``core.exports.safe_cell``: a cell that a spreadsheet could
run as a formula is neutralised.
"""

import tempfile
from collections import defaultdict
from pathlib import Path

import tablib
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from import_export import fields, resources
from import_export.formats import base_formats
from import_export.results import Result, RowResult

from actions.models import KPIImport, KPIValue
from core.exports import safe_cell

from . import services
from .files import CSV, XLSX, Table, open_table
from .importing import LONG_COLUMNS, Outcome, RowError


class _KPIFileFormat(base_formats.Format):
    """Reads an uploaded file with our safe readers into a tablib Dataset whose rows
    keep their spreadsheet numbers (blank rows included) for error messages."""

    kind = ""
    content_type = ""

    def __init__(self, encoding=None):
        self.encoding = encoding

    def get_title(self):
        return self.kind

    def get_extension(self):
        return self.kind

    def get_content_type(self):
        return self.content_type

    def can_import(self):
        return True

    def create_dataset(self, in_stream, **kwargs):
        data = in_stream if isinstance(in_stream, bytes) else in_stream.encode("utf-8")
        with tempfile.NamedTemporaryFile(suffix=f".{self.kind}") as handle:
            handle.write(data)
            handle.flush()
            table = open_table(
                Path(handle.name), file_name=f"upload.{self.kind}", max_bytes=settings.KPI_IMPORT_MAX_BYTES
            )
            rows = [list(cells) for _, cells in table.rows]
        width = max((len(row) for row in rows), default=0)
        rows = [row + [""] * (width - len(row)) for row in rows]
        dataset = tablib.Dataset(*rows[1:], headers=rows[0] if rows else [])
        dataset.first_column = table.first_column
        return dataset


class KPICSVFormat(_KPIFileFormat):
    kind = CSV
    content_type = "text/csv"


class KPIXLSXFormat(_KPIFileFormat):
    kind = XLSX
    content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _table_from(dataset: tablib.Dataset) -> Table:
    rows = [list(dataset.headers or []), *(list(row) for row in dataset)]
    return Table(
        kind="dataset",
        rows=iter(enumerate(rows, start=1)),
        total_rows=len(dataset),
        first_column=getattr(dataset, "first_column", 0),
    )


class KPIValueResource(resources.ModelResource):
    """Exports in the long import layout (so an export can be edited and imported
    again); imports through ``services`` (see the module's docstring)."""

    kpi_code = fields.Field(attribute="kpi__code", column_name="kpi_code", readonly=True)

    class Meta:
        model = KPIValue
        fields = LONG_COLUMNS
        export_order = LONG_COLUMNS

    def get_queryset(self):
        # Other councils' figures are DfE's, re-imported from DfE's files; not in this layout.
        return (
            KPIValue.objects.exclude(area=KPIValue.Area.COUNCIL)
            .select_related("kpi")
            .order_by("kpi__code", "period_end", "area")
        )

    def export_resource(self, instance, selected_fields=None, **kwargs):
        return [safe_cell(value) for value in super().export_resource(instance, selected_fields, **kwargs)]

    def import_data(self, dataset, dry_run=False, raise_errors=False, use_transactions=None, **kwargs):
        """``amendment_reason`` (from the admin's import form) is why figures in issued
        reports are changed, if they are."""
        table = _table_from(dataset)
        reason = kwargs.get("amendment_reason") or ""
        if dry_run:
            checked, outcome = services.kpi_import_preview_table(
                table=table, user=kwargs.get("user"), source=KPIImport.Source.ADMIN, amendment_reason=reason
            )
            if outcome is not None and outcome.refused_count:
                return self._result(dataset, outcome.refused, outcome.refused_count, None, checked.rows_read)
            return self._result(dataset, checked.errors, checked.error_count, outcome, checked.rows_read)
        kpi_import = services.kpi_import_table(
            table=table,
            file_name=kwargs.get("file_name") or "admin upload",
            user=kwargs.get("user"),
            source=KPIImport.Source.ADMIN,
            apply=True,
            amendment_reason=reason,
        )
        errors = [RowError(**error) for error in kpi_import.errors]
        outcome = Outcome(
            kpi_import.rows_created,
            kpi_import.rows_updated,
            kpi_import.rows_unchanged,
            locked=kpi_import.rows_locked,
        )
        result = self._result(
            dataset, errors, kpi_import.error_count, None if errors else outcome, kpi_import.rows_processed
        )
        result.kpi_import = kpi_import
        return result

    def _result(self, dataset, errors, error_count, outcome, rows_read) -> Result:
        result = Result()
        result.total_rows = rows_read
        result.error_count = error_count
        result.locked_count = outcome.locked if outcome is not None else 0
        result.locked_samples = outcome.samples.get("locked", []) if outcome is not None else []
        result.warnings = outcome.warnings if outcome is not None else []
        headers = [str(header) for header in (dataset.headers or [])]
        by_row = defaultdict(lambda: defaultdict(list))
        for error in errors:
            by_row[error.row][error.column or NON_FIELD_ERRORS].append(error.message)
        if by_row:
            result.diff_headers = headers
            for number, messages in by_row.items():
                values = list(dataset[number - 2]) if number and 2 <= number <= len(dataset) + 1 else []
                result.append_invalid_row(
                    number or 0, dict(zip(headers, values, strict=False)), ValidationError(dict(messages))
                )
            result.totals[RowResult.IMPORT_TYPE_INVALID] = len(by_row)
            return result
        result.diff_headers = ["kpi_code", "period_end", "area", "value", "numerator", "denominator", "note"]
        if outcome is not None:
            result.totals[RowResult.IMPORT_TYPE_NEW] = outcome.created
            result.totals[RowResult.IMPORT_TYPE_UPDATE] = outcome.updated
            result.totals[RowResult.IMPORT_TYPE_SKIP] = outcome.unchanged
            for kind, import_type in (
                ("created", RowResult.IMPORT_TYPE_NEW),
                ("changed", RowResult.IMPORT_TYPE_UPDATE),
            ):
                for sample in outcome.samples.get(kind, []):
                    result.append_row_result(_sample_row(sample, import_type))
        return result


def _sample_row(sample: dict, import_type: str) -> RowResult:
    row = RowResult()
    row.import_type = import_type
    new, old = sample["new"], sample.get("old") or {}

    def cell(key):
        if old and old.get(key) != new.get(key):
            return f"{old.get(key) if old.get(key) is not None else '–'} → {new.get(key)}"
        return new.get(key) if new.get(key) is not None else ""

    row.diff = [
        cell(key) for key in ("kpi", "period_end", "area", "value", "numerator", "denominator", "note")
    ]
    return row
