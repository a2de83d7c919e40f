"""What an import finds and does: errors by row and column, the checked file, one
staged figure, and the outcome of comparing with (or writing to) the database."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from .cells import copy_text

MAX_ERRORS = 1000
NULL = "\\N"  # COPY's text format for a missing value


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"


@dataclass
class Checked:
    """What ``check_table`` found. ``staged`` holds the good figures (COPY text format)
    and is only kept when there are no errors."""

    layout: str = ""
    rows_read: int = 0
    figures: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    ignored_columns: list[str] = field(default_factory=list)
    staged: object = None
    # Every period end read (a superset of the staged ones), and the column that holds
    # each: one column in the long layout, one per period in the wide one.
    periods: frozenset = frozenset()
    period_column: str = ""
    period_columns: dict = field(default_factory=dict)
    # For a DfE file no mapping takes: its filter and figure columns.
    not_recognised: list[str] | None = None

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def column_of(self, period_end: date) -> str:
        return self.period_columns.get(period_end, self.period_column)

    def add_error(self, row: int, column: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(RowError(row, column, message))

    def close(self) -> None:
        if self.staged is not None:
            self.staged.close()
            self.staged = None


@dataclass(frozen=True)
class Outcome:
    created: int
    updated: int
    unchanged: int
    samples: dict = field(default_factory=dict)
    # Of the created and updated figures, those in locked periods (each is amended).
    locked: int = 0
    # Figures refused because their period is locked; when there are any, nothing
    # was written and the counts above are zero.
    refused: list[RowError] = field(default_factory=list)
    refused_count: int = 0
    # Figures that look wrong but may be right (``sense.unusual``): the preview shows
    # them, and they are written only once someone has confirmed them.
    warnings: list[RowError] = field(default_factory=list)


@dataclass(frozen=True)
class LockRule:
    """How an import treats figures that would add to or change a locked period: with
    ``allowed`` (an administrator who gave a reason) they are written and each change
    recorded with ``reason``; otherwise each such row is refused, ``refusal`` saying why."""

    allowed: bool = False
    reason: str = ""
    refusal: str = "Only an administrator can change them, giving a reason."


class StagedFigure(NamedTuple):
    """One checked figure, as staged for writing (one line of COPY text)."""

    kpi_id: int
    period_end: date
    area: str
    la_code: str
    value: Decimal | None  # None when DfE published a symbol instead
    numerator: int | None
    denominator: int | None
    note: str
    symbol: str
    row: int

    @property
    def key(self) -> tuple:
        return (self.kpi_id, self.period_end, self.area, self.la_code)

    @property
    def figures(self) -> tuple:
        """What a stored figure is compared on."""
        return (self.value, self.numerator, self.denominator, self.note, self.symbol)


def staging_line(
    *,
    kpi_id: int,
    period: str,
    area: str,
    value: str | None,
    numerator: int | None,
    denominator: int | None,
    row: int,
    la_code: str = "",
    note: str = "",
    symbol: str = "",
) -> str:
    """A figure as a line of COPY text (``period`` in ISO form); the text fields are escaped
    here, the one place, so that a tab or backslash in a note cannot shift or break a line."""
    return (
        f"{kpi_id}\t{period}\t{area}\t{copy_text(la_code)}\t{NULL if value is None else value}\t"
        f"{NULL if numerator is None else numerator}\t{NULL if denominator is None else denominator}\t"
        f"{copy_text(note)}\t{copy_text(symbol)}\t{row}\n"
    )
