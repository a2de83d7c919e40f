"""The PDF of a meeting pack, read back: summary first, contents, page numbers, figures, tags."""

import io
import re
import time
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from actions.models import KPI, Action
from panel import pdf, reports
from panel.models import Meeting, PanelAction, ProgressReport
from panel.snapshot import build_snapshot
from tests.factories import ActionFactory, FeedbackItemFactory, KPIValueFactory

pytestmark = pytest.mark.django_db


def at(day: date, hour: int = 12) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def build(report: ProgressReport) -> ProgressReport:
    assert reports.build_report(report_id=report.pk, snapshot_builder=build_snapshot)
    report.refresh_from_db()
    return report


def pack_for(day: date) -> ProgressReport:
    meeting = Meeting.objects.create(starts_at=at(day, 18))
    start, end = reports.meeting_pack_period(meeting)
    return ProgressReport.objects.create(
        kind="meeting_pack", meeting=meeting, period_start=start, period_end=end
    )


@pytest.fixture
def two_packs(users):
    """A pack in March, then one in June by which a green action had gone off track."""
    slipping = ActionFactory(title="Dental check drive", status="on_track", start_date=date(2026, 1, 1))
    slipping.history.update(history_date=at(date(2026, 1, 1)))
    steady = ActionFactory(title="Care leaver bus passes", status="on_track", start_date=date(2026, 1, 1))
    steady.history.update(history_date=at(date(2026, 1, 1)))
    kpi = KPI.objects.get(code="W01")
    kpi.target, kpi.amber_tolerance = Decimal("90"), Decimal("5")
    kpi.save()
    KPIValueFactory(kpi=kpi, period_end=date(2026, 2, 28), value=Decimal("92"), numerator=46, denominator=50)
    KPIValueFactory(kpi=kpi, period_end=date(2026, 4, 30), value=Decimal("72"), numerator=36, denominator=50)

    march = build(pack_for(date(2026, 3, 12)))
    slipping.status = Action.Status.OFF_TRACK
    slipping._history_date = at(date(2026, 4, 20))
    slipping.save()
    PanelAction.objects.create(
        meeting=march.meeting, kind="question", text="Why have dental checks fallen?", owner=users["lead"]
    )
    june = build(pack_for(date(2026, 6, 11)))
    return march, june


def text_of(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def test_the_meeting_pack_pdf_opens_with_the_summary_then_contents_with_page_numbers(two_packs):
    _, june = two_packs
    pages = text_of(bytes(june.pdf))
    summary = pages[0]
    assert "Summary" in summary
    assert (
        "Changes are since the previous meeting pack: "
        "Meeting pack for Corporate Parenting Panel, 12 March 2026" in " ".join(summary.split())
    )
    assert "Actions that turned red" in summary and "Dental check drive" in summary
    assert "Measures that moved into red" in summary and "W01" in summary
    assert "Why have dental checks fallen?" in summary
    assert "The panel is asked to note" in summary

    contents = next(i for i, text in enumerate(pages) if "Contents" in text and "Summary" in text and i > 0)
    assert contents == 1, "the contents follow the one-page summary"
    assert "page 1" in pages[contents]  # each entry ends with the page it starts on
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in text
        assert "Meeting pack for Corporate Parenting Panel, 11 June 2026" in text  # running header


def test_the_pdf_holds_the_snapshots_figures_and_uk_dates(two_packs):
    _, june = two_packs
    text = " ".join(" ".join(text_of(bytes(june.pdf))).split())
    w01 = next(k for t in june.data["themes"] for k in t["kpis"] if k["code"] == "W01")
    assert w01["display"] == "72% (36 of 50)"
    assert w01["display"] in text
    assert "Period ending 30 April 2026" in text
    assert "2026-04-30" not in text


def test_the_pdf_is_tagged_with_its_language_and_title(two_packs):
    _, june = two_packs
    reader = PdfReader(io.BytesIO(bytes(june.pdf)))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en-GB"
    assert root["/MarkInfo"]["/Marked"]
    assert reader.metadata.title == str(june)
    roles = set()

    def walk(node, depth=0):
        node = node.get_object()
        if depth > 40 or not hasattr(node, "get"):
            return
        if "/S" in node:
            roles.add(str(node["/S"]))
        kids = node.get("/K")
        kids = kids if isinstance(kids, list) else [kids] if kids is not None else []
        for kid in kids:
            if hasattr(kid, "get_object") or hasattr(kid, "get"):
                walk(kid, depth + 1)

    walk(root["/StructTreeRoot"])
    assert {"/H1", "/H2", "/Table", "/TH", "/TD", "/L"} <= roles


def test_the_pdf_is_downloaded_through_the_reports_access_check(client, users, two_packs):
    _, june = two_packs
    url = reverse("panel:report_pdf", args=[june.pk])
    assert client.get(url).status_code == 302  # signed out: to the sign-in page
    client.force_login(users["panel"])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")


def test_a_pdf_that_fails_to_build_fails_the_report_with_the_reason_and_is_retried(
    client, users, monkeypatch
):
    report = pack_for(date(2026, 3, 12))

    def broken(**kwargs):
        raise OSError("cannot load library 'libpango-1.0-0'")

    monkeypatch.setattr(reports, "report_pdf", broken)
    with pytest.raises(OSError):
        reports.build_report(report_id=report.pk, snapshot_builder=build_snapshot)
    report.refresh_from_db()
    assert report.state == "failed" and bytes(report.pdf) == b"" and report.html == ""
    assert report.pk in reports.reports_needing_a_build()
    client.force_login(users["admin"])
    assert "cannot load library" in client.get(reverse("panel:report_list")).content.decode()

    monkeypatch.undo()
    report = build(report)
    assert (report.state, report.attempts) == ("ready", 2)
    assert bytes(report.pdf).startswith(b"%PDF-")


def test_latest_report_is_the_one_for_the_latest_period_whatever_order_they_were_built(client, users):
    def issued(kind, end, hours_ago, meeting=None):
        return ProgressReport.objects.create(
            kind=kind,
            meeting=meeting,
            period_start=end.replace(day=1),
            period_end=end,
            state="ready",
            issued_at=timezone.now() - timedelta(hours=hours_ago),
        )

    # Built newest first (a back-fill), so the oldest period has the latest issue time.
    november_meeting = Meeting.objects.create(starts_at=at(date(2026, 11, 12), 18))
    pack = issued("meeting_pack", date(2026, 11, 5), 3, november_meeting)
    issued("monthly", date(2026, 10, 31), 2)
    issued("monthly", date(2026, 5, 31), 1)
    assert reports.latest_report() == pack
    client.force_login(users["panel"])
    issued("monthly", date(2026, 11, 30), 0)  # a later monthly report: the dashboard still opens the pack
    page = client.get(reverse("panel:dashboard")).content.decode()
    assert f'Latest meeting pack: <a class="govuk-link" href="{pack.get_absolute_url()}"' in page
    pack.delete()
    assert reports.latest_report(kind="meeting_pack") is None
    assert "Latest meeting pack: none issued yet" in client.get(reverse("panel:dashboard")).content.decode()
    assert reports.latest_report().period_end == date(2026, 11, 30)


def test_the_rating_column_is_wide_enough_for_its_heading(two_packs):
    _, june = two_packs
    lines = [line.strip() for page in text_of(bytes(june.pdf)) for line in page.splitlines()]
    assert "Rating" not in lines and "direction" not in lines, "the heading wraps one word a line"
    assert "direction of travel" in lines


def test_the_meeting_pack_has_a_national_framework_section(users):
    from actions.kpis.neighbours import DATA
    from actions.kpis.services import kpi_import_from_path

    assert kpi_import_from_path(path=DATA / "la_cla_placement_stability.csv", dry_run=False).state == "done"
    pack = build(pack_for(date(2026, 3, 12)))
    rows = {row["code"]: row for row in pack.data["framework"]}
    assert rows["NF45"]["havering"] == "12% (31 of 268)" and rows["NF45"]["period_end"] == "2025-03-31"
    assert ["Statistical neighbours' median", "11.5%"] in rows["NF45"]["comparators"]
    assert rows["NF46"]["period_end"] is None
    text = " ".join(" ".join(text_of(bytes(pack.pdf))).split())
    assert "National Framework indicators" in text and "12% (31 of 268)" in text
    assert "Not loaded yet (DfE's file la_cla_on_31_march_by_characteristics.csv)" in text


def test_a_very_long_word_does_not_stall_the_pack(users):
    """WeasyPrint's time grows with the square of an unbroken word, and a table row is never
    split across pages (this pack took 440 s before); the pack prints the start of a long
    text, with break opportunities in long runs of characters."""
    FeedbackItemFactory(raised_on=date(2026, 3, 1), said="a" * 25_000, response="b" * 25_000)
    started = time.monotonic()
    report = build(pack_for(date(2026, 3, 12)))
    assert time.monotonic() - started < 20
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(report.pdf)).pages)
    # The start of the text, as far as the cell's limit (which may run over a page break).
    printed = "".join(text.split()).replace(pdf.ZERO_WIDTH_SPACE, "")
    assert sum(len(run) for run in re.findall("a{10,}", printed)) == pdf.CHARACTERS_PER_CELL - 1


def test_a_pdf_that_takes_too_long_fails_with_a_message(settings, users):
    settings.REPORT_PDF_SECONDS = 0.05  # no pack prints that fast
    report = pack_for(date(2026, 3, 12))
    with pytest.raises(pdf.PdfTookTooLong):
        reports.build_report(report_id=report.pk, snapshot_builder=build_snapshot)
    report.refresh_from_db()
    assert report.state == ProgressReport.State.FAILED
    assert "took longer than 0.05 seconds to print" in report.error


def test_a_report_build_task_is_stopped_before_its_lease_runs_out(settings):
    from panel.tasks import build_report

    assert build_report.soft_time_limit == settings.REPORT_BUILD_SECONDS
    assert build_report.time_limit < settings.REPORT_BUILD_LEASE_SECONDS


def test_a_report_reads_the_portals_static_files_and_refuses_every_other_url(tmp_path, caplog):
    """WeasyPrint 70 wants a fetcher object: a plain function crashed every build that referred
    to any resource. Only the portal's own static files are read (from disk)."""
    secret = tmp_path / "secret.svg"
    secret.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>')
    fetcher = pdf.StaticFilesOnly()
    html = (
        '<html lang="en"><body><h1>Logo</h1><img src="/static/favicon.svg" alt="">'
        f'<img src="file://{secret}" alt=""><img src="http://127.0.0.1:9/x.png" alt="">'
        '<img src="/static/../havering_cp/settings.py" alt=""></body></html>'
    )
    assert pdf.document(html).write_pdf().startswith(b"%PDF")
    assert fetcher.fetch(pdf.BASE_URL + "static/favicon.svg").content_type == "image/svg+xml"
    for url in (
        f"file://{secret}",
        "http://127.0.0.1:9/x.png",
        pdf.BASE_URL + "static/../havering_cp/settings.py",
        pdf.BASE_URL + "media/papers/x.pdf",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
