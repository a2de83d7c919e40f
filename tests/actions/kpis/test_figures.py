"""The selectors every KPI page reads (the rules themselves: test_rating.py)."""

from datetime import date
from decimal import Decimal

import pytest

from actions.kpis.selectors import kpi_history, latest_kpi_figures
from actions.models import KPI, KPIValue
from actions.rag import RAG
from tests.factories import KPIValueFactory


def add_figures(code: str, months: int, *, comparators: bool = True):
    measure = KPI.objects.get(code=code)
    for month in range(1, months + 1):
        period = date(2025, month, 28)
        KPIValueFactory(kpi=measure, period_end=period, area="havering", value=Decimal(70 + month))
        if comparators:
            for offset, area in enumerate(("england", "london", "stat_neighbours")):
                KPIValueFactory(
                    kpi=measure, period_end=period, area=area, value=Decimal(80 + offset), numerator=None
                )


@pytest.mark.django_db
@pytest.mark.parametrize("months", [2, 9])
def test_latest_figures_take_three_queries_whatever_the_data(months, django_assert_num_queries):
    for code in ("W01", "W02", "S01", "CLA"):
        add_figures(code, months)
    KPI.objects.filter(code="W01").update(target=Decimal(75), amber_tolerance=Decimal(2))
    # KPIs with themes; the last 13 Havering figures of each; comparators of the latest period
    with django_assert_num_queries(3):
        figures = {figure.kpi.code: figure for figure in latest_kpi_figures()}
        w01 = figures["W01"]
        assert (w01.latest.period_end, w01.previous.period_end) == (
            date(2025, months, 28),
            date(2025, months - 1, 28),
        )
        assert w01.rag == (RAG.GREEN if 70 + months >= 75 else RAG.AMBER if 70 + months >= 73 else RAG.RED)
        assert w01.trend.label == "Improving"
        assert {area: v.value for area, v in w01.comparators.items()} == {
            "england": 80,
            "london": 81,
            "stat_neighbours": 82,
        }
        assert figures["H03"].latest is None and figures["H03"].rag == RAG.NONE


@pytest.mark.django_db
def test_latest_figures_as_of_a_date():
    add_figures("W01", 6)
    (figure,) = latest_kpi_figures(kpis=KPI.objects.filter(code="W01"), as_of=date(2025, 3, 31))
    assert figure.latest.period_end == date(2025, 3, 28)
    assert figure.comparators["england"].period_end == date(2025, 3, 28)


@pytest.mark.django_db
def test_history_lists_every_period_with_comparators_newest_first(django_assert_num_queries):
    add_figures("W01", 3)
    KPIValueFactory(kpi=KPI.objects.get(code="W01"), period_end=date(2024, 12, 31), area="england", value=79)
    measure = KPI.objects.get(code="W01")
    with django_assert_num_queries(1):
        history = kpi_history(kpi=measure)
        assert [row.period_end for row in history] == [
            date(2025, 3, 28),
            date(2025, 2, 28),
            date(2025, 1, 28),
            date(2024, 12, 31),
        ]
        assert history[0].havering.value == 73
        assert history[-1].havering is None
        assert [label for label, _ in history[0].comparator_list] == [
            "Statistical neighbours",
            "London",
            "England",
        ]
        assert history[0].sources[0].person == ""
    assert KPIValue.objects.filter(kpi=measure).count() == 13
