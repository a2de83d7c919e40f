"""Figures in locked periods (those of an issued report), and how an import shows a
figure in its preview."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from actions.models import KPIValue
from core.formatting import uk_date_short

from ..selectors import period_locks
from .results import Checked, LockRule, Outcome, RowError


class Values(NamedTuple):
    """What a stored figure is compared on."""

    value: Decimal | None
    numerator: int | None
    denominator: int | None
    note: str
    symbol: str


def shown_value(value, symbol: str = "") -> str:
    return f"{Decimal(value).normalize():f}" if value is not None else f"not published ({symbol})"


def figure_dict(code: str, period_end, area: str, la_code: str, values: Values) -> dict:
    """A figure as the preview stores it (JSON)."""
    return {
        "kpi": code,
        "period_end": period_end.isoformat() if isinstance(period_end, date) else str(period_end),
        "area": f"LA {la_code}" if la_code else area,
        "value": shown_value(values.value, values.symbol),
        "numerator": values.numerator,
        "denominator": values.denominator,
        "note": values.note,
    }


@dataclass(frozen=True)
class LockedFigure:
    """A staged figure that would add to or change a locked period."""

    row: int
    code: str
    period_end: date
    area: str
    la_code: str
    new: Values
    old: Values | None  # None when there is no figure yet

    @property
    def what(self) -> str:
        where = f"LA {self.la_code}" if self.la_code else KPIValue.Area(self.area).label
        return f"{self.code} for {uk_date_short(self.period_end)} ({where})"


def locked_dates(checked: Checked) -> dict:
    """The file's locked period ends, each with its lock: one query (none for no periods)."""
    return period_locks().locked(checked.periods) if checked.periods else {}


def _locked_message(figure: LockedFigure, lock, refusal: str) -> str:
    new_value = shown_value(figure.new.value, figure.new.symbol)
    if figure.old is None:
        change = f"add {figure.what} ({new_value})"
    elif figure.old.value != figure.new.value or figure.old.symbol != figure.new.symbol:
        change = (
            f"change {figure.what} from {shown_value(figure.old.value, figure.old.symbol)} to {new_value}"
        )
    else:
        change = f"change the counts or note of {figure.what}"
    return (
        f"Figures for periods in an issued report are locked ({lock.reason}): this row would {change}. "
        f"{refusal}"
    )


def refusal(checked: Checked, found: list[LockedFigure], total: int, locked: dict, rule: LockRule) -> Outcome:
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


def locked_samples(found: list[LockedFigure], locked: dict) -> list[dict]:
    """For the preview: each figure an allowed import would add to or change in a locked period."""
    return [
        {
            "row": figure.row,
            "new": figure_dict(figure.code, figure.period_end, figure.area, figure.la_code, figure.new),
            "old": figure_dict(figure.code, figure.period_end, figure.area, figure.la_code, figure.old)
            if figure.old
            else None,
            "lock": locked[figure.period_end].reason,
        }
        for figure in found
    ]
