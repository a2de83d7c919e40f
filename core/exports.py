"""Spreadsheet downloads (CSV and xlsx) that a spreadsheet program cannot be tricked by.

A cell beginning with ``= + - @``, a tab or a carriage return can be read as a formula
(CSV injection); such cells get a leading apostrophe, as OWASP advises.
"""

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

import xlsxwriter
from django.http import HttpResponse

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_COLUMN_WIDTH = 60  # characters; longer text (commentary) wraps in the spreadsheet program


def safe_cell(value):
    """The value as a spreadsheet should hold it: text that could run is neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float | Decimal | date | datetime):
        return value
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_response(filename: str, headers: Sequence[str], rows: Iterable[Sequence]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response.write("\ufeff")  # BOM: Excel then reads UTF-8 correctly
    writer = csv.writer(response)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return _attachment(response, filename)


def _width(value) -> int:
    """Roughly how many characters wide a cell's value shows."""
    if isinstance(value, datetime):
        return 18
    if isinstance(value, date):
        return 17  # "10 September 2027"
    if isinstance(value, float):
        return len(f"{value:g}")
    return max((len(line) for line in str(value).splitlines()), default=0)


def xlsx_bytes(sheets: dict[str, tuple[Sequence[str], Iterable[Sequence]]]) -> bytes:
    """An xlsx workbook: {sheet name: (headers, rows)}. Strings are never read as formulas.

    Each sheet starts with its header row (frozen, so it stays in view), dates are date
    cells shown the UK way, and columns are as wide as their content (within reason).
    """
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    bold = workbook.add_format({"bold": True})
    date_format = workbook.add_format({"num_format": "d mmmm yyyy"})
    datetime_format = workbook.add_format({"num_format": "d mmmm yyyy hh:mm"})
    for name, (headers, rows) in sheets.items():
        sheet = workbook.add_worksheet(name[:31])
        sheet.write_row(0, 0, headers, bold)
        widths = [len(str(header)) for header in headers]
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row):
                value = safe_cell(value)
                if isinstance(value, datetime):
                    sheet.write_datetime(r, c, value.replace(tzinfo=None), datetime_format)
                elif isinstance(value, date):
                    sheet.write_datetime(r, c, datetime(value.year, value.month, value.day), date_format)
                elif isinstance(value, bool | int | float | Decimal):
                    sheet.write_number(r, c, float(value))
                else:
                    sheet.write_string(r, c, value)
                if c >= len(widths):
                    widths.extend([0] * (c + 1 - len(widths)))
                widths[c] = max(widths[c], _width(value))
        for c, width in enumerate(widths):
            sheet.set_column(c, c, min(max(width, 6), MAX_COLUMN_WIDTH) + 2)
        sheet.freeze_panes(1, 0)
    workbook.close()
    return buffer.getvalue()


def xlsx_response(filename: str, headers: Sequence[str], rows: Iterable[Sequence]) -> HttpResponse:
    response = HttpResponse(xlsx_bytes({"Sheet1": (headers, rows)}), content_type=XLSX_TYPE)
    return _attachment(response, filename)
