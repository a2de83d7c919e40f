"""``manage.py export_kpi_figures`` and the administrators' CSV download: every stored
figure with its area, council, symbol and source."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from actions.kpis.neighbours import DATA
from actions.kpis.services import kpi_import_from_path
from actions.models import KPI, KPIValue

pytestmark = pytest.mark.django_db
HEADER = [
    "kpi_code",
    "period_end",
    "area",
    "la_code",
    "value",
    "numerator",
    "denominator",
    "symbol",
    "source",
]


@pytest.fixture
def figures():
    assert kpi_import_from_path(path=DATA / "la_cla_placement_stability.csv", dry_run=False).state == "done"
    KPIValue.objects.create(
        kpi=KPI.objects.get(code="S01"),
        period_end=date(2025, 3, 31),
        value=Decimal(15),
        numerator=39,
        denominator=260,
    )


def export(*args) -> list[list[str]]:
    out = io.StringIO()
    call_command("export_kpi_figures", *args, stdout=out)
    return list(csv.reader(io.StringIO(out.getvalue())))


def test_the_command_prints_every_figure_of_the_measures_named(figures):
    rows = export("NF45", "S01")
    assert rows[0] == HEADER
    by_key = {(row[0], row[1], row[2], row[3]): row for row in rows[1:]}
    assert by_key[("NF45", "2025-03-31", "havering", "")] == [
        "NF45",
        "2025-03-31",
        "havering",
        "",
        "12",
        "31",
        "268",
        "",
        "dfe",
    ]
    assert by_key[("S01", "2025-03-31", "havering", "")][4:] == ["15", "39", "260", "", "local"]
    areas = {row[2] for row in rows[1:] if row[0] == "NF45" and row[1] == "2025-03-31"}
    assert areas == {
        "havering",
        "england",
        "london",
        "outer_london",
        "stat_neighbours_median",
        "stat_neighbours_mean",
        "council",
    }
    assert by_key[("NF45", "2025-03-31", "council", "303")][4] != ""
    assert any(row[7] == "c" and row[4] == "" for row in rows[1:])
    assert {row[0] for row in rows[1:]} == {"NF45", "S01"}


def test_the_source_option_keeps_one_source(figures):
    assert {row[8] for row in export("--source", "dfe")[1:]} == {"dfe"}
    assert {(row[0], row[8]) for row in export("--source", "local")[1:]} == {("S01", "local")}


def test_an_unknown_code_is_refused_naming_it(figures):
    with pytest.raises(CommandError, match="No measure has the code NOPE"):
        export("NF45", "NOPE")


def test_administrators_download_the_same_columns(client, users, figures):
    client.force_login(users["admin"])
    response = client.get(reverse("kpi_figures_export"), {"kpi": "NF45", "source": "dfe"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == HEADER
    assert ["NF45", "2025-03-31", "havering", "", "12", "31", "268", "", "dfe"] in rows
    client.force_login(users["panel"])
    assert client.get(reverse("kpi_figures_export")).status_code == 403
