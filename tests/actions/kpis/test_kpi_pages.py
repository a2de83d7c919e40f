"""The KPI list, a KPI's page and the downloads."""

import csv
import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from actions.models import KPI
from tests.factories import ActionFactory, KPIImportFactory, KPIValueFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def figures(admin_user):
    w01 = KPI.objects.get(code="W01")
    w01.target, w01.amber_tolerance = Decimal(80), Decimal(10)
    w01.save()
    upload = KPIImportFactory(file_name="march.xlsx", uploaded_by=admin_user)
    KPIValueFactory(kpi=w01, period_end=date(2025, 2, 28), value=Decimal("70"), numerator=35, denominator=50)
    KPIValueFactory(
        kpi=w01,
        period_end=date(2025, 3, 31),
        value=Decimal("72"),
        numerator=36,
        denominator=50,
        source_import=upload,
    )
    KPIValueFactory(
        kpi=w01, period_end=date(2025, 3, 31), area="england", value=Decimal("88.5"), numerator=None
    )
    KPIValueFactory(
        kpi=KPI.objects.get(code="W02"),
        period_end=date(2025, 3, 31),
        value=Decimal("6"),
        numerator=3,
        denominator=50,
    )
    return w01


def test_the_list_shows_latest_figure_with_count_rag_trend_target_and_comparators(client, users, figures):
    client.force_login(users["panel"])
    page = client.get(reverse("kpi_list")).content.decode()
    assert "72% (36 of 50)" in page
    assert "Amber" in page  # 72 is within 10 of 80
    assert "Better than last month" in page  # 72 after 70
    assert "no figure a year earlier" in page
    assert "80%" in page
    assert "England: 88.5%" in page
    assert "Mar 2025" in page


def test_panel_members_see_small_counts_and_their_percentage_suppressed(client, users, figures):
    client.force_login(users["panel"])
    page = client.get(reverse("kpi_list")).content.decode()
    assert "not shown (5 or fewer of 50)" in page
    assert "6%" not in page


def test_staff_see_small_counts(client, users, figures):
    client.force_login(users["lead"])
    assert "6% (3 of 50)" in client.get(reverse("kpi_list")).content.decode()


@pytest.mark.parametrize("extra_months", [0, 12])
def test_the_list_takes_a_fixed_number_of_queries(
    client, users, figures, extra_months, django_assert_max_num_queries
):
    for month in range(1, extra_months + 1):
        KPIValueFactory(
            kpi=KPI.objects.get(code="S01"), period_end=date(2024, month, 28), value=Decimal(month)
        )
    client.force_login(users["panel"])
    # session, user, roles, user's and groups' permissions (may import?), KPIs with
    # themes, last 13 Havering figures of each, comparators, the theme filter's choices,
    # session save (+ savepoint)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("kpi_list")).status_code == 200


def test_a_kpi_page_has_a_chart_a_history_table_sources_and_linked_actions(client, users, figures):
    action = ActionFactory(title="Health assessment catch-up clinics")
    action.kpis.add(figures)
    client.force_login(users["panel"])
    page = client.get(reverse("kpi_detail", args=["W01"])).content.decode()
    assert '<svg class="hcp-chart__svg"' in page and 'role="img"' in page
    assert "Havering went from 70% in February 2025 to 72% in March 2025." in page
    assert "Target: 80%." in page
    assert "Imported from march.xlsx by" in page
    assert 'href="/kpis/imports/' not in page  # panel members cannot open imports
    assert "Health assessment catch-up clinics" in page
    assert "31 Mar 2025" in page and "88.5%" in page


def test_administrators_can_follow_a_figure_to_its_import(client, users, figures):
    client.force_login(users["admin"])
    page = client.get(reverse("kpi_detail", args=["W01"])).content.decode()
    assert 'href="/kpis/imports/' in page


def test_an_unknown_kpi_is_not_found(client, users):
    client.force_login(users["panel"])
    assert client.get(reverse("kpi_detail", args=["ZZ9"])).status_code == 404


def test_a_kpi_page_takes_a_fixed_number_of_queries(client, users, figures, django_assert_max_num_queries):
    client.force_login(users["panel"])
    # session, user, roles, permissions ×2, KPI with theme and owner, its figures with sources,
    # linked actions with leads, owners' commentary by period, the latest
    # period with other councils' figures (none
    # here, so no benchmarking table), the figures DfE published for the indicator it
    # tracks (W01-DFE), session save (+ savepoint)
    with django_assert_max_num_queries(14):
        client.get(reverse("kpi_detail", args=["W01"]))


def test_the_export_escapes_formula_like_cells(client, users, figures):
    KPIValueFactory(
        kpi=figures,
        period_end=date(2025, 4, 30),
        value=Decimal("73"),
        note='=HYPERLINK("http://evil.example")',
    )
    client.force_login(users["lead"])
    response = client.get(reverse("kpi_export"), {"kpi": "W01"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["kpi_code", "period_end", "value", "numerator", "denominator", "area", "note"]
    assert rows[-1][6] == '\'=HYPERLINK("http://evil.example")'
    assert rows[1][:6] == ["W01", "2025-02-28", "70.0000", "35", "50", "Havering"]


def test_the_export_suppresses_small_counts_for_panel_members(client, users, figures):
    client.force_login(users["panel"])
    response = client.get(reverse("kpi_export"), {"kpi": "W02", "format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    client_csv = client.get(reverse("kpi_export"), {"kpi": "W02"}).content.decode("utf-8-sig")
    assert "5 or fewer" in client_csv
    assert ",3," not in client_csv and ",6," not in client_csv


@pytest.mark.parametrize("months", [1, 24])
def test_the_export_takes_a_fixed_number_of_queries(
    client, users, figures, months, django_assert_max_num_queries
):
    for month in range(1, months + 1):
        KPIValueFactory(
            kpi=KPI.objects.get(code="S01"),
            period_end=date(2023 + month // 12, month % 12 + 1, 1),
            value=Decimal(month),
        )
    client.force_login(users["panel"])
    # session, user, roles, the figures with their KPIs (one query, read in chunks),
    # session save (+ savepoint and release)
    with django_assert_max_num_queries(7):
        response = client.get(reverse("kpi_export"))
        assert response.content.decode("utf-8-sig").count("\n") == 1 + 4 + months  # header, fixture


def test_a_kpi_page_explains_its_colour_and_its_rule_in_points(client, users, figures):
    client.force_login(users["panel"])
    page = client.get(reverse("kpi_detail", args=["W01"])).content.decode()
    assert "Amber: 72% is 8 points below the 80% target, within the 10-point tolerance." in page
    assert "Green at 80% or above. Amber up to 10 points below it; red further below." in page
    assert "within 10% of it" not in page
    assert "Better than last month" in page


def text_of(page: str) -> str:
    """The page's words as read: tags and arrows (hidden from screen readers) dropped."""
    page = re.sub(r'<span[^>]*aria-hidden="true">[^<]*</span>', "", page)
    return " ".join(re.sub(r"<[^>]+>", " ", page).split()).replace(" ,", ",")


def test_a_kpi_page_explains_the_corporate_rule(client, users, figures):
    KPI.objects.filter(code="W01").update(amber_tolerance=Decimal(5), corporate_rule=True)
    KPIValueFactory(kpi=figures, period_end=date(2024, 3, 31), value=Decimal("65"))
    client.force_login(users["panel"])
    page = client.get(reverse("kpi_detail", args=["W01"])).content.decode()
    assert (
        "Amber: 72% is 8 points below the 80% target, more than the 5-point tolerance, "
        "but better than a year earlier (65%)." in page
    )
    assert "Better than last month, better than a year ago" in text_of(page)


@pytest.fixture
def rated(figures):
    """W01 amber (72 against 80), S01 red and worse than last month, I01 green."""
    s01 = KPI.objects.get(code="S01")
    s01.target, s01.amber_tolerance = Decimal(10), Decimal(2)
    s01.save()
    KPIValueFactory(kpi=s01, period_end=date(2025, 2, 28), value=Decimal("13"), numerator=None)
    KPIValueFactory(kpi=s01, period_end=date(2025, 3, 31), value=Decimal("15"), numerator=None)
    i01 = KPI.objects.get(code="I01")
    i01.target = Decimal(90)
    i01.save()
    KPIValueFactory(kpi=i01, period_end=date(2025, 3, 31), value=Decimal("95"), numerator=None)


def codes_on(page: str) -> set[str]:
    return {code for code in ("W01", "W02", "S01", "I01", "CLA") if f'href="/kpis/{code}/"' in page}


@pytest.mark.parametrize(
    ("query", "codes", "summary"),
    [
        ({"below_target": "on"}, {"W01", "S01"}, "2 of 20 measures"),
        ({"rating": "red"}, {"S01"}, "1 of 20 measures"),
        ({"rating": "green"}, {"I01"}, "1 of 20 measures"),
        ({"theme": "S"}, {"S01"}, "5 of 20 measures"),
        ({"travel": "short_worse"}, {"S01"}, "1 of 20 measures"),
        ({"travel": "short_better"}, {"W01"}, "1 of 20 measures"),
        ({"theme": "W", "below_target": "on"}, {"W01"}, "1 of 20 measures"),
        ({}, {"W01", "W02", "S01", "I01", "CLA"}, "20 measures."),
    ],
)
def test_the_list_filters_by_theme_rating_travel_and_below_target(
    client, users, rated, query, codes, summary
):
    client.force_login(users["panel"])
    page = client.get(reverse("kpi_list"), query).content.decode()
    assert codes_on(page) == codes
    assert summary in page


def test_a_bad_filter_value_is_explained_and_ignored(client, users, rated):
    client.force_login(users["panel"])
    page = client.get(reverse("kpi_list"), {"rating": "purple"}).content.decode()
    assert "There is a problem" in page and "Choose a rating from the list." in page
    assert codes_on(page) == {"W01", "W02", "S01", "I01", "CLA"}


def test_the_list_draws_a_sparkline_with_its_target_and_figures_beside_it(client, users, figures):
    client.force_login(users["panel"])
    page = client.get(reverse("kpi_list")).content.decode()
    assert (
        'aria-label="W01, last 2 periods: from 70% in February 2025 to 72% in March 2025; '
        'lowest 70%, highest 72%; target 80%."' in page
    )
    assert 'class="hcp-sparkline__target"' in page
    assert "<summary" in page and "Feb 2025" in page
