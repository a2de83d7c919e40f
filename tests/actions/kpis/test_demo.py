from datetime import date

import pytest

from actions.kpis.demo import seed_kpi_figures
from actions.kpis.selectors import latest_kpi_figures
from actions.models import KPI, KPIValue
from panel.demo import seed_users

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_users():
    return seed_users(password="a-synthetic-demo-pass")


def snapshot():
    return sorted(
        KPIValue.objects.values_list("kpi__code", "period_end", "area", "value", "numerator", "denominator")
    )


def test_seeding_twice_leaves_the_same_figures(demo_users):
    seed_kpi_figures(users=demo_users, today=date(2026, 5, 10))
    first = snapshot()
    seed_kpi_figures(users=demo_users, today=date(2026, 5, 10))
    assert snapshot() == first


def test_a_later_seeding_adds_new_periods_without_changing_old_ones(demo_users):
    seed_kpi_figures(users=demo_users, today=date(2026, 5, 10))
    first = set(snapshot())
    seed_kpi_figures(users=demo_users, today=date(2026, 6, 10))
    assert first <= set(snapshot())


def test_three_years_of_figures_with_targets_and_comparators(demo_users):
    seed_kpi_figures(users=demo_users, today=date(2026, 5, 10))
    w01 = KPI.objects.get(code="W01")
    assert w01.target == 90 and w01.amber_tolerance == 5
    w04, s05 = KPI.objects.get(code="W04"), KPI.objects.get(code="S05")
    assert (w04.tolerance_kind, w04.amber_tolerance) == ("percent_of_target", 50)  # 14 days of 28
    assert s05.corporate_rule
    havering = KPIValue.objects.filter(kpi=w01, area="havering")
    assert havering.count() == 36
    assert havering.latest("period_end").period_end == date(2026, 4, 30)
    assert set(KPIValue.objects.filter(kpi=w01).values_list("area", flat=True)) == {
        "havering",
        "england",
        "london",
        "stat_neighbours",
    }
    assert KPIValue.objects.filter(kpi__code="I02", area="havering").count() == 12  # quarterly
    assert not KPIValue.objects.filter(kpi__is_derived=True).exists()


def test_children_in_care_number_200_to_250(demo_users):
    seed_kpi_figures(users=demo_users, today=date(2026, 5, 10))
    (cla,) = latest_kpi_figures(kpis=KPI.objects.filter(code="CLA"))
    assert 200 <= cla.latest.value <= 250
    assert not cla.comparators


def test_percentages_agree_with_their_counts(demo_users):
    seed_kpi_figures(users=demo_users, today=date(2026, 5, 10))
    for value in KPIValue.objects.filter(kpi__unit="percent", numerator__isnull=False):
        assert abs(float(value.value) - 100 * value.numerator / value.denominator) < 0.06


@pytest.mark.parametrize("today", [date(2027, 2, 15), date(2027, 3, 31), date(2027, 1, 1)])
def test_seeding_works_on_any_day_and_quarterly_figures_end_at_the_last_quarter(demo_users, today):
    # In February and March the last quarter ended in December of the year before.
    seed_kpi_figures(users=demo_users, today=today)
    quarterly = KPIValue.objects.filter(kpi__frequency=KPI.Frequency.QUARTERLY)
    monthly = KPIValue.objects.filter(kpi__frequency=KPI.Frequency.MONTHLY)
    assert quarterly.latest("period_end").period_end == date(2026, 12, 31)
    assert {d.month for d in quarterly.values_list("period_end", flat=True)} == {3, 6, 9, 12}
    assert monthly.latest("period_end").period_end.month == (today.month - 2) % 12 + 1
