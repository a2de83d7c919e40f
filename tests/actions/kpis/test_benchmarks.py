"""Benchmarking against other councils, checked against numbers read from DfE's files:
the KPI page's neighbour table, rank and quartile, and comparators shown with their
own period when Havering's figure is newer."""

import math
import re
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from actions.kpis.benchmarks import benchmark_positions, kpi_benchmark
from actions.kpis.selectors import latest_kpi_figures
from actions.models import KPI, KPIValue, LocalAuthority
from tests.actions.kpis.dfe import S01, STABILITY, dfe_file, neighbours, published

pytestmark = pytest.mark.django_db
MARCH_2025 = date(2025, 3, 31)


@pytest.fixture
def stability(tmp_path):
    call_command("import_kpi_data", str(dfe_file(tmp_path, STABILITY)), stdout=StringIO())


def expected_position(filters: dict, *, lower_is_better: bool) -> tuple[int, int, int, int]:
    """Rank among Havering and its 2025 neighbours, quartile and council count, from the file."""
    rows = published(STABILITY, filters, "2025")
    figures = {
        code: int(row["children_percent"])
        for code, row in rows.items()
        if code.isdigit() and row["children_percent"].isdigit()
    }
    own = figures["311"]

    def better(value):
        return value < own if lower_is_better else value > own

    near = [figures[code] for code in neighbours("sn_model_2025_wide.csv") if code in figures]
    rank = 1 + sum(1 for value in near if better(value))
    national = 1 + sum(1 for code, value in figures.items() if code != "311" and better(value))
    return rank, len(near) + 1, math.ceil(4 * national / len(figures)), len(figures)


def test_the_kpi_page_shows_figures_neighbours_rank_and_quartile_read_from_the_file(client, users, stability):
    client.force_login(users["panel"])
    page = client.get(reverse("kpi_detail", args=["NF45"])).content.decode()
    rows = published(STABILITY, S01, "2025")
    assert (rows["311"]["children_count"], rows["311"]["children_percent"]) == ("31", "12")
    assert "12% (31 of 268)" in page
    rank, ranked, quartile, councils = expected_position(S01, lower_is_better=True)
    assert f"ranks <strong>{rank} of {ranked}</strong>" in page
    assert f"(quartile {quartile}) of the {councils} English councils" in page
    table = page[page.index("data-hcp-benchmark") :]
    names = [LocalAuthority.objects.get(code=code).name for code in neighbours("sn_model_2025_wide.csv")]
    assert all(name in table for name in names)
    assert (
        f'England</th>\n        <td class="govuk-table__cell">{rows["England"]["children_percent"]}%' in table
    )
    assert (
        f'London</th>\n        <td class="govuk-table__cell">{rows["London"]["children_percent"]}%' in table
    )
    ranks = [
        int(found)
        for found in re.findall(r'<td class="govuk-table__cell">(\d+)</td>\s*<th scope="row"', table)
    ]
    assert ranks == sorted(ranks) and len(ranks) == 11


@pytest.mark.parametrize("councils", [3, 150])
def test_the_benchmark_takes_four_queries_whatever_the_councils(councils, django_assert_num_queries):
    kpi = KPI.objects.get(code="S02")
    KPIValue.objects.create(kpi=kpi, period_end=MARCH_2025, area="havering", value=70)
    codes = [f"{n:03d}" for n in range(300, 460) if n != 311][:councils]
    KPIValue.objects.bulk_create(
        KPIValue(kpi=kpi, period_end=MARCH_2025, area="council", la_code=code, value=int(code) % 90)
        for code in codes
    )
    # the latest period with councils' figures; that period's figures; the neighbours in
    # force; their names
    with django_assert_num_queries(4):
        benchmark = kpi_benchmark(kpi=kpi)
    assert benchmark.position.councils == councils + 1


def test_the_benchmark_ranks_by_polarity():
    kpi = KPI.objects.get(code="S02")  # higher is better
    for code, value in (("303", 90), ("822", 80), ("883", 60)):
        KPIValue.objects.create(kpi=kpi, period_end=MARCH_2025, area="council", la_code=code, value=value)
    KPIValue.objects.create(kpi=kpi, period_end=MARCH_2025, area="havering", value=70)
    benchmark = kpi_benchmark(kpi=kpi)
    assert [(row.la_code, row.rank) for row in benchmark.rows[:4]] == [
        ("303", 1),
        ("822", 2),
        ("311", 3),
        ("883", 4),
    ]
    position = benchmark.position
    assert (position.rank, position.ranked, position.quartile, position.councils) == (3, 4, 3, 4)
    kpi.polarity = KPI.Polarity.LOWER
    kpi.save()
    assert benchmark_positions(kpis=[kpi])[kpi.pk].rank == 2


def test_a_suppressed_neighbour_is_shown_and_not_ranked():
    kpi = KPI.objects.get(code="S02")
    KPIValue.objects.create(kpi=kpi, period_end=MARCH_2025, area="council", la_code="303", symbol="c")
    KPIValue.objects.create(kpi=kpi, period_end=MARCH_2025, area="council", la_code="822", value=50)
    KPIValue.objects.create(kpi=kpi, period_end=MARCH_2025, area="havering", value=70)
    benchmark = kpi_benchmark(kpi=kpi)
    bexley = next(row for row in benchmark.rows if row.la_code == "303")
    assert bexley.rank is None and bexley.value.not_published == "suppressed by DfE"
    assert benchmark.position.ranked == 2


def test_a_havering_figure_withheld_from_the_viewer_is_not_ranked_among_those_shown():
    """3 of 4 is withheld from a panel member; its rank among the neighbours' figures would
    bracket it, so they see the others ranked without Havering (staff see it ranked)."""
    kpi = KPI.objects.get(code="S02")
    for code, value in (("303", 90), ("822", 80), ("883", 60)):
        KPIValue.objects.create(kpi=kpi, period_end=MARCH_2025, area="council", la_code=code, value=value)
    KPIValue.objects.create(
        kpi=kpi, period_end=MARCH_2025, area="havering", value=75, numerator=3, denominator=4
    )

    panel = kpi_benchmark(kpi=kpi)
    assert [(row.la_code, row.rank) for row in panel.rows[:3]] == [("303", 1), ("822", 2), ("883", 3)]
    assert next(row for row in panel.rows if row.own).rank is None
    assert (panel.position.rank, panel.position.quartile) == (None, None)
    assert benchmark_positions(kpis=[kpi])[kpi.pk].rank is None

    staff = kpi_benchmark(kpi=kpi, small_numbers=True)
    ranked = [(row.la_code, row.rank) for row in staff.rows[:4]]
    assert ranked == [("303", 1), ("822", 2), ("311", 3), ("883", 4)]
    assert benchmark_positions(kpis=[kpi], small_numbers=True)[kpi.pk].rank == 3


def test_a_newer_havering_figure_keeps_the_latest_comparators_with_their_own_period(client, users, stability):
    """S01 is local and tracks NF45: its own April figure, compared through DfE's NF45."""
    kpi = KPI.objects.get(code="S01")
    KPIValue.objects.create(kpi=kpi, period_end=date(2025, 4, 30), area="havering", value=Decimal(11))
    figure = next(f for f in latest_kpi_figures(kpis=[kpi]))
    assert figure.latest.period_end == date(2025, 4, 30)
    assert [(label, value.value, period) for label, value, period in figure.comparator_rows] == [
        ("Statistical neighbours", figure.comparators["stat_neighbours"].value, "year to March 2025"),
        ("London", Decimal(10), "year to March 2025"),
        ("England", Decimal(10), "year to March 2025"),
    ]
    client.force_login(users["panel"])
    page = client.get(reverse("kpi_list")).content.decode()
    assert "England: 10% (year to March 2025)" in page
