import re
from datetime import timedelta

import pytest
from django.utils import timezone
from pypdf import PdfReader

from panel import reports
from panel.models import Meeting, ProgressReport
from panel.snapshot import build_snapshot
from tests.browser.conftest import assert_accessible, follow, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def test_an_administrator_generates_a_report_and_watches_it_being_built(page, users, celery_worker):
    last_month = timezone.localdate().replace(day=1) - timedelta(days=1)
    sign_in(page, users["admin"].username)
    page.goto("/panel/reports/")
    assert_accessible(page)

    page.get_by_label("Monthly progress report").check()
    page.get_by_label("Month (for a monthly report)").fill(last_month.strftime("%Y-%m"))
    follow(page.get_by_role("button", name="Generate report"))

    # The page polls the build's progress and reloads itself when the report is issued.
    page.get_by_role("button", name="Print this report").wait_for(timeout=30_000)
    assert page.get_by_role("heading", level=1).inner_text() == f"Monthly progress report, {last_month:%B %Y}"
    assert ProgressReport.objects.get().state == "ready"
    assert_accessible(page)


def test_a_panel_member_opens_the_latest_report_and_downloads_it(page, users):
    last_month_end = timezone.localdate().replace(day=1) - timedelta(days=1)
    ProgressReport.objects.create(
        kind="monthly",
        period_start=last_month_end.replace(day=1),
        period_end=last_month_end,
        state="ready",
        data={"themes": [], "period_start": "", "period_end": ""},
        html='<h1 class="govuk-heading-xl">Monthly progress report</h1>',
        issued_at=timezone.now(),
    )
    sign_in(page, users["panel"].username)
    page.goto("/panel/reports/")
    assert_accessible(page)
    # Not the "Monthly progress reports" filter above the list: the report itself.
    follow(page.get_by_role("link", name=f"Monthly progress report, {last_month_end:%B %Y}"))
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as a spreadsheet (xlsx)").click()
    assert download.value.suggested_filename.endswith(".xlsx")


def test_a_panel_member_takes_the_meeting_pack_as_a_pdf(page, users):
    meeting = Meeting.objects.create(starts_at=timezone.now() + timedelta(days=5))
    start, end = reports.meeting_pack_period(meeting)
    pack = ProgressReport.objects.create(
        kind="meeting_pack", meeting=meeting, period_start=start, period_end=end
    )
    assert reports.build_report(report_id=pack.pk, snapshot_builder=build_snapshot)

    sign_in(page, users["panel"].username)
    page.goto(meeting.get_absolute_url())
    follow(page.get_by_role("link", name=str(pack)))
    page.get_by_role("heading", name="Summary").wait_for()
    assert_accessible(page)  # the summary, its charts and tables on the report's page
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Download the PDF")).click()
    assert download.value.suggested_filename.endswith(".pdf")
    reader = PdfReader(download.value.path())
    first = reader.pages[0].extract_text()
    assert "Summary" in first and str(pack).split(",")[0] in first
    assert "Contents" in reader.pages[1].extract_text()
