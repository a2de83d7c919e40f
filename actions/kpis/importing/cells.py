"""Reading single cells of a figures file: periods, figures, counts, areas and headings."""

import re
from datetime import date, datetime
from decimal import Decimal

from actions.models import KPIValue
from core.months import month_end

_LIMIT = 1e10  # numeric(14, 4)
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


def blank(cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def shown(cell) -> str:
    text = cell.isoformat() if isinstance(cell, date) else str(cell)
    return text if len(text) <= 40 else text[:37] + "…"


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
                found = month_end(date(int(match.group(1)), int(match.group(2)), 1))
            elif (match := _MONTH_YEAR.match(text)) and match.group(1) in MONTHS:
                year = int(match.group(2))
                found = month_end(date(year + 2000 if year < 100 else year, MONTHS[match.group(1)], 1))
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


def copy_text(text: str) -> str:
    """Escape text for COPY's text format."""
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


def header_name(cell) -> str:
    if isinstance(cell, date):
        return ""
    return re.sub(r"[\s\-]+", "_", str(cell).strip().lower()).lstrip("\ufeff")


# --- DfE's open-data files -----------------------------------------------------------------

SYMBOLS = frozenset(KPIValue.Symbol.values)


def dfe_period(identifier: str, period: str) -> date:
    """A DfE ``time_identifier`` and ``time_period`` as a period end: reporting year 2025
    is the year to 31 March 2025, financial year 202425 the same, academic year 202324
    the year to 31 August 2024, calendar year 2024 the year to 31 December. Raises ValueError."""
    kind, text = identifier.strip().lower(), period.strip()
    if not text.isdigit():
        raise ValueError
    if kind == "reporting year" and len(text) == 4:
        return date(int(text), 3, 31)
    if kind == "calendar year" and len(text) == 4:
        return date(int(text), 12, 31)
    if kind in ("financial year", "academic year") and len(text) == 6:
        year = int(text[:4]) + 1
        if int(text[4:]) != year % 100:
            raise ValueError
        return date(year, 3, 31) if kind == "financial year" else date(year, 8, 31)
    raise ValueError
