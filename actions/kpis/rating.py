"""The council's rules for a measure, in words as well as colours: its RAG rating (target,
tolerance, polarity and the optional corporate rule) and its direction of travel (against
the previous period and the same period a year earlier).

Pure functions of a KPI and its figures: no queries, so every page and the progress
reports can call them for many measures at no cost.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from actions.kpis.formatting import kpi_number, plain_number
from actions.models import KPI
from actions.rag import RAG
from core.months import months_before

# --- Numbers in words ---------------------------------------------------------------------


def _amount(kpi: KPI, number: Decimal) -> str:
    """A difference in the measure's own unit: 2.2 points (of a percentage), 3 days, 4."""
    text = plain_number(number)
    singular = Decimal(number).quantize(Decimal("0.1")) == 1
    if kpi.unit == KPI.Unit.PERCENT:
        return f"{text} point{'' if singular else 's'}"
    if kpi.unit == KPI.Unit.DAYS:
        return f"{text} day{'' if singular else 's'}"
    return text


def _the_target(kpi: KPI) -> str:
    text = plain_number(kpi.target)
    if kpi.unit == KPI.Unit.PERCENT:
        return f"the {text}% target"
    if kpi.unit == KPI.Unit.DAYS:
        return f"the {text}-day target"
    return f"the target of {text}"


def tolerance(kpi: KPI) -> Decimal:
    """How far off target still counts as amber, in the measure's own unit."""
    amount = kpi.amber_tolerance or Decimal(0)
    if kpi.tolerance_kind == KPI.ToleranceKind.PERCENT_OF_TARGET:
        return abs(kpi.target or 0) * amount / 100
    return amount


def _the_tolerance(kpi: KPI) -> str:
    amount = kpi.amber_tolerance or Decimal(0)
    if kpi.tolerance_kind == KPI.ToleranceKind.PERCENT_OF_TARGET:
        return f"the tolerance of {plain_number(amount)}% of the target ({_amount(kpi, tolerance(kpi))})"
    if kpi.unit == KPI.Unit.PERCENT:
        return f"the {plain_number(amount)}-point tolerance"
    if kpi.unit == KPI.Unit.DAYS:
        return f"the {plain_number(amount)}-day tolerance"
    return f"the tolerance of {plain_number(amount)}"


def rule_words(kpi: KPI) -> str:
    """The measure's rating rule as the KPI page states it."""
    if kpi.target is None:
        return "No target is set, so the measure has no rating."
    if kpi.polarity == KPI.Polarity.NEUTRAL:
        return "A context measure: neither higher nor lower is better, so it has no rating."
    better, worse = ("above", "below") if kpi.polarity == KPI.Polarity.HIGHER else ("below", "above")
    words = f"Green at {kpi_number(kpi.target, kpi)} or {better}. "
    if tolerance(kpi) > 0:
        amber = f"{_amount(kpi, tolerance(kpi))} {worse} it"
        if kpi.tolerance_kind == KPI.ToleranceKind.PERCENT_OF_TARGET:
            amber += f" ({plain_number(kpi.amber_tolerance)}% of the target)"
        words += f"Amber up to {amber}; red further {worse}."
    else:
        words += f"No tolerance is set: any figure {worse} it is red."
    if kpi.corporate_rule:
        words += (
            " Corporate rule: a figure off target by more than the tolerance is amber, not red, "
            "if it is better than the same period a year earlier."
        )
    return words


# --- The rating ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Rating:
    """A figure's RAG rating, why (one sentence), and whether it is off target at all."""

    rag: RAG
    reason: str
    below_target: bool = False


def _is_better(kpi: KPI, value: Decimal, than: Decimal) -> bool:
    return value > than if kpi.polarity == KPI.Polarity.HIGHER else value < than


def kpi_rating(
    kpi: KPI, value: Decimal | None, *, year_ago: Decimal | None = None, hide_figures: bool = False
) -> Rating:
    """The rating of one figure, with its reason.

    - No figure, no target, or a neutral measure: no rating.
    - On target or better (at or above it when higher is better, at or below when
      lower is better): green.
    - Off target by no more than the tolerance: amber. The tolerance is in the
      measure's own unit (points, for a percentage) or a percentage of the target
      (``KPI.tolerance_kind``); none means 0.
    - Further off: red; with the corporate rule, amber instead if the figure is better
      than the same period a year earlier (``year_ago``).

    With ``hide_figures`` the reason names neither figure nor how far it is from the target
    (which would give the figure away): for a viewer from whom the figure is withheld.
    """
    if value is None:
        return Rating(RAG.NONE, "No rating: there is no figure yet.")
    if kpi.target is None:
        return Rating(RAG.NONE, "No rating: no target is set.")
    if kpi.polarity == KPI.Polarity.NEUTRAL:
        return Rating(RAG.NONE, "No rating: a context measure, where neither higher nor lower is better.")
    value = Decimal(value)
    shown = "the figure" if hide_figures else kpi_number(value, kpi)

    def by(amount: Decimal) -> str:
        return "" if hide_figures else f"{_amount(kpi, amount)} "

    higher = kpi.polarity == KPI.Polarity.HIGHER
    shortfall = kpi.target - value if higher else value - kpi.target
    if shortfall == 0:
        return Rating(RAG.GREEN, f"Green: {shown} meets {_the_target(kpi)}.")
    if shortfall < 0:
        side = "above" if higher else "below"
        return Rating(RAG.GREEN, f"Green: {shown} is {by(-shortfall)}{side} {_the_target(kpi)}.")
    side = "below" if higher else "above"
    off = f"{shown} is {by(shortfall)}{side} {_the_target(kpi)}"
    allowed = tolerance(kpi)
    if shortfall <= allowed:
        return Rating(RAG.AMBER, f"Amber: {off}, within {_the_tolerance(kpi)}.", True)
    beyond = f"more than {_the_tolerance(kpi)}" if allowed > 0 else "and no tolerance is set"
    if not kpi.corporate_rule:
        return Rating(RAG.RED, f"Red: {off}, {beyond}.", True)
    if year_ago is None:
        missing = "and there is no figure a year earlier to compare"
        return Rating(RAG.RED, f"Red: {off}, {beyond}, {missing}.", True)
    then = "" if hide_figures else f" ({kpi_number(Decimal(year_ago), kpi)})"
    if _is_better(kpi, value, Decimal(year_ago)):
        return Rating(RAG.AMBER, f"Amber: {off}, {beyond}, but better than a year earlier{then}.", True)
    return Rating(RAG.RED, f"Red: {off}, {beyond}, and no better than a year earlier{then}.", True)


# --- Direction of travel -------------------------------------------------------------------


def year_before(day: date) -> date:
    """The same period a year earlier (29 February → 28 February)."""
    return months_before(day, 12)


PERIOD_MONTHS = {KPI.Frequency.MONTHLY: 1, KPI.Frequency.QUARTERLY: 3, KPI.Frequency.ANNUAL: 12}
LAST_PERIOD = {
    KPI.Frequency.MONTHLY: "last month",
    KPI.Frequency.QUARTERLY: "last quarter",
    KPI.Frequency.ANNUAL: "last year",
}


def previous_period(kpi: KPI, day: date) -> date:
    return months_before(day, PERIOD_MONTHS.get(kpi.frequency, 1))


@dataclass(frozen=True)
class Trend:
    """How a figure moved against an earlier one: ``direction`` is up, down or same;
    ``meaning`` is better, worse or, for a neutral measure or no change, empty;
    ``against`` names the earlier one in words ("last month", "a year ago")."""

    direction: str
    meaning: str
    against: str = ""

    ARROWS = {"up": "↑", "down": "↓", "same": "→"}

    @property
    def arrow(self) -> str:
        return self.ARROWS[self.direction]

    @property
    def label(self) -> str:
        if self.direction == "same":
            return "No change"
        if not self.meaning:
            return "Up" if self.direction == "up" else "Down"
        return "Improving" if self.meaning == "better" else "Getting worse"

    @property
    def words(self) -> str:
        """ "better than last month", "the same as a year ago", "up on last quarter"."""
        if self.direction == "same":
            return f"the same as {self.against}"
        if self.meaning:
            return f"{self.meaning} than {self.against}"
        return f"{self.direction} on {self.against}"


def kpi_trend(
    kpi: KPI, latest: Decimal | None, earlier: Decimal | None, *, against: str = ""
) -> Trend | None:
    """Up, down or the same as an earlier figure, and whether that is better or worse
    given the measure's polarity. None without two figures to compare."""
    if latest is None or earlier is None:
        return None
    if latest == earlier:
        return Trend("same", "", against)
    direction = "up" if latest > earlier else "down"
    if kpi.polarity == KPI.Polarity.NEUTRAL:
        return Trend(direction, "", against)
    better = (direction == "up") == (kpi.polarity == KPI.Polarity.HIGHER)
    return Trend(direction, "better" if better else "worse", against)


@dataclass(frozen=True)
class Travel:
    """Direction of travel, as the council's performance report shows it: short term
    (against the previous period) and long term (the same period a year earlier)."""

    short: Trend | None
    long: Trend | None
    short_against: str = "last month"

    @property
    def parts(self) -> list[tuple[Trend | None, str]]:
        """Each term with its words, the first capitalised; empty without any comparison."""
        if not (self.short or self.long):
            return []
        short = self.short.words if self.short else f"no figure for {self.short_against}"
        long = self.long.words if self.long else "no figure a year earlier"
        return [(self.short, f"{short[0].upper()}{short[1:]}"), (self.long, long)]

    @property
    def words(self) -> str:
        """E.g. "Better than last month, worse than a year ago"; names what is missing."""
        return ", ".join(text for _, text in self.parts)

    def matches(self, wanted: str) -> bool:
        """For the KPI list's filter: ``short_better``, ``short_worse``, ``long_better``, ``long_worse``."""
        term, _, meaning = wanted.partition("_")
        trend = self.short if term == "short" else self.long if term == "long" else None
        return trend is not None and trend.meaning == meaning


TRAVEL_CHOICES = [
    ("short_better", "Better than the previous period"),
    ("short_worse", "Worse than the previous period"),
    ("long_better", "Better than a year earlier"),
    ("long_worse", "Worse than a year earlier"),
]


def kpi_travel(
    kpi: KPI,
    latest: tuple[date, Decimal] | None,
    previous: tuple[date, Decimal] | None,
    year_ago: Decimal | None,
) -> Travel:
    """Direction of travel of the latest figure (period end, value) against the one
    before it and the figure for the same period a year earlier."""
    if latest is None:
        return Travel(None, None)
    against = LAST_PERIOD.get(kpi.frequency, "last month")
    if previous is not None and previous[0] != previous_period(kpi, latest[0]):
        against = f"{previous[0]:%B %Y}"  # a gap: name the period compared with
    return Travel(
        short=kpi_trend(kpi, latest[1], previous[1] if previous else None, against=against),
        long=kpi_trend(kpi, latest[1], year_ago, against="a year ago"),
        short_against=against,
    )
