"""The council's RAG rules and direction of travel, as tables (no database)."""

from datetime import date
from decimal import Decimal

import pytest

from actions.kpis.rating import kpi_rating, kpi_travel, kpi_trend, rule_words, year_before
from actions.models import KPI
from actions.rag import RAG

HIGHER, LOWER, NEUTRAL = KPI.Polarity.HIGHER, KPI.Polarity.LOWER, KPI.Polarity.NEUTRAL
POINTS, OF_TARGET = KPI.ToleranceKind.POINTS, KPI.ToleranceKind.PERCENT_OF_TARGET
D = Decimal


def kpi(
    polarity=HIGHER,
    target="90",
    tolerance="5",
    kind=POINTS,
    corporate=False,
    unit=KPI.Unit.PERCENT,
    frequency=KPI.Frequency.MONTHLY,
) -> KPI:
    return KPI(
        code="X",
        unit=unit,
        polarity=polarity,
        frequency=frequency,
        target=D(target) if target is not None else None,
        amber_tolerance=D(tolerance) if tolerance is not None else None,
        tolerance_kind=kind,
        corporate_rule=corporate,
    )


@pytest.mark.parametrize(
    ("polarity", "target", "tolerance", "kind", "value", "rag"),
    [
        # higher is better, tolerance in points
        (HIGHER, "90", "5", POINTS, "95", RAG.GREEN),
        (HIGHER, "90", "5", POINTS, "90", RAG.GREEN),
        (HIGHER, "90", "5", POINTS, "85", RAG.AMBER),
        (HIGHER, "90", "5", POINTS, "84.9", RAG.RED),
        (HIGHER, "90", None, POINTS, "89.9", RAG.RED),
        # lower is better, tolerance in points
        (LOWER, "10", "2", POINTS, "9", RAG.GREEN),
        (LOWER, "10", "2", POINTS, "10", RAG.GREEN),
        (LOWER, "10", "2", POINTS, "12", RAG.AMBER),
        (LOWER, "10", "2", POINTS, "12.1", RAG.RED),
        # tolerance as a percentage of the target: 10% of 90 is 9 points, of 15 is 1.5
        (HIGHER, "90", "10", OF_TARGET, "81", RAG.AMBER),
        (HIGHER, "90", "10", OF_TARGET, "80.9", RAG.RED),
        (LOWER, "15", "10", OF_TARGET, "16.5", RAG.AMBER),
        (LOWER, "15", "10", OF_TARGET, "16.6", RAG.RED),
        (LOWER, "15", "10", POINTS, "16.6", RAG.AMBER),  # the same figure, 10 points allowed
        # no rating
        (NEUTRAL, "10", "2", POINTS, "50", RAG.NONE),
        (HIGHER, None, "5", POINTS, "50", RAG.NONE),
        (HIGHER, "90", "5", POINTS, None, RAG.NONE),
    ],
)
def test_rating_from_target_tolerance_of_either_kind_and_polarity(
    polarity, target, tolerance, kind, value, rag
):
    figure = D(value) if value is not None else None
    assert kpi_rating(kpi(polarity, target, tolerance, kind), figure).rag == rag


@pytest.mark.parametrize(
    ("polarity", "value", "year_ago", "corporate", "rag"),
    [
        # off target by more than the tolerance (90 target, 5 points)
        (HIGHER, "80", "75", True, RAG.AMBER),  # better than a year earlier
        (HIGHER, "80", "80", True, RAG.RED),  # no better
        (HIGHER, "80", "82", True, RAG.RED),  # worse
        (HIGHER, "80", None, True, RAG.RED),  # nothing to compare
        (HIGHER, "80", "75", False, RAG.RED),  # the rule is off
        (LOWER, "100", "110", True, RAG.AMBER),  # lower is better: improved from 110
        (LOWER, "100", "95", True, RAG.RED),
        # within the tolerance or on target the rule changes nothing
        (HIGHER, "86", "95", True, RAG.AMBER),
        (HIGHER, "91", "95", True, RAG.GREEN),
    ],
)
def test_corporate_rule_makes_red_amber_only_when_better_than_a_year_earlier(
    polarity, value, year_ago, corporate, rag
):
    measure = kpi(polarity, "90", "5", corporate=corporate)
    then = D(year_ago) if year_ago is not None else None
    assert kpi_rating(measure, D(value), year_ago=then).rag == rag


@pytest.mark.parametrize(
    ("measure", "value", "year_ago", "reason"),
    [
        (
            kpi(LOWER, "15", "5"),
            "17.2",
            None,
            "Amber: 17.2% is 2.2 points above the 15% target, within the 5-point tolerance.",
        ),
        (kpi(HIGHER, "90", "5"), "92", None, "Green: 92% is 2 points above the 90% target."),
        (kpi(HIGHER, "90", "5"), "90", None, "Green: 90% meets the 90% target."),
        (kpi(LOWER, "15", "5"), "14", None, "Green: 14% is 1 point below the 15% target."),
        (
            kpi(HIGHER, "90", "5"),
            "80",
            None,
            "Red: 80% is 10 points below the 90% target, more than the 5-point tolerance.",
        ),
        (
            kpi(HIGHER, "90", None),
            "89.5",
            None,
            "Red: 89.5% is 0.5 points below the 90% target, and no tolerance is set.",
        ),
        (
            kpi(LOWER, "15", "10", OF_TARGET),
            "16",
            None,
            "Amber: 16% is 1 point above the 15% target, "
            "within the tolerance of 10% of the target (1.5 points).",
        ),
        (
            kpi(HIGHER, "90", "5", corporate=True),
            "80",
            "75",
            "Amber: 80% is 10 points below the 90% target, more than the 5-point tolerance, "
            "but better than a year earlier (75%).",
        ),
        (
            kpi(HIGHER, "90", "5", corporate=True),
            "80",
            "81",
            "Red: 80% is 10 points below the 90% target, more than the 5-point tolerance, "
            "and no better than a year earlier (81%).",
        ),
        (
            kpi(LOWER, "20", "3", unit=KPI.Unit.DAYS),
            "22",
            None,
            "Amber: 22 days is 2 days above the 20-day target, within the 3-day tolerance.",
        ),
        (
            kpi(HIGHER, "10", "2", unit=KPI.Unit.COUNT),
            "7",
            None,
            "Red: 7 is 3 below the target of 10, more than the tolerance of 2.",
        ),
        (kpi(NEUTRAL), "50", None, "No rating: a context measure, where neither higher nor lower is better."),
        (kpi(HIGHER, None), "50", None, "No rating: no target is set."),
    ],
)
def test_the_reason_says_exactly_why_a_figure_is_its_colour(measure, value, year_ago, reason):
    then = D(year_ago) if year_ago is not None else None
    rating = kpi_rating(measure, D(value), year_ago=then)
    assert rating.reason == reason
    assert rating.reason.startswith(rating.rag.label)


def test_below_target_means_off_target_on_the_wrong_side():
    measure = kpi(LOWER, "15", "5")
    assert [kpi_rating(measure, D(v)).below_target for v in ("14", "15", "16", "30")] == [
        False,
        False,
        True,
        True,
    ]


@pytest.mark.parametrize(
    ("measure", "words"),
    [
        (
            kpi(LOWER, "15", "5"),
            "Green at 15% or below. Amber up to 5 points above it; red further above.",
        ),
        (
            kpi(HIGHER, "90", "10", OF_TARGET, corporate=True),
            "Green at 90% or above. Amber up to 9 points below it (10% of the target); red further below. "
            "Corporate rule: a figure off target by more than the tolerance "
            "is amber, not red, if it is better than the same period a year earlier.",
        ),
        (kpi(HIGHER, "90", None), "Green at 90% or above. No tolerance is set: any figure below it is red."),
    ],
)
def test_the_rule_is_stated_in_points_not_percent(measure, words):
    assert rule_words(measure) == words


@pytest.mark.parametrize(
    ("polarity", "latest", "earlier", "words"),
    [
        (HIGHER, "80", "75", "better than last month"),
        (HIGHER, "70", "75", "worse than last month"),
        (LOWER, "8", "10", "better than last month"),
        (LOWER, "12", "10", "worse than last month"),
        (NEUTRAL, "230", "220", "up on last month"),
        (NEUTRAL, "210", "220", "down on last month"),
        (HIGHER, "75", "75", "the same as last month"),
    ],
)
def test_trend_reads_direction_against_polarity(polarity, latest, earlier, words):
    assert kpi_trend(kpi(polarity), D(latest), D(earlier), against="last month").words == words


def test_no_trend_without_two_figures():
    assert kpi_trend(kpi(), D(80), None) is None


@pytest.mark.parametrize(
    ("polarity", "frequency", "latest", "previous", "year_ago", "words"),
    [
        (
            HIGHER,
            KPI.Frequency.MONTHLY,
            (date(2026, 3, 31), "80"),
            (date(2026, 2, 28), "75"),
            "85",
            "Better than last month, worse than a year ago",
        ),
        (
            LOWER,
            KPI.Frequency.MONTHLY,
            (date(2026, 3, 31), "80"),
            (date(2026, 2, 28), "75"),
            "85",
            "Worse than last month, better than a year ago",
        ),
        (
            HIGHER,
            KPI.Frequency.QUARTERLY,
            (date(2026, 3, 31), "80"),
            (date(2025, 12, 31), "80"),
            None,
            "The same as last quarter, no figure a year earlier",
        ),
        (
            HIGHER,
            KPI.Frequency.MONTHLY,
            (date(2026, 3, 31), "80"),
            (date(2025, 12, 31), "90"),  # a gap: named
            "70",
            "Worse than December 2025, better than a year ago",
        ),
        (HIGHER, KPI.Frequency.MONTHLY, (date(2026, 3, 31), "80"), None, None, ""),
    ],
)
def test_direction_of_travel_short_and_long_term(polarity, frequency, latest, previous, year_ago, words):
    travel = kpi_travel(
        kpi(polarity, frequency=frequency),
        (latest[0], D(latest[1])),
        (previous[0], D(previous[1])) if previous else None,
        D(year_ago) if year_ago else None,
    )
    assert travel.words == words


def test_travel_filter_matches_the_chosen_term_and_meaning():
    travel = kpi_travel(kpi(), (date(2026, 3, 31), D(80)), (date(2026, 2, 28), D(75)), D(85))
    assert [travel.matches(w) for w in ("short_better", "short_worse", "long_better", "long_worse")] == [
        True,
        False,
        False,
        True,
    ]
    assert not travel.matches("nonsense")


def test_year_before_is_twelve_months():
    assert year_before(date(2026, 4, 30)) == date(2025, 4, 30)
