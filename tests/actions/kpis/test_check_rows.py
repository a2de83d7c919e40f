"""Checking rows: every problem is found, with its row, column and reason."""

from datetime import date

import pytest

from actions.kpis.files import Table
from actions.kpis.importing import MAX_ERRORS, check_table, parse_count, parse_number, parse_period
from tests.actions.kpis.spreadsheets import LONG_HEADER

pytestmark = pytest.mark.django_db

ONCE = "each KPI, period and area may appear once in a file."


def check(rows, *, first_column: int = 0):
    table = Table(
        kind="test", rows=iter(enumerate(rows, start=1)), total_rows=len(rows) - 1, first_column=first_column
    )
    checked = check_table(table)
    staged = checked.staged.read() if checked.staged else ""
    checked.close()
    return checked, staged


def problems(rows, **kwargs) -> list[tuple[int, str, str]]:
    checked, _ = check(rows, **kwargs)
    return [(error.row, error.column, error.message) for error in checked.errors]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2025-04-30", date(2025, 4, 30)),
        ("30/04/2025", date(2025, 4, 30)),
        ("Apr 2025", date(2025, 4, 30)),
        ("April 2025", date(2025, 4, 30)),
        ("Feb-24", date(2024, 2, 29)),
        ("2025-06", date(2025, 6, 30)),
        ("2025-04-30 00:00:00", date(2025, 4, 30)),
        (date(2025, 3, 31), date(2025, 3, 31)),
    ],
)
def test_periods_are_read_in_the_forms_councils_use(cell, expected):
    assert parse_period(cell) == expected


@pytest.mark.parametrize("cell", ["30/02/2025", "Q1 2025", "soon", 45000.0, "1900-01-01", ""])
def test_what_is_not_a_period(cell):
    with pytest.raises(ValueError):
        parse_period(cell)


@pytest.mark.parametrize(
    ("cell", "text"),
    [(72, "72"), (72.5, "72.5"), ("72.5%", "72.5"), ("1,234", "1234"), (" +3 ", "3"), (1e-05, "0.00001")],
)
def test_numbers(cell, text):
    assert parse_number(cell)[1] == text


@pytest.mark.parametrize("cell", ["NaN", "inf", "1e400", "seventy", "=1+1", True, "1_000", 1e12])
def test_what_is_not_a_number(cell):
    with pytest.raises(ValueError):
        parse_number(cell)


@pytest.mark.parametrize(("cell", "count"), [(36, 36), (36.0, 36), ("1,200", 1200), ("36.0", 36)])
def test_counts(cell, count):
    assert parse_count(cell) == count


@pytest.mark.parametrize("cell", [36.5, -1, "-1", "x"])
def test_what_is_not_a_count(cell):
    with pytest.raises(ValueError):
        parse_count(cell)


def test_a_good_long_file_is_staged_in_copy_format():
    checked, staged = check(
        [
            LONG_HEADER,
            ["w01", "2025-04-30", "72", "36", "50", "", "A note\twith a tab"],
            ["W01", "2025-04-30", "70.5", "", "", "England", ""],
            ["", "", "", "", "", "", ""],
        ]
    )
    assert checked.ok
    assert (checked.layout, checked.rows_read, checked.figures) == ("long", 2, 2)
    lines = staged.splitlines()
    assert lines[0].split("\t")[1:] == [
        "2025-04-30",
        "havering",
        "",
        "72",
        "36",
        "50",
        "A note\\twith a tab",
        "",
        "2",
    ]
    assert lines[1].split("\t")[1:] == ["2025-04-30", "england", "", "70.5", "\\N", "\\N", "", "", "3"]


def test_every_bad_row_is_reported_with_its_row_column_and_reason():
    found = problems(
        [
            LONG_HEADER,
            ["W99", "2025-04-30", "72", "", "", "", ""],
            ["W01", "31/02/2025", "72", "", "", "", ""],
            ["W01", "2025-05-31", "lots", "", "", "", ""],
            ["W01", "2025-06-30", "120", "", "", "", ""],
            ["W01", "2025-07-31", "72", "51", "50", "", ""],
            ["W01", "2025-08-31", "72", "36", "50", "Wales", ""],
            ["W01", "2025-09-30", "", "", "", "", ""],
            ["W04", "2025-09-30", "-3", "", "", "", ""],
            ["W01", "2025-10-31", "72", "36.5", "50", "", ""],
            ["", "2025-10-31", "72", "", "", "", ""],
        ]
    )
    assert found == [
        (2, "A (kpi_code)", "Unknown KPI code “W99”."),
        (3, "B (period_end)", "“31/02/2025” is not a date: use 2025-04-30, 30/04/2025 or Apr 2025."),
        (4, "C (value)", "“lots” is not a number."),
        (5, "C (value)", "120 is a percentage outside 0–100."),
        (6, "D (numerator)", "The numerator (51) is larger than the denominator (50)."),
        (
            7,
            "F (area)",
            "Unknown area “Wales”: use Havering (or leave it blank), England, London "
            "or Statistical neighbours.",
        ),
        (8, "C (value)", "The value is empty."),
        (9, "C (value)", "A days cannot be negative (-3)."),
        (10, "D (numerator)", "“36.5” is not a whole number of 0 or more."),
        (11, "A (kpi_code)", "The KPI code is empty."),
    ]


def test_a_file_with_errors_stages_nothing():
    checked, staged = check([LONG_HEADER, ["W01", "2025-04-30", "72"], ["W99", "2025-04-30", "72"]])
    assert not checked.ok
    assert staged == ""


def test_the_same_kpi_period_and_area_twice_in_one_file_is_an_error():
    found = problems(
        [
            LONG_HEADER,
            ["W01", "2025-04-30", "72", "", "", "", ""],
            ["W01", "2025-04-30", "72", "", "", "England", ""],
            ["W01", "Apr 2025", "73", "", "", "havering", ""],
        ]
    )
    assert found == [
        (
            4,
            "A (kpi_code)",
            f"W01 for 30 Apr 2025 (Havering) is also on row 2: {ONCE}",
        )
    ]


def test_havering_figures_of_a_derived_kpi_are_refused_but_comparators_accepted():
    found = problems(
        [
            LONG_HEADER,
            ["H03", "2025-04-30", "8", "", "", "", ""],
            ["H03", "2025-04-30", "9", "", "", "England", ""],
        ]
    )
    assert len(found) == 1
    assert found[0][:2] == (2, "A (kpi_code)")
    assert "worked out from the portal's own records" in found[0][2]


def test_columns_are_lettered_where_the_table_sits_in_the_sheet():
    found = problems([LONG_HEADER, ["W01", "2025-04-30", "lots"]], first_column=1)
    assert found == [(2, "D (value)", "“lots” is not a number.")]


def test_a_header_without_the_required_columns_is_reported():
    assert problems([["kpi_code", "period_end", "amount"], ["W01", "2025-04-30", "72"]]) == [
        (1, "", "The header row has no value column (long layout).")
    ]
    assert problems([["code", "when", "how much"]])[0][2].startswith("The first row must be the header")


def test_a_header_only_file_is_refused():
    assert problems([LONG_HEADER]) == [
        (1, "", "The file has no figures: it has a header row and nothing under it.")
    ]
    assert problems([["kpi_code", "Apr 2025"], ["", ""]])[0][2].startswith("The file has no figures")


def test_errors_are_counted_beyond_the_ones_kept():
    checked, _ = check([LONG_HEADER, *([["W99", "2025-04-30", "72"]] * (MAX_ERRORS + 5))])
    assert checked.error_count == MAX_ERRORS + 5
    assert len(checked.errors) == MAX_ERRORS


def test_the_wide_layout_reads_one_figure_per_period_cell():
    checked, staged = check(
        [
            ["kpi_code", "name", "area", "2025-04-30", "May 2025", date(2025, 6, 30)],
            ["W01", "Health assessments", "", "72", "", 74.5],
            ["W01", "Health assessments", "England", 88, 89, 90],
        ]
    )
    assert checked.ok, checked.errors
    assert (checked.layout, checked.rows_read, checked.figures) == ("wide", 2, 5)
    periods = sorted(line.split("\t")[1] + " " + line.split("\t")[2] for line in staged.splitlines())
    assert periods[0] == "2025-04-30 england"
    assert "2025-05-31 havering" not in periods  # the empty cell is no figure


def test_wide_layout_errors_name_the_period_column():
    found = problems(
        [
            ["kpi_code", "Apr 2025", "May 2025"],
            ["W01", "72", "too many"],
            ["W01", "73", ""],
        ]
    )
    assert found == [
        (2, "C (May 2025)", "“too many” is not a number."),
        (
            3,
            "B (Apr 2025)",
            f"W01 for 30 Apr 2025 (Havering) is also on row 2: {ONCE}",
        ),
    ]


def test_wide_headers_that_are_not_periods_are_reported():
    assert problems([["kpi_code", "Apr 2025", "Total", "2025-04-30"], ["W01", "1", "2", "3"]]) == [
        (1, "C", "The heading “Total” is not a period: use 2025-04-30 or Apr 2025."),
        (1, "D", "The period 30 Apr 2025 is also the heading of column B."),
    ]


def test_a_staged_line_escapes_its_text_fields_for_copy():
    """One place escapes COPY's text format, whatever the figure came from (a note typed in
    a spreadsheet, a neighbour model's name an administrator chose)."""
    from actions.kpis.importing.results import staging_line

    line = staging_line(
        kpi_id=1,
        period="2026-03-31",
        area="havering",
        value="5",
        numerator=None,
        denominator=None,
        row=2,
        note="Mean of\tmodel \\ 2025\nnew line",
    )
    assert line.count("\t") == 9 and line.endswith("\n") and line.count("\n") == 1
    assert "Mean of\\tmodel \\\\ 2025\\nnew line" in line
