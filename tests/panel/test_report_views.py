import io
from datetime import date, timedelta

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from panel.models import Meeting, ProgressReport

pytestmark = pytest.mark.django_db


def ready_report(**kwargs):
    data = {
        "period_start": "2025-04-01",
        "period_end": "2025-04-30",
        "themes": [
            {
                "code": "W",
                "name": "Well",
                "actions": [
                    {
                        "commitment": "W1",
                        "title": '=HYPERLINK("http://x")',
                        "lead": "Demo Lead",
                        "due_date": "2025-09-30",
                        "status_label": "On track",
                        "overdue": False,
                    }
                ],
                "kpis": [],
            }
        ],
    }
    defaults = {
        "kind": "monthly",
        "period_start": date(2025, 4, 1),
        "period_end": date(2025, 4, 30),
        "state": "ready",
        "data": data,
        "html": "<h1 class='govuk-heading-xl'>Frozen report</h1>",
        "issued_at": timezone.now(),
    }
    return ProgressReport.objects.create(**(defaults | kwargs))


def test_a_ready_report_shows_its_frozen_html(client, users):
    report = ready_report()
    client.force_login(users["panel"])
    assert "Frozen report" in client.get(report.get_absolute_url()).content.decode()


def test_the_report_downloads_as_a_spreadsheet_with_formulas_neutralised(client, users):
    report = ready_report()
    client.force_login(users["panel"])
    response = client.get(reverse("panel:report_xlsx", args=[report.pk]))
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames[:3] == ["Summary", "Actions", "KPIs"]
    assert workbook["Actions"]["C2"].value == '\'=HYPERLINK("http://x")'


def test_a_report_not_yet_issued_cannot_be_downloaded_but_shows_progress(client, users):
    report = ready_report(
        state="building", progress=40, progress_note="Reading the figures", html="", data={}
    )
    client.force_login(users["panel"])
    assert client.get(reverse("panel:report_xlsx", args=[report.pk])).status_code == 404
    page = client.get(report.get_absolute_url()).content.decode()
    assert "40% – Reading the figures" in page
    assert client.get(reverse("panel:report_progress", args=[report.pk])).json() == {
        "state": "building",
        "state_label": "Being built",
        "progress": 40,
        "note": "Reading the figures",
        "ready": False,
    }


def test_a_failed_report_says_why_on_the_reports_page(client, users):
    ready_report(state="failed", error="OperationalError: the database went away", html="", data={})
    client.force_login(users["panel"])
    page = client.get(reverse("panel:report_list")).content.decode()
    assert "Failed" in page and "the database went away" in page


def test_generating_a_report_for_a_month_not_yet_ended_is_refused(client, users):
    client.force_login(users["admin"])
    this_month = timezone.localdate().strftime("%Y-%m")
    response = client.post(reverse("panel:report_generate"), {"kind": "monthly", "month": this_month})
    assert response.status_code == 400
    assert "only be built once the month has ended" in response.content.decode()
    assert not ProgressReport.objects.exists()


def test_generating_a_meeting_pack_needs_a_meeting(client, users):
    client.force_login(users["admin"])
    response = client.post(reverse("panel:report_generate"), {"kind": "meeting_pack"})
    assert "Choose the meeting the pack is for" in response.content.decode()


def test_generating_an_issued_report_again_opens_it_unchanged(client, users):
    report = ready_report()
    client.force_login(users["admin"])
    response = client.post(reverse("panel:report_generate"), {"kind": "monthly", "month": "2025-04"})
    assert response.url == report.get_absolute_url()
    assert ProgressReport.objects.count() == 1


def test_generating_a_new_report_creates_it_pending(client, users, django_capture_on_commit_callbacks):
    client.force_login(users["admin"])
    last_month = timezone.localdate().replace(day=1) - timedelta(days=1)
    with django_capture_on_commit_callbacks() as callbacks:
        client.post(
            reverse("panel:report_generate"), {"kind": "monthly", "month": last_month.strftime("%Y-%m")}
        )
    report = ProgressReport.objects.get()
    assert (report.state, report.period_end, report.requested_by) == ("pending", last_month, users["admin"])
    queued = [callback for callback in callbacks if getattr(callback, "__module__", "") != "core.cache"]
    assert len(queued) == 1  # the build is queued only once the row is committed (beside any version bump)


def test_a_report_stored_before_snapshots_had_a_version_still_downloads(client, users):
    """Commentary was once frozen as a plain string, and there was no schema version."""
    report = ready_report()
    report.data["themes"][0]["kpis"] = [
        {
            "code": "W01",
            "name": "Health checks",
            "period_end": "2025-04-30",
            "value": 72.0,
            "rag_label": "Red",
            "comparators": {"england": 88.0},
            "commentary": "Two nurses left.",
        }
    ]
    report.save()
    client.force_login(users["panel"])
    workbook = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("panel:report_xlsx", args=[report.pk])).content)
    )
    kpis = [[cell.value for cell in row] for row in workbook["KPIs"].iter_rows(min_row=2)]
    assert [[*row[:3], row[4], row[7], row[12]] for row in kpis] == [
        ["Well", "W01", "Health checks", 72, "Red", 88]
    ]


def test_the_spreadsheet_has_date_cells_a_frozen_header_and_columns_sized_to_content(client, users):
    report = ready_report()
    client.force_login(users["panel"])
    workbook = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("panel:report_xlsx", args=[report.pk])).content)
    )
    for sheet in workbook.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title
        assert all(cell.value not in (None, "") for cell in sheet[1]), f"{sheet.title}: blank header cell"
    summary = workbook["Summary"]
    assert [c.value for c in summary[1]] == ["Report", "From", "To", "Issued"]
    assert summary["B2"].is_date and summary["B2"].number_format == "d mmmm yyyy"
    actions = workbook["Actions"]
    due = actions.cell(row=2, column=6)
    assert due.is_date and due.value.date() == date(2025, 9, 30)
    # Columns are as wide as their longest entry, not Excel's default 8.43.
    title_width = actions.column_dimensions["C"].width
    assert title_width >= len('\'=HYPERLINK("http://x")')
    assert actions.column_dimensions["I"].width < title_width


def test_the_reports_list_shows_meeting_packs_apart_from_monthly_reports(client, users):
    meeting = Meeting.objects.create(starts_at=timezone.now() + timedelta(days=3))
    pack = ProgressReport.objects.create(
        kind="meeting_pack", meeting=meeting, period_start=date(2026, 1, 1), period_end=date(2026, 2, 28)
    )
    monthly = ProgressReport.objects.create(
        kind="monthly", period_start=date(2026, 1, 1), period_end=date(2026, 1, 31)
    )
    client.force_login(users["panel"])
    url = reverse("panel:report_list")
    every = client.get(url).content.decode()
    assert pack.get_absolute_url() in every and monthly.get_absolute_url() in every
    packs = client.get(url, {"kind": "meeting_pack"}).content.decode()
    assert pack.get_absolute_url() in packs and monthly.get_absolute_url() not in packs
    monthlies = client.get(url, {"kind": "monthly"}).content.decode()
    assert monthly.get_absolute_url() in monthlies and pack.get_absolute_url() not in monthlies
    assert f'href="{url}?kind=meeting_pack">Meeting packs</a>' in monthlies
    nonsense = client.get(url, {"kind": "nonsense"}).content.decode()
    assert pack.get_absolute_url() in nonsense and monthly.get_absolute_url() in nonsense
