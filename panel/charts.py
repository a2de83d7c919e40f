"""The dashboard's pictures, drawn on the server as SVG: a stacked bar of ratings for each
promise (each segment a link to the filtered list) and the plan's ratings month by month.

No script is needed to see them. Colour never carries the meaning alone: each segment
is labelled with its count and, for screen readers, with its words; the same figures
are in a table beside each picture. No queries: they draw what ``Dashboard``
has already read.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from actions.rag import RAG, RAG_ORDER

BAR_WIDTH, BAR_HEIGHT = 300, 28
MIN_LABELLED_WIDTH = 22  # a segment narrower than this has no count printed on it


@dataclass(frozen=True)
class Segment:
    rag: RAG
    count: int
    x: float
    width: float
    href: str
    label: str

    @property
    def text_x(self) -> float:
        return self.x + self.width / 2

    @property
    def shows_count(self) -> bool:
        return self.width >= MIN_LABELLED_WIDTH


@dataclass
class StackedBar:
    label: str
    total: int
    segments: list[Segment] = field(default_factory=list)
    width: int = BAR_WIDTH
    height: int = BAR_HEIGHT

    @property
    def text_y(self) -> int:
        return self.height // 2 + 5  # the baseline that centres 14px figures


def rag_bar(
    counts: list[tuple[RAG, int]], *, what: str, plural: str, href: Callable[[RAG], str]
) -> StackedBar | None:
    """One bar of ``counts`` (rating, number), worst first, each segment as wide as its
    share; ``what`` names the things counted ("Well actions") for the words, ``href``
    gives each rating's filtered list. None when there is nothing to count."""
    total = sum(n for _, n in counts)
    if not total:
        return None
    ordered = sorted(((rag, n) for rag, n in counts if n), key=lambda pair: RAG_ORDER.index(pair[0]))
    words = ", ".join(f"{n} {rag.label.lower()}" for rag, n in ordered)
    bar = StackedBar(label=f"{what}: {total} {plural} by rating: {words}.", total=total)
    x = 0.0
    for rag, n in ordered:
        width = BAR_WIDTH * n / total
        bar.segments.append(Segment(rag, n, x, width, href(rag), f"{what} rated {rag.label}: {n}"))
        x += width
    return bar


# --- Ratings over time -----------------------------------------------------------------------

WIDTH, HEIGHT = 720, 300
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 40


@dataclass(frozen=True)
class Block:
    rag: RAG
    count: int
    y: float
    height: float


@dataclass
class Column:
    day: date
    x: float
    width: float
    blocks: list[Block]
    counts: dict[RAG, int]

    @property
    def label_x(self) -> float:
        return self.x + self.width / 2

    @property
    def row(self) -> list[int]:
        """The counts in ``RAG_ORDER``, for the table of figures."""
        return [self.counts.get(rag, 0) for rag in RAG_ORDER]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class RagHistoryChart:
    title: str
    summary: str
    columns: list[Column]
    y_ticks: list[tuple[float, int]]
    ratings: tuple[RAG, ...] = RAG_ORDER
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right_edge: int = WIDTH - RIGHT
    bottom_edge: int = HEIGHT - BOTTOM

    @property
    def x_label_y(self) -> int:
        return self.bottom_edge + 22

    @property
    def y_label_x(self) -> int:
        return self.left - 8


def _step(top: int) -> int:
    raw = max(top / 4, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    for multiple in (1, 2, 5, 10):
        if raw <= multiple * magnitude:
            return int(multiple * magnitude)
    return int(10 * magnitude)


def rag_history_chart(series: list[tuple[date, dict[RAG, int]]]) -> RagHistoryChart | None:
    """Stacked columns of the plan's ratings at the end of each month (``series`` oldest
    first, as ``rag_counts_over_time`` gives it), red at the bottom so that it is the
    easiest to compare. None when no month had any action."""
    if not series or not any(sum(counts.values()) for _, counts in series):
        return None
    top = max(sum(counts.values()) for _, counts in series)
    step = _step(top)
    high = step * math.ceil(top / step)
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM
    slot = plot_width / len(series)

    def y_of(number: float) -> float:
        return TOP + plot_height * (1 - number / high)

    columns = []
    for index, (day, counts) in enumerate(series):
        blocks, below = [], 0
        for rag in RAG_ORDER:
            n = counts.get(rag, 0)
            if n:
                blocks.append(Block(rag, n, y_of(below + n), y_of(below) - y_of(below + n)))
                below += n
        columns.append(Column(day, LEFT + index * slot + slot * 0.15, slot * 0.7, blocks, counts))

    first, last = columns[0], columns[-1]

    def described(column: Column) -> str:
        parts = [f"{n} {rag.label.lower()}" for rag, n in zip(RAG_ORDER, column.row, strict=True) if n]
        return f"{column.day:%B %Y}: {', '.join(parts) or 'no actions'}"

    summary = (
        f"Actions by rating at the end of each month. {described(first)}. {described(last)}. "
        "The table below gives every month."
    )
    return RagHistoryChart(
        title="The plan's ratings month by month",
        summary=summary,
        columns=columns,
        y_ticks=[(y_of(value), value) for value in range(0, high + 1, step)],
    )
