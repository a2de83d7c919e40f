"""A KPI's chart, drawn on the server as SVG: Havering against its target and the
comparators over time. No script is needed to see it; each line has its own dash
pattern and marker as well as its colour; a screen reader gets a title and a summary,
and the same figures are in the history table beneath it.
"""

import math
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from actions.models import KPI, KPIValue

from .formatting import kpi_number, kpi_shown_number, value_suppressed
from .selectors import COMPARATOR_AREAS, HAVERING, HistoryRow

WIDTH, HEIGHT = 720, 320
LEFT, RIGHT, TOP, BOTTOM = 64, 24, 20, 52
MAX_X_LABELS = 8


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str


@dataclass
class Series:
    key: str
    label: str
    points: list[Point] = field(default_factory=list)

    @property
    def path(self) -> str:
        """Line segments; a gap in the figures breaks the line."""
        return " ".join(f"{'M' if p.label == 'start' else 'L'}{p.x:.1f},{p.y:.1f}" for p in self.points)

    @property
    def markers(self) -> str:
        """One marker per figure, shaped by series, so lines differ by more than colour."""
        return " ".join(marker_path(self.key, p.x, p.y) for p in self.points)

    @property
    def legend_marker(self) -> str:
        return marker_path(self.key, 20, 7)


def marker_path(key: str, x: float, y: float) -> str:
    if key == HAVERING:  # circle
        return f"M{x - 4.5:.1f},{y:.1f} a4.5,4.5 0 1,0 9,0 a4.5,4.5 0 1,0 -9,0"
    if key == "england":  # square
        return f"M{x - 4:.1f},{y - 4:.1f} h8 v8 h-8 z"
    if key == "london":  # triangle
        return f"M{x:.1f},{y - 5:.1f} l5,9 h-10 z"
    return f"M{x:.1f},{y - 5:.1f} l5,5 l-5,5 l-5,-5 z"  # diamond


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass
class Chart:
    title: str
    summary: str
    series: list[Series]
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    target_y: float | None
    target_label: str
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right_edge: int = WIDTH - RIGHT
    top: int = TOP
    bottom_edge: int = HEIGHT - BOTTOM

    @property
    def x_axis_label_y(self) -> int:
        return self.bottom_edge + 20

    @property
    def y_label_x(self) -> int:
        return self.left - 8


def _nice_step(span: float, ticks: int = 5) -> float:
    raw = span / max(ticks - 1, 1)
    magnitude = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    for multiple in (1, 2, 2.5, 5, 10):
        if raw <= multiple * magnitude:
            return multiple * magnitude
    return 10 * magnitude


def _y_range(kpi: KPI, numbers: list[float]) -> tuple[float, float, float]:
    low, high = min(numbers), max(numbers)
    if low == high:
        low, high = low - 1, high + 1
    step = _nice_step(high - low)
    low = math.floor(low / step) * step
    high = math.ceil(high / step) * step
    if kpi.unit == KPI.Unit.PERCENT:
        low, high = max(low, 0.0), min(high, 100.0)
    elif low < 0 <= min(numbers):
        low = 0.0
    return low, high, step


def _disclosable(kpi: KPI, value: KPIValue | None, small_numbers: bool) -> KPIValue | None:
    """The figure, or None where a panel member may not see it: it is then neither drawn nor
    described (a plotted point gives its value away as surely as a label)."""
    if value is None or small_numbers:
        return value
    return None if value_suppressed(kpi, value.value, value.numerator, value.denominator) else value


def kpi_chart(kpi: KPI, history: list[HistoryRow], *, small_numbers: bool = False) -> Chart | None:
    """The chart of a KPI's history (newest first, as ``kpi_history`` gives it), or None
    when there are no figures to draw. Unless ``small_numbers``, Havering figures that
    disclosure control suppresses are left out (a gap in the line)."""
    rows = [
        HistoryRow(
            period_end=row.period_end,
            havering=_disclosable(kpi, row.havering, small_numbers),
            comparators=row.comparators,
        )
        for row in reversed(history)
    ]
    if not rows:
        return None
    numbers = [
        float(v.value)
        for row in rows
        for v in [row.havering, *row.comparators.values()]
        if v and v.value is not None
    ]
    if kpi.target is not None:
        numbers.append(float(kpi.target))
    if not numbers:
        return None
    low, high, step = _y_range(kpi, numbers)
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM

    # Periods are spaced by date: a year between two annual figures is twelve months wide.
    first, last = rows[0].period_end.toordinal(), rows[-1].period_end.toordinal()

    def x_of(index: int) -> float:
        if last == first:
            return LEFT + plot_width / 2
        return LEFT + plot_width * (rows[index].period_end.toordinal() - first) / (last - first)

    def y_of(number: float) -> float:
        return TOP + plot_height * (1 - (number - low) / (high - low))

    series = _series(rows, x_of, y_of)
    y_ticks = [
        Tick(y_of(tick), kpi_number(Decimal(str(round(tick, 6))), kpi)) for tick in _ticks(low, high, step)
    ]
    x_ticks = _x_ticks(rows, x_of, plot_width)

    return Chart(
        title=f"{kpi.code} {kpi.name}: Havering against target and comparators",
        summary=_summary(kpi, rows),
        series=series,
        y_ticks=y_ticks,
        x_ticks=x_ticks,
        target_y=y_of(float(kpi.target)) if kpi.target is not None else None,
        target_label=f"Target {kpi_number(kpi.target, kpi)}" if kpi.target is not None else "",
    )


def _series(rows: list[HistoryRow], x_of, y_of) -> list[Series]:
    """One line for Havering and one for each comparator with figures; a gap where a
    period has none (the next point starts a new stretch)."""
    series = []
    for key, label in [(HAVERING, "Havering"), *((area.value, area.label) for area in COMPARATOR_AREAS)]:
        line = Series(key=key, label=label)
        previous_missing = True
        for index, row in enumerate(rows):
            value = row.havering if key == HAVERING else row.comparators.get(key)
            if value is None or value.value is None:  # no figure, or DfE did not publish it
                previous_missing = True
                continue
            line.points.append(
                Point(x_of(index), y_of(float(value.value)), "start" if previous_missing else "")
            )
            previous_missing = False
        if line.points:
            series.append(line)
    return series


def _ticks(low: float, high: float, step: float) -> list[float]:
    ticks, tick = [], low
    while tick <= high + step / 1000:
        ticks.append(tick)
        tick += step
    return ticks


def _x_ticks(rows: list[HistoryRow], x_of, plot_width: float) -> list[Tick]:
    """At most MAX_X_LABELS period labels, always the last one, never two crowded together."""
    every = max(1, math.ceil(len(rows) / MAX_X_LABELS))
    gap = plot_width / (MAX_X_LABELS * 1.5)
    x_ticks: list[Tick] = []
    for index, row in enumerate(rows):
        if index % every and index != len(rows) - 1:
            continue
        tick = Tick(x_of(index), f"{row.period_end:%b %y}")
        while x_ticks and tick.position - x_ticks[-1].position < gap:
            if index != len(rows) - 1:
                break
            x_ticks.pop()  # the last period's label wins over a crowded one before it
        else:
            x_ticks.append(tick)
    return x_ticks


def _summary(kpi: KPI, rows: list[HistoryRow]) -> str:
    havering = [row for row in rows if row.havering]
    parts = []
    if havering:
        first, last = havering[0], havering[-1]
        if first is last:
            parts.append(f"Havering: {kpi_number(last.havering.value, kpi)} in {last.period_end:%B %Y}.")
        else:
            parts.append(
                f"Havering went from {kpi_number(first.havering.value, kpi)} in {first.period_end:%B %Y} "
                f"to {kpi_number(last.havering.value, kpi)} in {last.period_end:%B %Y}."
            )
        comparators = [
            f"{area.label} {kpi_number(last.comparators[area].value, kpi)}"
            for area in COMPARATOR_AREAS
            if area in last.comparators
        ]
        if comparators:
            parts.append(f"In {last.period_end:%B %Y}: {', '.join(comparators)}.")
    else:
        parts.append("No Havering figures yet.")
    if kpi.target is not None:
        parts.append(f"Target: {kpi_number(kpi.target, kpi)}.")
    parts.append("The table below gives every figure.")
    return " ".join(parts)


# --- Sparklines ----------------------------------------------------------------------------

SPARK_WIDTH, SPARK_HEIGHT, SPARK_PAD = 120, 36, 4
SPARK_PERIODS = 12


@dataclass
class Sparkline:
    """A measure's last periods as a small line, with its target as a dashed line. The
    figures it draws are in ``figures`` (oldest first) for the table beside it."""

    label: str
    path: str
    last: Point
    target_y: float | None
    figures: list[tuple[date, str]]
    width: int = SPARK_WIDTH
    height: int = SPARK_HEIGHT


def sparkline(
    kpi: KPI, recent: list[KPIValue], *, small_numbers: bool = True, periods: int = SPARK_PERIODS
) -> Sparkline | None:
    """The last ``periods`` figures of ``recent`` (Havering's, newest first, as
    ``KPIFigures.recent`` holds them), or None with fewer than two to draw. Unless
    ``small_numbers``, figures that disclosure control suppresses read as its words in the
    table and are neither drawn nor described. No queries."""
    # A figure DfE did not publish is left out of the line.
    values = [value for value in reversed(recent[:periods]) if value.value is not None]
    if len(values) < 2:
        return None
    table = [
        (
            v.period_end,
            kpi_shown_number(
                v.value, kpi, numerator=v.numerator, denominator=v.denominator, small_numbers=small_numbers
            ),
        )
        for v in values
    ]
    values = [v for v in values if _disclosable(kpi, v, small_numbers)]
    if len(values) < 2:
        return None
    numbers = [float(v.value) for v in values]
    scale = numbers + ([float(kpi.target)] if kpi.target is not None else [])
    low, high = min(scale), max(scale)
    if low == high:
        low, high = low - 1, high + 1
    inner_w, inner_h = SPARK_WIDTH - 2 * SPARK_PAD, SPARK_HEIGHT - 2 * SPARK_PAD

    def x_of(index: int) -> float:
        return SPARK_PAD + inner_w * index / (len(values) - 1)

    def y_of(number: float) -> float:
        return SPARK_PAD + inner_h * (1 - (number - low) / (high - low))

    def shown(number) -> str:
        return kpi_number(Decimal(str(number)), kpi)

    points = [Point(x_of(i), y_of(n), "start" if i == 0 else "") for i, n in enumerate(numbers)]
    first, last = values[0], values[-1]
    label = (
        f"{kpi.code}, last {len(values)} periods: from {shown(first.value)} in {first.period_end:%B %Y} "
        f"to {shown(last.value)} in {last.period_end:%B %Y}; lowest {shown(min(numbers))}, "
        f"highest {shown(max(numbers))}"
    )
    if kpi.target is not None:
        label += f"; target {kpi_number(kpi.target, kpi)}"
    return Sparkline(
        label=label + ".",
        path=Series(key=HAVERING, label="Havering", points=points).path,
        last=points[-1],
        target_y=y_of(float(kpi.target)) if kpi.target is not None else None,
        figures=table,
    )
