"""Checking every row of a figures file before anything is written.

``check_table`` recognises the layout by the header row (the long and wide layouts of
PRODUCT.md, or a DfE open-data file), checks every row, and writes the good figures to
a staging file in PostgreSQL's COPY text format. Nothing touches the KPI values until
the whole file is known to be good.
"""

import tempfile
from collections.abc import Callable
from datetime import date
from typing import NamedTuple

from django.utils import timezone

from actions.models import KPI, KPIValue
from core.formatting import uk_date_short

from ..files import Table, column_letter
from . import sense
from .cells import AREA_INDEX, AREA_WORDS, blank, parse_count, parse_number, parse_period, shown
from .results import Checked, staging_line

LONG, WIDE, DFE = "long", "wide", "dfe"
LONG_COLUMNS = ("kpi_code", "period_end", "value", "numerator", "denominator", "area", "note")
REQUIRED_LONG = ("kpi_code", "period_end", "value")
WIDE_TEXT_COLUMNS = ("name", "kpi_name", "measure")  # for people reading the sheet; ignored
DFE_COLUMNS = ("time_period", "time_identifier", "geographic_level")
# The ten columns every Explore Education Statistics file starts with; the rest are its
# filters and figures.
DFE_STANDARD = frozenset(
    (
        *DFE_COLUMNS,
        "country_code",
        "country_name",
        "region_code",
        "region_name",
        "old_la_code",
        "la_name",
        "new_la_code",
    )
)
MAX_NOTE = 2000
PROGRESS_EVERY = 20_000
NO_FIGURES = "The file has no figures: it has a header row and nothing under it."

BAD = object()  # a parsed cell's "this cell does not parse"
_PARSED_LIMIT = 200_000


class KPIRef(NamedTuple):
    pk: int
    unit: str
    derived: bool
    code: str
    published: bool = False  # published by DfE: its figures come only from DfE's files


class PeriodRef(NamedTuple):
    """A period end with what staging needs: its ordinal (for keys) and its ISO text."""

    day: date
    ordinal: int
    iso: str


class Number(NamedTuple):
    """A figure as read: its value, and its text as the database reads it."""

    value: float
    text: str


class ParsedCells(dict):
    """Parsed cells by their raw value: figures files repeat codes, dates and values
    on every row, so each distinct cell is parsed once."""

    def __init__(self, parse):
        super().__init__()
        self.parse = parse

    def __missing__(self, cell):
        try:
            found = self.parse(cell)
        except (ValueError, KeyError, TypeError, OverflowError):
            found = BAD
        if len(self) >= _PARSED_LIMIT:
            self.forget()
        self[cell] = found
        return found

    def forget(self) -> None:
        self.clear()


class ParsedPeriods(ParsedCells):
    """Parsed period cells, which also remember every period end read, even once they
    have been emptied: the lock check needs them all."""

    def __init__(self, parse):
        super().__init__(parse)
        self.forgotten: set[date] = set()

    def forget(self) -> None:
        self.forgotten.update(self.dates())
        super().forget()

    def dates(self) -> set[date]:
        return {entry.day for entry in self.values() if entry is not BAD} | self.forgotten

    def remember(self, day: date) -> None:
        """Remember a period end read some other way (DfE's year columns)."""
        self.forgotten.add(day)


def _period_ref(cell) -> PeriodRef:
    found = parse_period(cell)
    return PeriodRef(found, found.toordinal(), found.isoformat())


def _number(cell) -> Number | None:
    return None if blank(cell) else Number(*parse_number(cell))


class Checker:
    """What every layout shares: the parsed cells, the checks that record an
    error with its row and column, and the staging file."""

    def __init__(self, table: Table, progress: Callable[[int], None] | None):
        self.table = table
        self.progress = progress
        self.result = Checked()
        self.header_row = 1
        self.today = timezone.localdate()
        by_code = {
            code.upper(): KPIRef(pk, unit, derived, code.upper(), source == KPI.Source.DFE)
            for code, pk, unit, derived, source in KPI.objects.values_list(
                "code", "pk", "unit", "is_derived", "source"
            )
        }
        self.kpis = ParsedCells(lambda cell: by_code[str(cell).strip().upper()] if not blank(cell) else None)
        self.periods = ParsedPeriods(_period_ref)
        self.numbers = ParsedCells(_number)
        self.counts = ParsedCells(lambda cell: None if blank(cell) else parse_count(cell))
        self.areas = ParsedCells(lambda cell: AREA_WORDS[str(cell).strip().lower()])
        self.seen: dict = {}
        self.buffer: list[str] = []
        # Handed to the caller in the result, which closes it.
        self.staged = tempfile.SpooledTemporaryFile(  # noqa: SIM115
            max_size=16 << 20, mode="w+", encoding="utf-8"
        )

    def column(self, index: int, name: str = "") -> str:
        letter = column_letter(self.table.first_column + index)
        return f"{letter} ({name})" if name else letter

    def finish(self) -> Checked:
        result = self.result
        if result.ok and not result.figures:
            result.add_error(self.header_row, "", NO_FIGURES)
        if result.ok:
            self.flush()
            self.staged.seek(0)
            result.staged = self.staged
            result.periods = frozenset(self.periods.dates())
        else:
            self.staged.close()
        return result

    def flush(self) -> None:
        if self.buffer:
            self.staged.writelines(self.buffer)
            self.buffer.clear()  # in place: the long layout's loop holds a reference to it

    def tick(self, rows: int) -> None:
        self.result.rows_read = rows
        self.flush()
        if self.progress:
            self.progress(rows)

    # Each check returns the parsed value, or None after recording the error (or for an
    # empty optional cell).

    def kpi(self, number: int, column: str, cell) -> KPIRef | None:
        found = self.kpis[cell]
        if found is BAD:
            self.result.add_error(number, column, f"Unknown KPI code “{shown(cell)}”.")
            return None
        return found

    def period(self, number: int, column: str, cell) -> PeriodRef | None:
        found = self.periods[cell]
        if found is BAD:
            self.result.add_error(
                number, column, f"“{shown(cell)}” is not a date: use 2025-04-30, 30/04/2025 or Apr 2025."
            )
            return None
        if problem := sense.period_problem(found.day, today=self.today):
            self.result.add_error(number, column, problem)
            return None
        return found

    def area(self, number: int, column: str, cell) -> str | None:
        found = self.areas[cell]
        if found is BAD:
            self.result.add_error(
                number,
                column,
                f"Unknown area “{shown(cell)}”: use Havering (or leave it blank), England, London "
                "or Statistical neighbours.",
            )
            return None
        return found

    def value(self, number: int, column: str, kpi: KPIRef, cell, counts=(None, None)) -> str | None:
        found = self.numbers[cell]
        if found is None:
            self.result.add_error(number, column, "The value is empty.")
            return None
        if found is BAD:
            self.result.add_error(number, column, f"“{shown(cell)}” is not a number.")
            return None
        problem = sense.value_problem(
            unit=kpi.unit, number=found.value, text=found.text, numerator=counts[0], denominator=counts[1]
        )
        if problem:
            self.result.add_error(number, column, problem)
            return None
        return found.text

    def count(self, number: int, column: str, cell) -> int | None:
        found = self.counts[cell]
        if found is BAD:
            self.result.add_error(number, column, f"“{shown(cell)}” is not a whole number of 0 or more.")
            return None
        return found

    def derived(self, number: int, column: str, kpi: KPIRef, area: str) -> bool:
        if kpi.published and self.result.layout != DFE:
            self.result.add_error(
                number,
                column,
                f"{kpi.code} is published by DfE: its figures come only from DfE's own files, so that "
                "a published annual figure and a local in-year one never share a series. Import DfE's "
                "file, or give the figure to the local measure that tracks it.",
            )
            return True
        if kpi.derived and area == KPIValue.Area.HAVERING:
            self.result.add_error(
                number,
                column,
                f"{kpi.code} is worked out from the portal's own records; only comparator figures "
                "(England, London, Statistical neighbours) can be imported.",
            )
            return True
        return False

    def first_row(self, key, number: int) -> int:
        """The row that first gave this KPI, period and area (``number`` if this one did)."""
        return self.seen.setdefault(key, number)

    def duplicate(self, number: int, column: str, kpi: KPIRef, period: date, area: str, first: int) -> None:
        self.result.add_error(
            number,
            column,
            f"{kpi.code} for {uk_date_short(period)} ({KPIValue.Area(area).label}) is also on row {first}: "
            "each KPI, period and area may appear once in a file.",
        )

    def stage(self, number: int, column: str, kpi: KPIRef, period: PeriodRef, area: str, **figure) -> None:
        """Stage one checked figure (``figure``: value, numerator, denominator, and
        optionally note, la_code and symbol)."""
        key = ((kpi.pk << 22 | period.ordinal) << 3) | AREA_INDEX[area]
        first = self.first_row((key, figure["la_code"]) if figure.get("la_code") else key, number)
        if first != number:
            self.duplicate(number, column, kpi, period.day, area, first)
            return
        self.result.figures += 1
        if not self.result.error_count:
            self.buffer.append(
                staging_line(kpi_id=kpi.pk, period=period.iso, area=area, row=number, **figure)
            )


class LongColumns(NamedTuple):
    """Where the long layout's columns are: index and label ("C (value)") by name."""

    width: int
    index: dict
    label: dict

    def get(self, cells: list, name: str, default=None):
        at = self.index.get(name)
        return default if at is None else cells[at]


class LongChecker(Checker):
    """One figure per row: kpi_code, period_end, value, and optionally numerator,
    denominator, area and note."""

    def check(self, header_row: int, names: list[str]) -> None:
        columns = self.columns(header_row, names)
        if columns is None:
            return
        self.result.layout = LONG
        self.result.period_column = columns.label["period_end"]
        rows = 0
        for number, cells in self.table.rows:
            if len(cells) < columns.width:
                cells = list(cells) + [""] * (columns.width - len(cells))
            rows += 1
            if rows % PROGRESS_EVERY == 0:
                self.tick(rows)
            # The common case, a good row, costs a handful of dictionary look-ups;
            # anything unusual goes to check_row, which says exactly what is wrong.
            if not self.check_fast(number, cells, columns) and not self.check_row(number, cells, columns):
                rows -= 1  # a blank row
        self.result.rows_read = rows

    def columns(self, header_row: int, names: list[str]) -> LongColumns | None:
        missing = [name for name in REQUIRED_LONG if name not in names]
        if missing:
            self.result.add_error(
                header_row, "", f"The header row has no {', '.join(missing)} column (long layout)."
            )
            return None
        repeated = sorted({name for name in names if name in LONG_COLUMNS and names.count(name) > 1})
        if repeated:
            self.result.add_error(
                header_row, "", f"The header row names {', '.join(repeated)} more than once."
            )
            return None
        index = {name: names.index(name) for name in LONG_COLUMNS if name in names}
        self.result.ignored_columns = [name for name in names if name and name not in LONG_COLUMNS]
        return LongColumns(len(names), index, {name: self.column(i, name) for name, i in index.items()})

    def check_fast(self, number: int, cells: list, columns: LongColumns) -> bool:
        """Stage a plainly good row; False (nothing recorded) for anything else."""
        index = columns.index
        kpi = self.kpis[cells[index["kpi_code"]]]
        period = self.periods[cells[index["period_end"]]]
        value = self.numbers[cells[index["value"]]]
        area = self.areas[columns.get(cells, "area", "")]
        numerator = self.counts[columns.get(cells, "numerator", "")]
        denominator = self.counts[columns.get(cells, "denominator", "")]
        parsed = (kpi, period, value, area, numerator, denominator)
        if (
            BAD in parsed
            or None in (kpi, value)
            or kpi.derived
            or kpi.published
            or columns.get(cells, "note", "") != ""
        ):
            return False
        if not sense.plausible(
            unit=kpi.unit,
            number=value.value,
            numerator=numerator,
            denominator=denominator,
            period=period.day,
            today=self.today,
        ):
            return False
        self.stage(
            number,
            columns.label["kpi_code"],
            kpi,
            period,
            area,
            value=value.text,
            numerator=numerator,
            denominator=denominator,
        )
        return True

    def check_row(self, number: int, cells: list, columns: LongColumns) -> bool:
        """Check one row thoroughly, recording each problem; stage it if it is good.
        False for a blank row, which is skipped."""
        result = self.result
        index, label = columns.index, columns.label
        c_code = label["kpi_code"]
        kpi = self.kpis[cells[index["kpi_code"]]]
        if kpi is None:  # no code: a blank row, or a figure without its KPI
            if all(blank(cell) for cell in cells):
                return False
            result.add_error(number, c_code, "The KPI code is empty.")
            return True
        errors_before = result.error_count
        kpi = self.kpi(number, c_code, cells[index["kpi_code"]])
        period = self.period(number, label["period_end"], cells[index["period_end"]])
        area = self.area(number, label["area"], cells[index["area"]]) if "area" in index else "havering"
        numerator, denominator = self.row_counts(number, cells, columns)
        value = (
            self.value(number, label["value"], kpi, cells[index["value"]], (numerator, denominator))
            if kpi
            else None
        )
        note = self.note(number, cells, columns)
        if kpi and area:
            self.derived(number, c_code, kpi, area)
        if result.error_count == errors_before:
            self.stage(
                number,
                c_code,
                kpi,
                period,
                area,
                value=value,
                numerator=numerator,
                denominator=denominator,
                note=note,
            )
        return True

    def row_counts(self, number: int, cells: list, columns: LongColumns) -> tuple:
        label = columns.label
        numerator = denominator = None
        if "numerator" in columns.index:
            numerator = self.count(number, label["numerator"], columns.get(cells, "numerator"))
        if "denominator" in columns.index:
            denominator = self.count(number, label["denominator"], columns.get(cells, "denominator"))
        if problem := sense.counts_problem(numerator, denominator):
            self.result.add_error(number, label["numerator"], problem)
        return numerator, denominator

    def note(self, number: int, cells: list, columns: LongColumns) -> str:
        cell = columns.get(cells, "note")
        if blank(cell):
            return ""
        note = str(cell).strip()
        if len(note) > MAX_NOTE:
            self.result.add_error(
                number, columns.label["note"], f"The note is longer than {MAX_NOTE:,} characters."
            )
        return note


class WideColumns(NamedTuple):
    """Where the wide layout's columns are: the code and area columns (index and label),
    and each period column's period and label by index."""

    width: int
    i_code: int
    i_area: int | None
    c_code: str
    c_area: str
    periods: dict[int, PeriodRef]
    labels: dict[int, str]


class WideChecker(Checker):
    """One row per KPI (and area), one column per period."""

    def check(self, header_row: int, header: list, names: list[str]) -> None:
        periods = self.period_columns(header_row, header, names)
        if not periods:
            return
        self.result.layout = WIDE
        i_code = names.index("kpi_code")
        i_area = names.index("area") if "area" in names else None
        labels = {i: self.column(i, shown(header[i])) for i in periods}
        columns = WideColumns(
            width=len(names),
            i_code=i_code,
            i_area=i_area,
            c_code=self.column(i_code, "kpi_code"),
            c_area=self.column(i_area, "area") if i_area is not None else "",
            periods=periods,
            labels=labels,
        )
        self.result.period_columns = {period.day: labels[i] for i, period in periods.items()}
        rows = 0
        for number, cells in self.table.rows:
            if len(cells) < columns.width:
                cells = list(cells) + [""] * (columns.width - len(cells))
            if self.kpis[cells[i_code]] is None and all(blank(cell) for cell in cells):
                continue  # a blank row
            rows += 1
            if rows % PROGRESS_EVERY == 0:
                self.tick(rows)
            self.check_row(number, cells, columns)
        self.result.rows_read = rows

    def check_row(self, number: int, cells: list, columns: WideColumns) -> None:
        """Check one (not blank) row, recording each problem; stage its good figures."""
        c_code = columns.c_code
        if self.kpis[cells[columns.i_code]] is None:
            self.result.add_error(number, c_code, "The KPI code is empty.")
            return
        kpi = self.kpi(number, c_code, cells[columns.i_code])
        if kpi is None:
            return
        filled = [(i, period) for i, period in columns.periods.items() if not blank(cells[i])]
        if not filled:
            return
        area = (
            "havering" if columns.i_area is None else self.area(number, columns.c_area, cells[columns.i_area])
        )
        if area is None or self.derived(number, c_code, kpi, area):
            return
        for i, period in filled:
            value = self.value(number, columns.labels[i], kpi, cells[i])
            if value is not None:
                self.stage(
                    number,
                    columns.labels[i],
                    kpi,
                    period,
                    area,
                    value=value,
                    numerator=None,
                    denominator=None,
                )

    def period_columns(self, header_row: int, header: list, names: list[str]) -> dict[int, PeriodRef]:
        """The header's period columns by index; empty after recording any problem."""
        skipped = {names.index("kpi_code"), names.index("area") if "area" in names else None}
        periods: dict[int, PeriodRef] = {}
        first_column_of: dict[date, int] = {}
        for i, (cell, name) in enumerate(zip(header, names, strict=True)):
            if i in skipped or name in WIDE_TEXT_COLUMNS or blank(cell):
                continue
            period = self.period_heading(header_row, i, cell)
            if period is None:
                continue
            if period.day in first_column_of:
                self.result.add_error(
                    header_row,
                    self.column(i),
                    f"The period {uk_date_short(period.day)} is also the heading of column "
                    f"{self.column(first_column_of[period.day])}.",
                )
                continue
            first_column_of[period.day] = i
            periods[i] = period
        if self.result.error_count:
            return {}
        if not periods:
            self.result.add_error(header_row, "", "The header row has kpi_code but no period columns.")
        return periods

    def period_heading(self, header_row: int, i: int, cell) -> PeriodRef | None:
        period = self.periods[cell]
        if period is BAD:
            self.result.add_error(
                header_row,
                self.column(i),
                f"The heading “{shown(cell)}” is not a period: use 2025-04-30 or Apr 2025.",
            )
            return None
        if problem := sense.period_problem(period.day, today=self.today):
            self.result.add_error(header_row, self.column(i), problem)
            return None
        return period
