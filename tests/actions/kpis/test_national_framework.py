"""DfE's National Framework indicators, imported from DfE's files as published (the copies
in ``actions/data/dfe``, the same bytes as ``../shared/data/dfe``): the figures for 2025
(or 2024/25) checked against numbers read by hand from the files, the neighbours' median
against the ten neighbours' published figures, files nobody here has opened built in
DfE's conventions, and annual published figures kept apart from local in-year ones."""

import csv
import html
import time
from datetime import date
from decimal import Decimal
from statistics import median

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from actions.kpis import selectors
from actions.kpis.charts import kpi_chart
from actions.kpis.neighbours import DATA
from actions.kpis.services import kpi_import_from_path
from actions.models import KPI, DfEMapping, KPIValue
from tests.actions.kpis.dfe import neighbours

pytestmark = pytest.mark.django_db

FILES = (
    "absence_la.csv",
    "cla_number_and_rate_per_10k_children.csv",
    "csww_indicators_2017_to_2025.csv",
    "la_care_leavers_activity.csv",
    "la_cla_placement_stability.csv",
    "la_cla_school_moves.csv",
    "la_cla_swcount.csv",
)
MARCH_2025, AUGUST_2025, MARCH_2024 = date(2025, 3, 31), date(2025, 8, 31), date(2024, 3, 31)
FIVE_AREAS = {"havering", "london", "outer_london", "sn_median", "england"}
# Indicators these files carry, and the period of their latest figures.
CARRIED = {
    "NF03": MARCH_2025,
    "NF04": MARCH_2025,
    "NF07": MARCH_2024,
    "NF10": AUGUST_2025,
    "NF13": AUGUST_2025,
    "NF16": AUGUST_2025,
    "NF45": MARCH_2025,
    "NF52": MARCH_2025,
    "NF53": MARCH_2025,
    "NF63": MARCH_2025,
    "NF64": MARCH_2025,
    "NF65": MARCH_2025,
    "NF66": MARCH_2025,
    "NF67": MARCH_2024,
}


def imported(path):
    kpi_import = kpi_import_from_path(path=path, dry_run=False, accept_warnings=True)
    assert kpi_import.state == "done", kpi_import.errors
    return kpi_import


def figure(code: str, period_end: date, area: str, la_code: str = "") -> KPIValue:
    return KPIValue.objects.get(kpi__code=code, period_end=period_end, area=area, la_code=la_code)


def file_rows(name: str, year: str, **filters) -> dict[str, dict]:
    """The file's rows for one year and these filters, by old LA code (read here with the
    csv module, not through the portal's mappings)."""
    with open(DATA / name, encoding="utf-8-sig", newline="") as handle:
        return {
            row["old_la_code"]: row
            for row in csv.DictReader(handle)
            if row["time_period"] == year
            and row["geographic_level"] == "Local authority"
            and all(row[column] == value for column, value in filters.items())
        }


def published_median(rows: dict[str, dict], column: str) -> Decimal:
    """The median of Havering's ten 2025 neighbours' published figures, suppressed ones left out."""
    figures = []
    for code in neighbours("sn_model_2025_wide.csv"):
        row = next((row for key, row in rows.items() if code in key.split(" / ")), None)
        if row is not None and row[column].replace(".", "").isdigit():
            figures.append(Decimal(row[column]))
    assert len(figures) >= 8
    return median(figures)


@pytest.fixture
def every_file():
    started = time.perf_counter()
    for name in FILES:
        imported(DATA / name)
    return time.perf_counter() - started


def test_every_dfe_file_imports_unchanged_with_figures_for_all_five_areas(every_file):
    print(f"\nImporting the {len(FILES)} DfE files took {every_file:.1f} s")
    for code, period_end in CARRIED.items():
        areas = set(
            KPIValue.objects.filter(kpi__code=code, period_end=period_end, value__isnull=False).values_list(
                "area", flat=True
            )
        )
        assert areas >= FIVE_AREAS, code
        assert KPIValue.objects.filter(kpi__code=code, period_end=period_end, area="council").count() > 140


def test_2025_figures_match_the_files_read_by_hand(every_file):
    nf45 = figure("NF45", MARCH_2025, "havering")
    assert (nf45.value, nf45.numerator, nf45.denominator) == (12, 31, 268)
    assert figure("NF45", MARCH_2025, "london").value == 10
    assert figure("NF45", MARCH_2025, "outer_london").value == 10
    assert figure("NF45", MARCH_2025, "england").value == 10
    assert (
        figure("NF52", MARCH_2025, "havering").value,
        figure("NF52", MARCH_2025, "havering").numerator,
    ) == (
        56,
        35,
    )
    assert figure("NF53", MARCH_2025, "havering").value == 44
    assert figure("NF04", MARCH_2025, "havering").value == 42
    assert figure("NF04", MARCH_2025, "havering").numerator == 268
    # Workforce: one row per council, several value columns, one decimal kept as published.
    assert figure("NF63", MARCH_2025, "havering").value == Decimal("23")
    assert figure("NF64", MARCH_2025, "havering").value == Decimal("41.7")
    assert figure("NF65", MARCH_2025, "havering").value == Decimal("41.7")
    assert figure("NF66", MARCH_2025, "havering").value == Decimal("15")  # published as "15"
    assert figure("NF66", MARCH_2025, "england").value == Decimal("15.2")
    # School-year file: 2024/25 ends on 31 August 2025.
    assert figure("NF10", AUGUST_2025, "havering").value == Decimal("9.7")
    assert figure("NF13", AUGUST_2025, "havering").value == Decimal("23.3")
    assert figure("NF16", AUGUST_2025, "havering").value == Decimal("7.8")
    assert figure("NF07", MARCH_2024, "havering").value == 10
    assert figure("NF67", MARCH_2024, "havering").numerator == 81
    # Councils sharing a service (one row "940 / 941") each get the shared figure.
    assert (
        figure("NF63", MARCH_2025, "council", "941").value
        == figure("NF63", MARCH_2025, "council", "940").value
    )


@pytest.mark.parametrize(
    ("code", "name", "year", "filters", "column"),
    [
        (
            "NF45",
            "la_cla_placement_stability.csv",
            "2025",
            {
                "cla_group": "CLA on 31 March",
                "placement_stability": "With 3 or more placements during the year",
            },
            "children_percent",
        ),
        (
            "NF53",
            "la_care_leavers_activity.csv",
            "2025",
            {"care_leaver_age": "19 to 21 years", "breakdown": "Total in education, employment or training"},
            "care_leaver_percent",
        ),
        ("NF63", "csww_indicators_2017_to_2025.csv", "2025", {}, "turnover_rate_fte"),
        ("NF66", "csww_indicators_2017_to_2025.csv", "2025", {}, "caseload_fte"),
        (
            "NF16",
            "absence_la.csv",
            "202425",
            {"social_care_group": "CLA 12 months at 31 March", "phase_type_grouping": "Total"},
            "pt_pupils_pa_50_exact",
        ),
    ],
)
def test_the_neighbours_median_is_the_median_of_the_ten_published_figures(
    every_file, code, name, year, filters, column
):
    period_end = AUGUST_2025 if len(year) == 6 else date(int(year), 3, 31)
    expected = published_median(file_rows(name, year, **filters), column)
    stored = figure(code, period_end, "sn_median")
    assert stored.value == expected
    assert stored.note.startswith("Median of ") and "of 10 statistical neighbours" in stored.note
    assert figure(code, period_end, "stat_neighbours").note.startswith("Mean of ")


EES = (
    "time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
    "old_la_code,la_name,new_la_code"
)
AREAS = (
    "National,E92000001,England,,,,,",
    "Regional,E92000001,England,E12000007,London,,,",
    "Regional,E92000001,England,E13000002,Outer London,,,",
    "Local authority,E92000001,England,E13000002,Outer London,311,Havering,E09000016",
    "Local authority,E92000001,England,E13000002,Outer London,303,Bexley,E09000004",
    "Local authority,E92000001,England,E12000006,East of England,822,Bedford,E06000055",
)


def test_the_sdq_file_nobody_here_has_opened_imports_its_average_from_the_count_column(tmp_path):
    """DfE's health outcomes file: the SDQ average in the count column, z as its percentage."""
    lines = [f"\ufeff{EES},cla_group,characteristic,number,percentage"]
    for year, scores in (("2024", ("14.1", "14.6", "14.5", "15.2", "13.8", "c")), ("2025", AVERAGES)):
        for area, score in zip(AREAS, scores, strict=True):
            group = "Ages 5 to 16 years with SDQ score"
            lines.append(f"{year},Reporting year,{area},{group},SDQ score was received,200,z")
            lines.append(f"{year},Reporting year,{area},{group},SDQ average score,{score},z")
    path = tmp_path / "la_conviction_health_outcome_cla.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    imported(path)
    sdq = figure("NF51", MARCH_2025, "havering")
    assert (sdq.value, sdq.numerator, sdq.denominator) == (Decimal("14.9"), None, None)
    assert figure("NF51", MARCH_2025, "outer_london").value == Decimal("14.4")
    assert figure("NF51", MARCH_2025, "sn_median").value == Decimal("13.9")  # Bexley 13.5, Bedford 14.3
    assert figure("NF51", MARCH_2025, "sn_median").note.startswith("Median of 2 of 10")
    assert figure("NF51", date(2024, 3, 31), "council", "822").symbol == "c"


AVERAGES = ("14.0", "14.6", "14.4", "14.9", "13.5", "14.3")


def test_a_file_with_older_column_names_other_order_extra_filters_and_years_imports(tmp_path):
    """Care leavers' accommodation (not in this project) as DfE published it in earlier
    releases: ``age`` and ``accommodation_suitability``, "Aged 19 to 21", the percentage
    before the count, an extra filter column, and years the other files do not have."""
    lines = [f"{EES},accommodation_suitability,publication_note,age,percentage,number"]
    for year in ("2019", "2020", "2025"):
        for area, (total, suitable) in zip(
            AREAS, ((30000, 26000), (4000, 3500), (2000, 1750), (170, 150), (120, 100), (90, 60)), strict=True
        ):
            for age in ("Aged 17 to 18", "Aged 19 to 21"):
                lines.append(f"{year},Reporting year,{area},Total,as published,{age},100,{total}")
                share = round(100 * suitable / total)
                lines.append(
                    f"{year},Reporting year,{area},Accommodation considered suitable,as published,{age},"
                    f"{share},{suitable}"
                )
    path = tmp_path / "la_care_leavers_accommodation_suitability.csv"
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    imported(path)
    for code in ("NF54", "NF55"):
        havering = figure(code, MARCH_2025, "havering")
        assert (havering.value, havering.numerator, havering.denominator) == (88, 150, 170)
        assert figure(code, date(2019, 3, 31), "england").value == 87
        assert figure(code, MARCH_2025, "sn_median").value == Decimal("75")  # 83 and 67


def test_a_local_monthly_and_a_dfe_annual_figure_for_the_same_month_are_both_kept(tmp_path):
    local = tmp_path / "monthly.csv"
    local.write_text("kpi_code,period_end,value,numerator,denominator\nS01,2025-03-31,15,39,260\n")
    imported(local)
    imported(DATA / "la_cla_placement_stability.csv")
    s01 = figure("S01", MARCH_2025, "havering")
    nf45 = figure("NF45", MARCH_2025, "havering")
    assert (s01.value, s01.numerator) == (15, 39)
    assert (nf45.value, nf45.numerator) == (12, 31)
    assert KPI.objects.get(code="S01").tracks == nf45.kpi
    assert not KPIValue.objects.filter(kpi__code="S01", area="council").exists()


def test_a_local_file_cannot_put_a_figure_in_a_published_series(tmp_path):
    path = tmp_path / "monthly.csv"
    path.write_text("kpi_code,period_end,value\nNF45,2025-03-31,15\n")
    kpi_import = kpi_import_from_path(path=path, dry_run=False)
    assert kpi_import.state == "failed"
    assert "NF45 is published by DfE" in kpi_import.errors[0]["message"]
    assert not KPIValue.objects.exists()


def test_a_mapping_cannot_feed_a_local_measure():
    mapping = DfEMapping(
        kpi=KPI.objects.get(code="S01"),
        publication_file="la_cla_placement_stability",
        numerator_filters={"cla_group": "CLA on 31 March"},
        count_columns="children_count",
    )
    with pytest.raises(ValidationError, match="S01 is a local measure"):
        mapping.full_clean()


def test_the_indicators_carry_dfe_wording_outcome_and_domain():
    nf45 = KPI.objects.get(code="NF45")
    assert nf45.name == "% CLA on 31 March with 3 or more placements during the year"
    assert nf45.framework_outcome == "Outcome 4: Children in care and care leavers have stable, loving homes"
    assert nf45.framework_domain == "Stability and quality of where a child lives"
    assert (nf45.source, nf45.polarity, nf45.framework_order) == ("dfe", "lower", 45)
    waiting = KPI.objects.filter(source="dfe", framework_order__isnull=False, dfe_mappings=None)
    assert sorted(waiting.values_list("code", flat=True)) == [
        "NF05",
        "NF06",
        "NF43",
        "NF44",
        "NF46",
        "NF47",
        "NF48",
        "NF49",
        "NF50",
    ]
    assert KPI.objects.get(code="NF46").data_source == "DfE: la_cla_on_31_march_by_characteristics.csv"


def test_a_local_measure_shows_its_own_series_and_what_dfe_last_published(client, users, tmp_path):
    local = tmp_path / "monthly.csv"
    local.write_text(
        "kpi_code,period_end,value,numerator,denominator\n"
        "S01,2025-02-28,14,37,262\nS01,2025-03-31,15,39,260\n"
    )
    imported(local)
    imported(DATA / "la_cla_placement_stability.csv")
    client.force_login(users["panel"])
    page = client.get(reverse("kpi_detail", args=["S01"])).content.decode()
    published = " ".join(html.unescape(page[page.index("data-hcp-published") :][:900]).split())
    assert (
        "12% (31 of 268) (year to March 2025), London 10%, neighbours' median 11.5%, England 10%."
        in published
    )
    assert reverse("kpi_detail", args=["NF45"]) in published
    history = page[page.index('id="figures"') :]
    assert "15% (39 of 260)" in history and "12% (31 of 268)" not in history


def test_charts_space_periods_by_date():
    """Four annual figures then monthly ones: a year is twelve months wide, not one."""
    kpi = KPI.objects.get(code="S01")
    days = [date(year, 3, 31) for year in (2021, 2022, 2023)] + [date(2024, 3, 31), date(2024, 4, 30)]
    for day in days:
        KPIValue.objects.create(kpi=kpi, period_end=day, area="havering", value=10)
    chart = kpi_chart(kpi, selectors.kpi_history(kpi=kpi), small_numbers=True)
    xs = [point.x for point in chart.series[0].points]
    year, month = xs[1] - xs[0], xs[4] - xs[3]
    assert 11 < year / month < 13


def row_of(page: str, code: str) -> str:
    start = page.index(f'data-hcp-indicator="{code}"')
    return " ".join(html.unescape(page[start : page.index("</tr>", start)]).split())


def test_the_framework_page_groups_indicators_and_compares_havering(client, users, every_file):
    client.force_login(users["panel"])
    page = client.get(reverse("kpi_framework")).content.decode()
    outcome = page.index("Outcome 4: Children in care and care leavers have stable, loving homes")
    assert outcome < page.index("Stability and quality of where a child lives") < page.index("NF45")
    nf45 = row_of(page, "NF45")
    assert "year to March 2025" in nf45 and "12% (31 of 268)" in nf45
    assert "10%" in nf45 and "11.5%" in nf45 and "median of 10 of 10" in nf45.lower()
    assert "Better than the year before" in nf45 or "Worse than the year before" in nf45
    assert " of 4" in nf45
    nf66 = row_of(page, "NF66")
    assert "15" in nf66 and "15.2" in nf66
    nf46 = row_of(page, "NF46")
    assert "Not loaded yet" in nf46 and "la_cla_on_31_march_by_characteristics.csv" in nf46
    assert 'class="hcp-scroll-region"' in page


def test_the_framework_page_is_linked_from_the_measures_page_and_the_dashboard(client, users):
    client.force_login(users["panel"])
    link = f'href="{reverse("kpi_framework")}"'
    assert link in client.get(reverse("kpi_list")).content.decode()
    assert link in client.get(reverse("panel:dashboard")).content.decode()
