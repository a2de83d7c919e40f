"""The KPI import pipeline: open safely (``files``) → check every row (``checking``
for the long and wide layouts, ``dfe`` for DfE's open data, the rules in ``sense``) →
preview → write once (``writing``). Every way in (the import page, the Django admin,
the command line) goes through ``check_table`` and then ``preview_staged`` or
``write_staged``.
"""

from collections.abc import Callable

from ..files import Table
from .cells import blank, header_name, parse_count, parse_number, parse_period
from .checking import DFE_COLUMNS, LONG, LONG_COLUMNS, PROGRESS_EVERY, WIDE, Checker, LongChecker, WideChecker
from .dfe import DfEChecker
from .results import MAX_ERRORS, Checked, LockRule, Outcome, RowError, StagedFigure
from .writing import preview_staged, write_staged

__all__ = [
    "DFE_COLUMNS",
    "LONG",
    "LONG_COLUMNS",
    "MAX_ERRORS",
    "PROGRESS_EVERY",
    "WIDE",
    "Checked",
    "LockRule",
    "Outcome",
    "RowError",
    "StagedFigure",
    "check_table",
    "parse_count",
    "parse_number",
    "parse_period",
    "preview_staged",
    "write_staged",
]


def _header(table: Table) -> tuple[int | None, list]:
    for number, cells in table.rows:
        if any(not blank(cell) for cell in cells):
            return number, cells
    return None, []


def check_table(table: Table, *, progress: Callable[[int], None] | None = None) -> Checked:
    """Validate every row; on success ``result.staged`` holds the figures to write."""

    header_row, header = _header(table)
    names = [header_name(cell) for cell in header]
    if header_row is None:
        checker = Checker(table, progress)
        checker.result.add_error(1, "", "The file has no header row and no figures.")
    elif all(name in names for name in DFE_COLUMNS):
        checker = DfEChecker(table, progress)
        checker.check(header_row, header, names)
    elif "value" in names or "period_end" in names:
        checker = LongChecker(table, progress)
        checker.check(header_row, names)
    elif "kpi_code" in names:
        checker = WideChecker(table, progress)
        checker.check(header_row, header, names)
    else:
        checker = Checker(table, progress)
        checker.result.add_error(
            header_row,
            "",
            "The first row must be the header: kpi_code, period_end, value, numerator, denominator, "
            "area, note (long layout), or kpi_code then one column per period (wide layout), or a "
            "CSV from Explore Education Statistics as DfE publishes it. Download the template to see them.",
        )
    return checker.finish()
