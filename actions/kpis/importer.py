"""Checking every row of a performance-data file, then writing the figures in one go.

``check_table`` reads the rows of a ``files.Table`` (long or wide layout, see
PRODUCT.md), validates every one of them and writes the good figures to a staging
file in PostgreSQL's COPY text format. Nothing touches the KPI values until the whole
file is known to be good.

``preview_staged`` and ``write_staged`` then compare the staged figures with the
database and say (or do) what would be created, changed or left alone. On PostgreSQL
the figures are COPYed into a temporary table and merged by one
``INSERT … ON CONFLICT … DO UPDATE … WHERE values differ``; on other databases (SQLite
for ``make run``) a bulk upsert in chunks does the same.

Figures for periods in an issued report are locked (``KPIPeriodLock``). The locks are
read once per import and compared, in Python, with the few distinct periods the file
holds; only when one of them is locked does a query look for the staged figures that
would add to or change a locked period. Those are refused, row by row, unless the
``LockRule`` allows them (an administrator who gave a reason); then each is written
with a ``KPIValueAmendment``, in the same statement as the upsert.
"""

import calendar
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection, transaction
from django.utils import timezone

from actions.models import KPI, KPIValue, KPIValueAmendment

from .files import Table, column_letter
from .selectors import period_locks

LONG, WIDE = "long", "wide"
LONG_COLUMNS = ("kpi_code", "period_end", "value", "numerator", "denominator", "area", "note")
REQUIRED_LONG = ("kpi_code", "period_end", "value")
WIDE_TEXT_COLUMNS = ("name", "kpi_name", "measure")  # for people reading the sheet; ignored
MAX_ERRORS = 1000
MAX_NOTE = 2000
PROGRESS_EVERY = 20_000
SAMPLE_SIZE = 10
_QUANTUM = Decimal("0.0001")
_LIMIT = 1e10  # numeric(14, 4)
_NULL = "\\N"
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_MAX_INTEGER = 2_147_483_647

AREA_WORDS = {
    "": KPIValue.Area.HAVERING,
    "havering": KPIValue.Area.HAVERING,
    "lb havering": KPIValue.Area.HAVERING,
    "london borough of havering": KPIValue.Area.HAVERING,
    "england": KPIValue.Area.ENGLAND,
    "london": KPIValue.Area.LONDON,
    "stat_neighbours": KPIValue.Area.STAT_NEIGHBOURS,
    "statistical neighbours": KPIValue.Area.STAT_NEIGHBOURS,
    "statistical_neighbours": KPIValue.Area.STAT_NEIGHBOURS,
    "stat neighbours": KPIValue.Area.STAT_NEIGHBOURS,
    "sn": KPIValue.Area.STAT_NEIGHBOURS,
}
AREA_INDEX = {area: index for index, area in enumerate(KPIValue.Area.values)}
MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_MONTH_YEAR = re.compile(r"^([a-z]+)[\s\-/]*'?(\d{2}|\d{4})$")
_UK_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_YEAR_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_ISO_WITH_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T]00:00(:00)?$")


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


@dataclass(frozen=True)
class LockRule:
    """How an import treats figures that would add to or change a locked period: with
    ``allowed`` (an administrator who gave a reason) they are written and each change
    recorded with ``reason``; otherwise each such row is refused, ``refusal`` saying why."""

    allowed: bool = False
    reason: str = ""
    refusal: str = "Only an administrator can change them, giving a reason."


# --- parsing single cells ----------------------------------------------------------------------


def _blank(cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _shown(cell) -> str:
    text = cell.isoformat() if isinstance(cell, date) else str(cell)
    return text if len(text) <= 40 else text[:37] + "…"


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def parse_period(cell) -> date:
    """A period end from an Excel date cell or text: 2025-04-30, 30/04/2025, Apr 2025,
    April 2025, 2025-04 (a month alone means its last day). Raises ValueError."""
    if isinstance(cell, datetime):
        found = cell.date()
    elif isinstance(cell, date):
        found = cell
    elif isinstance(cell, str):
        text = cell.strip().lower()
        if match := _ISO_WITH_TIME.match(text):
            text = match.group(1)
        try:
            found = date.fromisoformat(text) if len(text) == 10 and text[4] == "-" else None
        except ValueError:
            found = None
        if found is None:
            if match := _UK_DATE.match(text):
                day, month, year = map(int, match.groups())
                found = date(year, month, day)
            elif match := _YEAR_MONTH.match(text):
                found = _month_end(int(match.group(1)), int(match.group(2)))
            elif (match := _MONTH_YEAR.match(text)) and match.group(1) in MONTHS:
                year = int(match.group(2))
                found = _month_end(year + 2000 if year < 100 else year, MONTHS[match.group(1)])
            else:
                raise ValueError
    else:
        raise ValueError
    if not 1990 <= found.year <= 2100:
        raise ValueError
    return found


def parse_number(cell) -> tuple[float, str]:
    """A figure from a number cell or text such as 72, 72.5, 1,234 or 72%: its value,
    and its text as the database reads it. Raises ValueError."""
    kind = type(cell)
    if kind is float or kind is int:
        number = float(cell)
        if number != number or abs(number) >= _LIMIT:  # NaN, infinities, too big
            raise ValueError
        text = repr(cell)
        if "e" in text:
            text = format(Decimal(text), "f")
        return number, text.removesuffix(".0")
    if kind is str:
        text = cell.strip().replace(",", "")
        if text.endswith("%"):
            text = text[:-1].rstrip()
        if not _NUMBER.fullmatch(text):
            raise ValueError
        number = float(text)
        if abs(number) >= _LIMIT:
            raise ValueError
        return number, text.lstrip("+")
    raise ValueError


def parse_count(cell) -> int:
    """A whole, non-negative number of children. Raises ValueError."""
    kind = type(cell)
    if kind is int:
        count = cell
    elif kind is float:
        if not cell.is_integer():
            raise ValueError
        count = int(cell)
    elif kind is str:
        text = cell.strip().replace(",", "")
        if text.isascii() and text.isdigit():
            count = int(text)
        else:
            number, _ = parse_number(text)
            if not number.is_integer():
                raise ValueError
            count = int(number)
    else:
        raise ValueError
    if not 0 <= count <= _MAX_INTEGER:
        raise ValueError
    return count


def _copy_text(text: str) -> str:
    """Escape text for COPY's text format."""
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


def _header_name(cell) -> str:
    if isinstance(cell, date):
        return ""
    return re.sub(r"[\s\-]+", "_", str(cell).strip().lower()).lstrip("\ufeff")


# --- checking a whole table ------------------------------------------------------------------

_BAD = object()  # a cached "this cell does not parse"
_NOT_NEGATIVE = ("count", "days")


def _period_entry(cell) -> tuple[date, int, str]:
    """A period end with what staging needs: the date, its ordinal and its ISO text."""
    found = parse_period(cell)
    return found, found.toordinal(), found.isoformat()


@dataclass(frozen=True)
class LongColumns:
    """Where the long layout's columns are: index and label ("C (value)") by name."""

    width: int
    index: dict
    label: dict


_CACHE_LIMIT = 200_000


class _Cache(dict):
    """Parsed cells by their raw value: figures files repeat codes, dates and values
    on every row, so each distinct cell is parsed once."""

    def __init__(self, parse):
        super().__init__()
        self.parse = parse

    def __missing__(self, cell):
        try:
            found = self.parse(cell)
        except (ValueError, KeyError, TypeError, OverflowError):
            found = _BAD
        if len(self) >= _CACHE_LIMIT:
            self.forget()
        self[cell] = found
        return found

    def forget(self) -> None:
        self.clear()


class _PeriodCache(_Cache):
    """The periods cache also remembers every period end it has read, even once it has
    been emptied: the lock check needs them all."""

    def __init__(self, parse):
        super().__init__(parse)
        self.forgotten: set[date] = set()

    def forget(self) -> None:
        self.forgotten.update(self.dates())
        super().forget()

    def dates(self) -> set[date]:
        return {entry[0] for entry in self.values() if entry is not _BAD} | self.forgotten


class _Checker:
    def __init__(self, table: Table, progress: Callable[[int], None] | None):
        self.table = table
        self.progress = progress
        self.result = Checked()
        by_code = {
            code.upper(): (pk, unit, derived, code.upper())
            for code, pk, unit, derived in KPI.objects.values_list("code", "pk", "unit", "is_derived")
        }
        self.kpis = _Cache(lambda cell: by_code[str(cell).strip().upper()] if not _blank(cell) else None)
        self.periods = _PeriodCache(_period_entry)
        self.numbers = _Cache(lambda cell: None if _blank(cell) else parse_number(cell))
        self.counts = _Cache(lambda cell: None if _blank(cell) else parse_count(cell))
        self.areas = _Cache(lambda cell: AREA_WORDS[str(cell).strip().lower()])
        self.seen: dict[int, int] = {}
        self.buffer: list[str] = []
        # Handed to the caller in the result, which closes it.
        self.staged = tempfile.SpooledTemporaryFile(  # noqa: SIM115
            max_size=16 << 20, mode="w+", encoding="utf-8"
        )

    def column(self, index: int, name: str = "") -> str:
        letter = column_letter(self.table.first_column + index)
        return f"{letter} ({name})" if name else letter

    def run(self) -> Checked:
        result = self.result
        header_row, header = None, None
        for number, cells in self.table.rows:
            if any(not _blank(cell) for cell in cells):
                header_row, header = number, cells
                break
        if header is None:
            result.add_error(1, "", "The file has no header row and no figures.")
            return self.finish()
        names = [_header_name(cell) for cell in header]
        if "value" in names or "period_end" in names:
            result.layout = LONG
            self.check_long(header_row, names)
        elif "kpi_code" in names:
            result.layout = WIDE
            self.check_wide(header_row, header, names)
        else:
            result.add_error(
                header_row,
                "",
                "The first row must be the header: kpi_code, period_end, value, numerator, denominator, "
                "area, note (long layout), or kpi_code then one column per period (wide layout). "
                "Download the template to see both.",
            )
        return self.finish()

    def finish(self) -> Checked:
        result = self.result
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
            self.buffer.clear()  # in place: check_long holds a reference to it

    def tick(self, rows: int) -> None:
        self.result.rows_read = rows
        self.flush()
        if self.progress:
            self.progress(rows)

    # Each check returns the parsed value, or None after recording the error (or for an
    # empty optional cell).

    def kpi(self, number: int, column: str, cell):
        found = self.kpis[cell]
        if found is _BAD:
            self.result.add_error(number, column, f"Unknown KPI code “{_shown(cell)}”.")
            return None
        return found

    def period(self, number: int, column: str, cell):
        found = self.periods[cell]
        if found is _BAD:
            self.result.add_error(
                number, column, f"“{_shown(cell)}” is not a date: use 2025-04-30, 30/04/2025 or Apr 2025."
            )
            return None
        return found

    def area(self, number: int, column: str, cell):
        found = self.areas[cell]
        if found is _BAD:
            self.result.add_error(
                number,
                column,
                f"Unknown area “{_shown(cell)}”: use Havering (or leave it blank), England, London "
                "or Statistical neighbours.",
            )
            return None
        return found

    def value(self, number: int, column: str, kpi, cell):
        found = self.numbers[cell]
        if found is None:
            self.result.add_error(number, column, "The value is empty.")
            return None
        if found is _BAD:
            self.result.add_error(number, column, f"“{_shown(cell)}” is not a number.")
            return None
        figure, text = found
        unit = kpi[1]
        if unit == "percent" and not 0 <= figure <= 100:
            self.result.add_error(number, column, f"{text} is a percentage outside 0–100.")
            return None
        if figure < 0 and unit in _NOT_NEGATIVE:
            self.result.add_error(number, column, f"A {unit} cannot be negative ({text}).")
            return None
        return text

    def count(self, number: int, column: str, cell):
        found = self.counts[cell]
        if found is _BAD:
            self.result.add_error(number, column, f"“{_shown(cell)}” is not a whole number of 0 or more.")
            return None
        return found

    def derived(self, number: int, column: str, kpi, area) -> bool:
        if kpi[2] and area == "havering":
            self.result.add_error(
                number,
                column,
                f"{kpi[3]} is worked out from the portal's own records; only comparator figures "
                "(England, London, Statistical neighbours) can be imported.",
            )
            return True
        return False

    def duplicate(self, number: int, column: str, kpi, period: date, area: str, first: int) -> None:
        self.result.add_error(
            number,
            column,
            f"{kpi[3]} for {period:%d %b %Y} ({KPIValue.Area(area).label}) is also on row {first}: "
            "each KPI, period and area may appear once in a file.",
        )

    def stage(self, number, column, kpi, period, area, value, numerator, denominator, note) -> None:
        """Stage one checked figure (``period`` as the periods cache gives it)."""
        key = ((kpi[0] << 22 | period[1]) << 2) | AREA_INDEX[area]
        first = self.seen.setdefault(key, number)
        if first != number:
            self.duplicate(number, column, kpi, period[0], area, first)
            return
        self.result.figures += 1
        if self.result.error_count:
            return
        self.buffer.append(
            f"{kpi[0]}\t{period[2]}\t{area}\t{value}\t"
            f"{_NULL if numerator is None else numerator}\t{_NULL if denominator is None else denominator}\t"
            f"{note}\t{number}\n"
        )

    def check_long(self, header_row: int, names: list[str]) -> None:
        result = self.result
        missing = [name for name in REQUIRED_LONG if name not in names]
        if missing:
            result.add_error(
                header_row, "", f"The header row has no {', '.join(missing)} column (long layout)."
            )
            return
        repeated = sorted({name for name in names if name in LONG_COLUMNS and names.count(name) > 1})
        if repeated:
            result.add_error(header_row, "", f"The header row names {', '.join(repeated)} more than once.")
            return
        index = {name: names.index(name) for name in LONG_COLUMNS if name in names}
        result.ignored_columns = [name for name in names if name and name not in LONG_COLUMNS]
        columns = LongColumns(
            width=len(names),
            index=index,
            label={name: self.column(i, name) for name, i in index.items()},
        )
        i_code, i_period, i_value = index["kpi_code"], index["period_end"], index["value"]
        i_num, i_den = index.get("numerator"), index.get("denominator")
        i_area, i_note = index.get("area"), index.get("note")
        width = columns.width
        result.period_column = columns.label["period_end"]
        kpis, periods, numbers, counts, areas = self.kpis, self.periods, self.numbers, self.counts, self.areas
        seen, buffer = self.seen, self.buffer
        rows = 0
        # The common case, a good row, costs a handful of dictionary look-ups; anything
        # unusual goes to check_long_row, which says exactly what is wrong.
        for number, cells in self.table.rows:
            if len(cells) < width:
                cells = list(cells) + [""] * (width - len(cells))
            rows += 1
            if rows % PROGRESS_EVERY == 0:
                self.tick(rows)
            kpi = kpis[cells[i_code]]
            period = periods[cells[i_period]]
            value = numbers[cells[i_value]]
            area = "havering" if i_area is None else areas[cells[i_area]]
            numerator = None if i_num is None else counts[cells[i_num]]
            denominator = None if i_den is None else counts[cells[i_den]]
            note = "" if i_note is None else cells[i_note]
            if (
                kpi is None
                or kpi is _BAD
                or kpi[2]
                or period is _BAD
                or value is None
                or value is _BAD
                or area is _BAD
                or numerator is _BAD
                or denominator is _BAD
                or note != ""
                or (numerator is not None and denominator is not None and numerator > denominator)
                or (kpi[1] == "percent" and not 0 <= value[0] <= 100)
                or (value[0] < 0 and kpi[1] in _NOT_NEGATIVE)
            ):
                if not self.check_long_row(number, cells, columns):
                    rows -= 1  # a blank row
                continue
            key = ((kpi[0] << 22 | period[1]) << 2) | AREA_INDEX[area]
            first = seen.setdefault(key, number)
            if first != number:
                self.duplicate(number, columns.label["kpi_code"], kpi, period[0], area, first)
                continue
            result.figures += 1
            if not result.error_count:
                buffer.append(
                    f"{kpi[0]}\t{period[2]}\t{area}\t{value[1]}\t"
                    f"{_NULL if numerator is None else numerator}\t"
                    f"{_NULL if denominator is None else denominator}\t\t{number}\n"
                )
        result.rows_read = rows

    def check_long_row(self, number: int, cells: list, columns: "LongColumns") -> bool:
        """Check one row thoroughly, recording each problem; stage it if it is good.
        False for a blank row, which is skipped."""
        result = self.result
        index, label = columns.index, columns.label
        c_code = label["kpi_code"]
        kpi = self.kpis[cells[index["kpi_code"]]]
        if kpi is None:  # no code: a blank row, or a figure without its KPI
            if all(_blank(cell) for cell in cells):
                return False
            result.add_error(number, c_code, "The KPI code is empty.")
            return True
        errors_before = result.error_count
        if kpi is _BAD:
            kpi = self.kpi(number, c_code, cells[index["kpi_code"]])
        period = self.period(number, label["period_end"], cells[index["period_end"]])
        area = "havering"
        if "area" in index:
            area = self.area(number, label["area"], cells[index["area"]])
        value = self.value(number, label["value"], kpi, cells[index["value"]]) if kpi else None
        numerator = denominator = None
        if "numerator" in index:
            numerator = self.count(number, label["numerator"], cells[index["numerator"]])
        if "denominator" in index:
            denominator = self.count(number, label["denominator"], cells[index["denominator"]])
        if numerator is not None and denominator is not None and numerator > denominator:
            result.add_error(
                number,
                label["numerator"],
                f"The numerator ({numerator}) is larger than the denominator ({denominator}).",
            )
        note = ""
        if "note" in index and not _blank(cell := cells[index["note"]]):
            note = str(cell).strip()
            if len(note) > MAX_NOTE:
                result.add_error(number, label["note"], f"The note is longer than {MAX_NOTE:,} characters.")
            note = _copy_text(note)
        if kpi and area:
            self.derived(number, c_code, kpi, area)
        if result.error_count == errors_before:
            self.stage(number, c_code, kpi, period, area, value, numerator, denominator, note)
        return True

    def check_wide(self, header_row: int, header: list, names: list[str]) -> None:
        result = self.result
        i_code = names.index("kpi_code")
        i_area = names.index("area") if "area" in names else None
        periods: dict[int, tuple] = {}
        first_column_of: dict[date, int] = {}
        for i, (cell, name) in enumerate(zip(header, names, strict=True)):
            if i in (i_code, i_area) or name in WIDE_TEXT_COLUMNS or _blank(cell):
                continue
            period = self.periods[cell]
            if period is _BAD:
                result.add_error(
                    header_row,
                    self.column(i),
                    f"The heading “{_shown(cell)}” is not a period: use 2025-04-30 or Apr 2025.",
                )
            elif period[0] in first_column_of:
                result.add_error(
                    header_row,
                    self.column(i),
                    f"The period {period[0]:%d %b %Y} is also the heading of column "
                    f"{self.column(first_column_of[period[0]])}.",
                )
            else:
                first_column_of[period[0]] = i
                periods[i] = period
        if result.error_count:
            return
        if not periods:
            result.add_error(header_row, "", "The header row has kpi_code but no period columns.")
            return
        width = len(names)
        c_code = self.column(i_code, "kpi_code")
        c_area = self.column(i_area, "area") if i_area is not None else ""
        columns = {i: self.column(i, _shown(header[i])) for i in periods}
        result.period_columns = {period[0]: columns[i] for i, period in periods.items()}
        rows = 0
        for number, cells in self.table.rows:
            if len(cells) < width:
                cells = list(cells) + [""] * (width - len(cells))
            code_cell = cells[i_code]
            kpi = self.kpis[code_cell]
            if kpi is None:
                if all(_blank(cell) for cell in cells):
                    continue
                rows += 1
                result.add_error(number, c_code, "The KPI code is empty.")
                continue
            rows += 1
            if rows % PROGRESS_EVERY == 0:
                self.tick(rows)
            if kpi is _BAD:
                self.kpi(number, c_code, code_cell)
                continue
            filled = [(i, period) for i, period in periods.items() if not _blank(cells[i])]
            if not filled:
                continue
            area = "havering" if i_area is None else self.area(number, c_area, cells[i_area])
            if area is None or self.derived(number, c_code, kpi, area):
                continue
            for i, period in filled:
                cell = cells[i]
                value = self.value(number, columns[i], kpi, cell)
                if value is not None:
                    self.stage(number, columns[i], kpi, period, area, value, None, None, "")
        result.rows_read = rows


def check_table(table: Table, *, progress: Callable[[int], None] | None = None) -> Checked:
    """Validate every row; on success ``result.staged`` holds the figures to write."""
    return _Checker(table, progress).run()


def _figure(kpi_code, period_end, area, value, numerator, denominator, note) -> dict:
    return {
        "kpi": kpi_code,
        "period_end": period_end.isoformat() if isinstance(period_end, date) else str(period_end),
        "area": area,
        "value": f"{Decimal(value).normalize():f}",
        "numerator": numerator,
        "denominator": denominator,
        "note": note,
    }


# --- figures in locked periods ---------------------------------------------------------------


@dataclass(frozen=True)
class _LockedFigure:
    """A staged figure that would add to or change a locked period."""

    row: int
    code: str
    period_end: date
    area: str
    new: tuple  # value, numerator, denominator, note
    old: tuple | None  # the same, or None when there is no figure yet


def _locked_dates(checked: Checked) -> dict:
    """The file's locked period ends, each with its lock: one query (none for no periods)."""
    return period_locks().locked(checked.periods) if checked.periods else {}


def _locked_message(figure: _LockedFigure, lock, refusal: str) -> str:
    what = f"{figure.code} for {figure.period_end:%d %b %Y} ({KPIValue.Area(figure.area).label})"
    new_value = f"{Decimal(figure.new[0]).normalize():f}"
    if figure.old is None:
        change = f"add {what} ({new_value})"
    elif Decimal(figure.old[0]) != Decimal(figure.new[0]):
        change = f"change {what} from {Decimal(figure.old[0]).normalize():f} to {new_value}"
    else:
        change = f"change the counts or note of {what}"
    return (
        f"Figures for periods in an issued report are locked ({lock.reason}): this row would {change}. "
        f"{refusal}"
    )


def _refusal(
    checked: Checked, found: list[_LockedFigure], total: int, locked: dict, rule: LockRule
) -> Outcome:
    """Nothing written: the figures in locked periods, each refused with its row and column."""
    errors = [
        RowError(
            figure.row,
            checked.column_of(figure.period_end),
            _locked_message(figure, locked[figure.period_end], rule.refusal),
        )
        for figure in found
    ]
    return Outcome(0, 0, 0, refused=errors, refused_count=total)


def _locked_samples(found: list[_LockedFigure], locked: dict) -> list[dict]:
    """For the preview: each figure an allowed import would add to or change in a locked period."""
    return [
        {
            "row": figure.row,
            "new": _figure(figure.code, figure.period_end, figure.area, *figure.new),
            "old": _figure(figure.code, figure.period_end, figure.area, *figure.old) if figure.old else None,
            "lock": locked[figure.period_end].reason,
        }
        for figure in found
    ]


# --- comparing with and writing to the database: PostgreSQL -------------------------------------

_STAGE_COLUMNS = "kpi_id, period_end, area, value, numerator, denominator, note, row_number"


def _stage_in_postgres(cursor, staged, figures: int, *, analyze: bool) -> None:
    # Dropped at commit, or explicitly when an outer transaction keeps it alive.
    cursor.execute("DROP TABLE IF EXISTS kpi_import_stage")
    cursor.execute(
        "CREATE TEMPORARY TABLE kpi_import_stage ("
        " kpi_id bigint NOT NULL, period_end date NOT NULL, area varchar(16) NOT NULL,"
        " value numeric(14, 4) NOT NULL, numerator integer, denominator integer,"
        " note text NOT NULL, row_number integer NOT NULL"
        ") ON COMMIT DROP"
    )
    staged.seek(0)
    cursor.copy_expert(f"COPY kpi_import_stage ({_STAGE_COLUMNS}) FROM STDIN", staged, 1 << 20)
    if cursor.rowcount != figures:  # the counts below are only right if every figure arrived
        raise RuntimeError(f"staged {cursor.rowcount} figures of {figures}")
    if analyze:  # the preview joins the staged rows; the write only inserts them
        cursor.execute("ANALYZE kpi_import_stage")


def _locked_postgres(cursor, locked: dict) -> tuple[list[_LockedFigure], int]:
    """The staged figures that would add to or change a locked period (the first
    MAX_ERRORS, in row order), and how many there are. One query."""
    cursor.execute(
        "SELECT count(*) OVER (), s.row_number, k.code, s.period_end, s.area,"
        " s.value, s.numerator, s.denominator, s.note, v.id IS NOT NULL,"
        " v.value, v.numerator, v.denominator, v.note "
        "FROM kpi_import_stage s JOIN actions_kpi k ON k.id = s.kpi_id "
        "LEFT JOIN actions_kpivalue v "
        "  ON v.kpi_id = s.kpi_id AND v.period_end = s.period_end AND v.area = s.area "
        "WHERE s.period_end = ANY(%s::date[]) AND (v.id IS NULL OR (NOT v.is_derived AND"
        "  (v.value, v.numerator, v.denominator, v.note)"
        "  IS DISTINCT FROM (s.value, s.numerator, s.denominator, s.note))) "
        "ORDER BY s.row_number LIMIT %s",
        [sorted(locked), MAX_ERRORS],
    )
    rows = cursor.fetchall()
    found = [
        _LockedFigure(
            row, code, period_end, area, tuple(figure[:4]), tuple(figure[5:]) if figure[4] else None
        )
        for _, row, code, period_end, area, *figure in rows
    ]
    return found, rows[0][0] if rows else 0


def _samples_postgres(cursor) -> dict:
    samples = {"created": [], "changed": []}
    cursor.execute(
        "SELECT s.row_number, k.code, s.period_end, s.area, s.value, s.numerator, s.denominator, s.note "
        "FROM kpi_import_stage s JOIN actions_kpi k ON k.id = s.kpi_id "
        "LEFT JOIN actions_kpivalue v "
        "  ON v.kpi_id = s.kpi_id AND v.period_end = s.period_end AND v.area = s.area "
        "WHERE v.id IS NULL ORDER BY s.row_number LIMIT %s",
        [SAMPLE_SIZE],
    )
    for row, *figure in cursor.fetchall():
        samples["created"].append({"row": row, "new": _figure(*figure)})
    cursor.execute(
        "SELECT s.row_number, k.code, s.period_end, s.area, s.value, s.numerator, s.denominator, s.note, "
        "  v.value, v.numerator, v.denominator, v.note "
        "FROM kpi_import_stage s JOIN actions_kpi k ON k.id = s.kpi_id "
        "JOIN actions_kpivalue v "
        "  ON v.kpi_id = s.kpi_id AND v.period_end = s.period_end AND v.area = s.area "
        "WHERE NOT v.is_derived AND (v.value, v.numerator, v.denominator, v.note)"
        "  IS DISTINCT FROM (s.value, s.numerator, s.denominator, s.note) "
        "ORDER BY s.row_number LIMIT %s",
        [SAMPLE_SIZE],
    )
    for row, code, period_end, area, *values in cursor.fetchall():
        samples["changed"].append(
            {
                "row": row,
                "new": _figure(code, period_end, area, *values[:4]),
                "old": _figure(code, period_end, area, *values[4:]),
            }
        )
    return samples


def _preview_postgres(checked: Checked, rule: LockRule) -> Outcome:
    figures = checked.figures
    with transaction.atomic(), connection.cursor() as cursor:
        _stage_in_postgres(cursor, checked.staged, figures, analyze=True)
        locked = _locked_dates(checked)
        found, total = _locked_postgres(cursor, locked) if locked else ([], 0)
        if total and not rule.allowed:
            cursor.execute("DROP TABLE kpi_import_stage")
            return _refusal(checked, found, total, locked, rule)
        cursor.execute(
            "SELECT count(*) FILTER (WHERE v.id IS NULL),"
            " count(*) FILTER (WHERE v.id IS NOT NULL AND NOT v.is_derived"
            "   AND (v.value, v.numerator, v.denominator, v.note)"
            "   IS DISTINCT FROM (s.value, s.numerator, s.denominator, s.note)) "
            "FROM kpi_import_stage s LEFT JOIN actions_kpivalue v "
            "  ON v.kpi_id = s.kpi_id AND v.period_end = s.period_end AND v.area = s.area"
        )
        created, updated = cursor.fetchone()
        samples = _samples_postgres(cursor)
        cursor.execute("DROP TABLE kpi_import_stage")
    if found:
        samples["locked"] = _locked_samples(found, locked)
    return Outcome(created, updated, figures - created - updated, samples, locked=total)


# The merge: insert new figures, update changed ones (never a derived one), leave the
# rest alone; each row it returns is a figure created or changed.
_UPSERT = (
    "INSERT INTO actions_kpivalue AS v (kpi_id, period_end, area, value, numerator, denominator,"
    "   note, is_derived, source_import_id, updated_by_id, updated_at)"
    " SELECT kpi_id, period_end, area, value, numerator, denominator, note, false, %s, %s, %s"
    " FROM kpi_import_stage"
    " ON CONFLICT (kpi_id, period_end, area) DO UPDATE SET"
    "   value = EXCLUDED.value, numerator = EXCLUDED.numerator,"
    "   denominator = EXCLUDED.denominator, note = EXCLUDED.note,"
    "   source_import_id = EXCLUDED.source_import_id, updated_by_id = EXCLUDED.updated_by_id,"
    "   updated_at = EXCLUDED.updated_at"
    " WHERE NOT v.is_derived AND (v.value, v.numerator, v.denominator, v.note) IS DISTINCT FROM"
    "   (EXCLUDED.value, EXCLUDED.numerator, EXCLUDED.denominator, EXCLUDED.note)"
)
_WRITE = " ".join(
    (
        "WITH upserted AS (",
        _UPSERT,
        " RETURNING (xmax = 0) AS created",
        ") SELECT count(*) FILTER (WHERE created), count(*) FILTER (WHERE NOT created), 0 FROM upserted",
    )
)
# The same, and an amendment for each figure written in a locked period. Every part of
# one statement reads the tables as they were before it, so ``o`` is the figure before
# the change (nothing, for one just added).
_WRITE_AMENDING = " ".join(
    (
        "WITH upserted AS (",
        _UPSERT,
        " RETURNING v.id, v.period_end, v.value, v.numerator, v.denominator, v.note, (xmax = 0) AS created"
        "), amended AS (",
        "INSERT INTO actions_kpivalueamendment (kpi_value_id, old_value, old_numerator,"
        "  old_denominator, old_note, new_value, new_numerator, new_denominator, new_note,"
        "  reason, changed_by_id, changed_at, source, source_import_id)"
        " SELECT u.id, o.value, o.numerator, o.denominator, coalesce(o.note, ''),"
        "  u.value, u.numerator, u.denominator, u.note, %s, %s, %s, %s, %s"
        " FROM upserted u LEFT JOIN actions_kpivalue o ON o.id = u.id"
        " WHERE u.period_end = ANY(%s::date[])"
        " RETURNING 1",
        ") SELECT count(*) FILTER (WHERE created), count(*) FILTER (WHERE NOT created),"
        " (SELECT count(*) FROM amended) FROM upserted",
    )
)


def _write_postgres(
    checked: Checked, *, kpi_import_id: int | None, user_id: int | None, rule: LockRule
) -> Outcome:
    figures = checked.figures
    now = timezone.now()
    with transaction.atomic(), connection.cursor() as cursor:
        # A report issued while this runs waits for it to commit (and this waits for the
        # report), so the locks read next are the ones in force when the figures land.
        cursor.execute("LOCK TABLE actions_kpiperiodlock IN SHARE MODE")
        locked = _locked_dates(checked)
        _stage_in_postgres(cursor, checked.staged, figures, analyze=bool(locked))
        found, total = _locked_postgres(cursor, locked) if locked else ([], 0)
        if total and not rule.allowed:
            cursor.execute("DROP TABLE kpi_import_stage")
            return _refusal(checked, found, total, locked, rule)
        if not total:
            cursor.execute(_WRITE, [kpi_import_id, user_id, now])
        else:
            cursor.execute(
                _WRITE_AMENDING,
                [
                    kpi_import_id,
                    user_id,
                    now,
                    rule.reason,
                    user_id,
                    now,
                    KPIValueAmendment.Source.IMPORT,
                    kpi_import_id,
                    sorted(locked),
                ],
            )
        created, updated, amended = cursor.fetchone()
        cursor.execute("DROP TABLE kpi_import_stage")
    return Outcome(created, updated, figures - created - updated, locked=amended)


# --- comparing with and writing to the database: elsewhere (SQLite) ----------------------------

_CHUNK = 2000


def _read_staged(staged):
    """The staged figures back as tuples, a chunk at a time."""
    staged.seek(0)
    chunk = []
    for line in staged:
        kpi_id, period_end, area, value, numerator, denominator, note, row = line.rstrip("\n").split("\t")
        if "\\" in note:
            note = note.replace("\\n", "\n").replace("\\t", "\t").replace("\\r", "\r").replace("\\\\", "\\")
        chunk.append(
            (
                int(kpi_id),
                date.fromisoformat(period_end),
                area,
                Decimal(value).quantize(_QUANTUM, ROUND_HALF_UP),
                None if numerator == "\\N" else int(numerator),
                None if denominator == "\\N" else int(denominator),
                note,
                int(row),
            )
        )
        if len(chunk) == _CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _figures_equal(current: KPIValue, row: tuple) -> bool:
    return (current.value, current.numerator, current.denominator, current.note) == row[3:7]


def _old(current: KPIValue) -> tuple:
    return (current.value, current.numerator, current.denominator, current.note)


def _compare_generic(staged, *, on_created, on_changed) -> tuple[int, int, int]:
    created = updated = unchanged = 0
    for chunk in _read_staged(staged):
        existing = {
            (v.kpi_id, v.period_end, v.area): v
            for v in KPIValue.objects.filter(
                kpi_id__in={row[0] for row in chunk},
                period_end__in={row[1] for row in chunk},
                area__in={row[2] for row in chunk},
            )
        }
        for row in chunk:
            current = existing.get(row[:3])
            if current is None:
                created += 1
                on_created(row)
            elif current.is_derived or _figures_equal(current, row):
                unchanged += 1
            else:
                updated += 1
                on_changed(row, current)
    return created, updated, unchanged


class _LockedGeneric:
    """Collects the figures that would add to or change a locked period."""

    def __init__(self, locked: dict, codes: dict):
        self.locked, self.codes = locked, codes
        self.found: list[_LockedFigure] = []
        self.total = 0

    def note(self, row: tuple, old: tuple | None) -> bool:
        if row[1] not in self.locked:
            return False
        self.total += 1
        if len(self.found) < MAX_ERRORS:
            self.found.append(_LockedFigure(row[7], self.codes[row[0]], row[1], row[2], row[3:7], old))
        return True

    def sort(self) -> None:
        self.found.sort(key=lambda figure: figure.row)


def _preview_generic(checked: Checked, rule: LockRule) -> Outcome:
    codes = dict(KPI.objects.values_list("pk", "code"))
    samples = {"created": [], "changed": []}
    locked = _locked_dates(checked)
    in_locked = _LockedGeneric(locked, codes)

    def on_created(row):
        in_locked.note(row, None)
        if len(samples["created"]) < SAMPLE_SIZE:
            samples["created"].append({"row": row[7], "new": _figure(codes[row[0]], *row[1:7])})

    def on_changed(row, current):
        in_locked.note(row, _old(current))
        if len(samples["changed"]) < SAMPLE_SIZE:
            samples["changed"].append(
                {
                    "row": row[7],
                    "new": _figure(codes[row[0]], *row[1:7]),
                    "old": _figure(codes[row[0]], row[1], row[2], *_old(current)),
                }
            )

    created, updated, unchanged = _compare_generic(
        checked.staged, on_created=on_created, on_changed=on_changed
    )
    in_locked.sort()
    if in_locked.total and not rule.allowed:
        return _refusal(checked, in_locked.found, in_locked.total, locked, rule)
    if in_locked.found:
        samples["locked"] = _locked_samples(in_locked.found, locked)
    return Outcome(created, updated, unchanged, samples, locked=in_locked.total)


def _write_generic(
    checked: Checked, *, kpi_import_id: int | None, user_id: int | None, rule: LockRule
) -> Outcome:
    now = timezone.now()
    new, changed, amendments = [], [], []

    def amendment(value: KPIValue, old: tuple | None) -> KPIValueAmendment:
        old_value, old_numerator, old_denominator, old_note = old or (None, None, None, "")
        return KPIValueAmendment(
            kpi_value=value,
            old_value=old_value,
            old_numerator=old_numerator,
            old_denominator=old_denominator,
            old_note=old_note,
            new_value=value.value,
            new_numerator=value.numerator,
            new_denominator=value.denominator,
            new_note=value.note,
            reason=rule.reason,
            changed_by_id=user_id,
            changed_at=now,
            source=KPIValueAmendment.Source.IMPORT,
            source_import_id=kpi_import_id,
        )

    with transaction.atomic():
        locked = _locked_dates(checked)
        in_locked = _LockedGeneric(locked, dict(KPI.objects.values_list("pk", "code")) if locked else {})

        def on_created(row):
            value = KPIValue(
                kpi_id=row[0],
                period_end=row[1],
                area=row[2],
                value=row[3],
                numerator=row[4],
                denominator=row[5],
                note=row[6],
                source_import_id=kpi_import_id,
                updated_by_id=user_id,
                updated_at=now,
            )
            new.append(value)
            if in_locked.note(row, None):
                amendments.append((value, None))

        def on_changed(row, current):
            old = _old(current)
            current.value, current.numerator, current.denominator, current.note = row[3:7]
            current.source_import_id, current.updated_by_id, current.updated_at = kpi_import_id, user_id, now
            changed.append(current)
            if in_locked.note(row, old):
                amendments.append((current, old))

        created, updated, unchanged = _compare_generic(
            checked.staged, on_created=on_created, on_changed=on_changed
        )
        in_locked.sort()
        if in_locked.total and not rule.allowed:
            return _refusal(checked, in_locked.found, in_locked.total, locked, rule)
        KPIValue.objects.bulk_create(new, batch_size=_CHUNK)  # sets their ids (RETURNING)
        KPIValue.objects.bulk_update(
            changed,
            ["value", "numerator", "denominator", "note", "source_import", "updated_by", "updated_at"],
            batch_size=_CHUNK,
        )
        KPIValueAmendment.objects.bulk_create(
            [amendment(value, old) for value, old in amendments], batch_size=_CHUNK
        )
    return Outcome(created, updated, unchanged, locked=len(amendments))


def _uses_copy() -> bool:
    return connection.vendor == "postgresql"


def _all_counted(outcome: Outcome, figures: int) -> Outcome:
    if not outcome.refused_count and outcome.created + outcome.updated + outcome.unchanged != figures:
        raise RuntimeError(f"counted {outcome} for {figures} figures")
    return outcome


def preview_staged(checked: Checked, *, rule: LockRule = LockRule()) -> Outcome:
    """What writing the staged figures would create, change and leave alone; or, when
    the rule refuses figures in locked periods, those refusals."""
    if _uses_copy():
        return _preview_postgres(checked, rule)
    return _all_counted(_preview_generic(checked, rule), checked.figures)


def write_staged(
    checked: Checked, *, kpi_import_id: int | None, user_id: int | None, rule: LockRule = LockRule()
) -> Outcome:
    """Write the staged figures in one transaction; values that are already right are
    left alone (their provenance too). Figures in locked periods are written (each with
    its amendment) only if the rule allows; otherwise nothing is written and the
    outcome lists the refusals."""
    if _uses_copy():
        return _write_postgres(checked, kpi_import_id=kpi_import_id, user_id=user_id, rule=rule)
    return _all_counted(
        _write_generic(checked, kpi_import_id=kpi_import_id, user_id=user_id, rule=rule), checked.figures
    )
