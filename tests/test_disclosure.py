"""Disclosure control (core.disclosure): the rule as a table, and a walk through every page,
chart, export, report and e-mail a panel member can reach with small figures in the data."""

import csv
import io
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from openpyxl import load_workbook

from actions.kpis.charts import kpi_chart
from actions.kpis.selectors import kpi_history
from actions.models import KPI
from core import disclosure
from panel import reminders, reports
from panel.models import ProgressReport
from panel.snapshot import build_snapshot
from tests.factories import KPIValueFactory, MatchFactory, ParticipationSessionFactory, ReferralFactory

SUPPRESSED = "5 or fewer"


@pytest.mark.parametrize(
    ("number", "shown"),
    [(None, None), (0, 0), (1, SUPPRESSED), (3, SUPPRESSED), (5, SUPPRESSED), (6, 6), (250, 250)],
)
def test_counts_from_1_to_5_are_suppressed(settings, number, shown):
    settings.DISCLOSURE_THRESHOLD = 5
    assert disclosure.count(number) == shown
    assert disclosure.count(number, small_numbers=True) == number


@pytest.mark.parametrize(
    ("value", "numerator", "denominator", "shown"),
    [
        (75, 3, 4, ("not shown", SUPPRESSED, SUPPRESSED)),
        (6, 3, 50, ("not shown", SUPPRESSED, 50)),
        (97, 97, 100, (97, 97, 100)),
        (0, 0, 40, (0, 0, 40)),
        (12, None, None, (12, None, None)),
    ],
)
def test_a_percentage_is_suppressed_with_its_count(settings, value, numerator, denominator, shown):
    settings.DISCLOSURE_THRESHOLD = 5

    def ratio(**small_numbers):
        return (
            disclosure.worked_out(value, numerator, denominator, **small_numbers),
            disclosure.count(numerator, **small_numbers),
            disclosure.count(denominator, **small_numbers),
        )

    assert ratio() == shown
    assert ratio(small_numbers=True) == (value, numerator, denominator)


def test_the_threshold_is_one_setting(settings):
    settings.DISCLOSURE_THRESHOLD = 10
    assert disclosure.count(8) == "10 or fewer"
    assert disclosure.worked_out(40, 12) == 40
    assert disclosure.worked_out(40, 9) == "not shown"


# --- The walk ---------------------------------------------------------------------------------

TODAY = date.today()
MONTHS = [date(2026, 8, 31), date(2026, 9, 30), date(2026, 10, 31)]
# The report is of October 2026 and counts waits and matches up to its last day; the pages
# count them up to today. Dates are set from the report's end, so its figures are the same
# whatever day the test runs.
REPORT_END = MONTHS[-1]
# Every way the small figures below could reach a page, a workbook or an e-mail.
FORBIDDEN_TEXT = [
    "75%",  # W02 in October: 3 of 4
    "60%",  # W02 in September: 3 of 5
    "(3 of 4)",
    "(3 of 5)",
    "417 days",  # the longest wait at the report's end, with 2 children waiting
    f"{417 + (TODAY - REPORT_END).days} days",  # and today
    "143 days",  # the median days to match, from 2 matches
    "2.5%",  # H03: 2 of 80 children in care have a visitor
    "17 points",  # how far W02's 75% is below its target of 92%, which gives the 75% away
]
# A chart's description or a sparkline's: "... to 3 in October 2026".
FORBIDDEN_PATTERN = re.compile(r"\b[1-5](\.0)?( days)? in (August|September|October) 2026")


@pytest.fixture
def small_figures(db, settings):
    settings.DISCLOSURE_THRESHOLD = 5
    w02 = KPI.objects.get(code="W02")
    # With a target, each page says why the figure has its rating ("Red: 75% is 17 points
    # below the target of 92%, ..."): that sentence must not give the figure away either.
    w02.target, w02.amber_tolerance = Decimal(92), Decimal(5)
    w02.save()
    for period, (value, numerator, denominator) in zip(
        MONTHS, [(80, 40, 50), (60, 3, 5), (75, 3, 4)], strict=True
    ):
        KPIValueFactory(
            kpi=w02, period_end=period, value=Decimal(value), numerator=numerator, denominator=denominator
        )
    count_kpi = KPI.objects.create(
        code="Z99", name="Synthetic count of children", unit=KPI.Unit.COUNT, polarity=KPI.Polarity.LOWER
    )
    for period, value in zip(MONTHS, [40, 4, 3], strict=True):
        KPIValueFactory(
            kpi=count_kpi, period_end=period, value=Decimal(value), numerator=None, denominator=None
        )
    KPIValueFactory(
        kpi=KPI.objects.get(code="CLA"),
        period_end=MONTHS[0],
        value=Decimal(80),
        numerator=None,
        denominator=None,
    )
    # Two children waiting (the longest 417 days); two matches, each 143 days after referral.
    ReferralFactory(received_on=REPORT_END - timedelta(days=417), state="awaiting_match")
    ReferralFactory(received_on=REPORT_END - timedelta(days=10), state="awaiting_match")
    for _ in range(2):
        MatchFactory(
            referral__received_on=REPORT_END - timedelta(days=173),
            matched_on=REPORT_END - timedelta(days=30),
        )
    ParticipationSessionFactory(in_care=3, care_leavers=2, others=0)
    report = ProgressReport.objects.create(
        kind="monthly", period_start=date(2026, 10, 1), period_end=MONTHS[-1]
    )
    assert reports.build_report(report_id=report.pk, snapshot_builder=build_snapshot)
    report.refresh_from_db()
    return report


def assert_nothing_small(text: str, where: str) -> None:
    for forbidden in FORBIDDEN_TEXT:
        assert forbidden not in text, f"{forbidden!r} reached a panel member in {where}"
    match = FORBIDDEN_PATTERN.search(text)
    assert match is None, f"{match.group(0)!r} reached a panel member in {where}"


def workbook_cells(content: bytes) -> list[list]:
    book = load_workbook(io.BytesIO(content), read_only=True)
    return [list(row) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)]


def test_no_small_figure_reaches_a_panel_member_anywhere(client, users, small_figures):
    report = small_figures
    client.force_login(users["panel"])
    pages = [
        reverse("panel:dashboard"),
        reverse("kpi_list"),
        *[reverse("kpi_detail", args=[code]) for code in KPI.objects.values_list("code", flat=True)],
        reverse("participation:figures"),
        reverse("participation:groups"),
        reverse("panel:report_detail", args=[report.pk]),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_nothing_small(response.content.decode(), url)

    # The KPI export, CSV and xlsx: small counts, and the percentages worked out from them.
    for code in ("W02", "Z99"):
        text = client.get(reverse("kpi_export"), {"kpi": code}).content.decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))[1:]
        havering = {row[1]: row[2:5] for row in rows if row[5] == "Havering"}
        assert len(havering) == 3
        for period in ("2026-09-30", "2026-10-31"):
            shown = havering[period]
            assert shown[0] in {"not shown", SUPPRESSED}, (code, period, shown)
            assert all(cell in {"", SUPPRESSED} for cell in shown[1:]), (code, period, shown)
        book = client.get(reverse("kpi_export"), {"kpi": code, "format": "xlsx"}).content
        for row in workbook_cells(book)[1:]:
            if str(row[1]).startswith(("2026-09-30", "2026-10-31")):
                assert row[2] in {"not shown", SUPPRESSED} and row[3] in {None, "", SUPPRESSED}, row

    # The report's workbook: the KPIs sheet and the IV and participation sheets.
    cells = workbook_cells(client.get(reverse("panel:report_xlsx", args=[report.pk])).content)
    for row in cells:
        if row and row[1] in ("W02", "Z99"):
            assert row[4] in {"not shown", SUPPRESSED} and row[5] in {None, SUPPRESSED}, row
        if row and row[0] in ("Longest wait (days)", "Median days from referral to match (past year)"):
            assert row[1] == "not shown", row
        assert 417 not in row and 143 not in row, row
    assert_nothing_small(" ".join(str(cell) for row in cells for cell in row), "the report's xlsx")
    assert report.data  # the PDF renders from this snapshot
    assert_nothing_small(str(report.data), "the report snapshot")

    # The e-mail telling panel members the report is ready.
    reminders.announce_report(report_id=report.pk, today=REPORT_END + timedelta(days=1))
    assert mail.outbox
    for message in mail.outbox:
        assert_nothing_small(message.body, "the report e-mail")


def test_staff_who_may_see_exact_figures_still_see_them(client, users, small_figures):
    client.force_login(users["admin"])
    page = client.get(reverse("kpi_detail", args=["W02"])).content.decode()
    assert "75% (3 of 4)" in page
    assert "to 75% in October 2026" in page
    text = client.get(reverse("kpi_export"), {"kpi": "Z99"}).content.decode("utf-8-sig")
    assert "Z99,2026-10-31,3" in text


def test_the_chart_leaves_out_the_points_it_may_not_show(small_figures):
    kpi = KPI.objects.get(code="Z99")
    history = kpi_history(kpi=kpi)
    for_panel = kpi_chart(kpi, history)
    havering = next(series for series in for_panel.series if series.key == "havering")
    assert len(havering.points) == 1
    assert "3 in October" not in for_panel.summary
    for_staff = kpi_chart(kpi, history, small_numbers=True)
    assert len(next(s for s in for_staff.series if s.key == "havering").points) == 3
