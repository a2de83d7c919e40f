import io
import zipfile
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from panel.models import AgendaItem, Meeting, PanelAction

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting():
    return Meeting.objects.create(title="Panel", starts_at=timezone.now() + timedelta(days=10))


def test_an_administrator_adds_a_meeting(client, users):
    client.force_login(users["admin"])
    response = client.post(
        reverse("panel:meeting_create"),
        {"title": "Corporate Parenting Panel", "starts_at": "2026-12-10T18:00", "location": "Town Hall"},
    )
    meeting = Meeting.objects.get()
    assert response.url == meeting.get_absolute_url()
    assert timezone.localtime(meeting.starts_at).hour == 18


def test_a_meeting_without_a_date_is_refused_with_a_message(client, users):
    client.force_login(users["admin"])
    response = client.post(reverse("panel:meeting_create"), {"title": "Panel", "starts_at": "not a date"})
    assert response.status_code == 200
    assert "Enter a valid date/time" in response.content.decode()
    assert not Meeting.objects.exists()


def test_a_panel_member_cannot_add_a_meeting(client, users):
    client.force_login(users["panel"])
    response = client.post(
        reverse("panel:meeting_create"), {"title": "Panel", "starts_at": "2026-12-10T18:00"}
    )
    assert response.status_code == 403
    assert not Meeting.objects.exists()


def test_a_paper_is_uploaded_and_downloaded_through_the_portal(client, users, meeting):
    client.force_login(users["admin"])
    paper = SimpleUploadedFile("performance.pdf", b"%PDF-1.4 synthetic", content_type="application/pdf")
    client.post(
        reverse("panel:agenda_item_add", args=[meeting.pk]),
        {"position": 1, "title": "Performance", "paper": paper},
    )
    item = AgendaItem.objects.get()
    client.force_login(users["panel"])
    response = client.get(reverse("panel:paper_download", args=[item.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 synthetic"


def test_a_paper_of_the_wrong_type_or_too_big_is_refused(client, users, meeting, settings):
    client.force_login(users["admin"])
    url = reverse("panel:agenda_item_add", args=[meeting.pk])
    script = SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream")
    response = client.post(url, {"position": 1, "title": "Bad", "paper": script})
    assert response.status_code == 400
    assert "File extension “exe” is not allowed" in response.content.decode()
    settings.MEETING_PAPER_MAX_BYTES = 10
    big = SimpleUploadedFile("big.pdf", b"x" * 11, content_type="application/pdf")
    response = client.post(url, {"position": 1, "title": "Big", "paper": big})
    assert "The paper must be smaller than" in response.content.decode()
    assert not AgendaItem.objects.exists()


def test_open_questions_are_carried_to_the_next_meeting_until_done(client, users):
    earlier = Meeting.objects.create(starts_at=timezone.now() - timedelta(days=60))
    later = Meeting.objects.create(starts_at=timezone.now() + timedelta(days=5))
    PanelAction.objects.create(meeting=earlier, text="Open question about dental checks", owner=users["lead"])
    PanelAction.objects.create(
        meeting=earlier,
        text="Answered question about PEPs",
        owner=users["lead"],
        status="done",
        response="Answered.",
        closed_on=timezone.localdate() - timedelta(days=30),
    )
    client.force_login(users["panel"])
    page = client.get(later.get_absolute_url()).content.decode()
    assert "Open question about dental checks" in page
    assert "Answered question about PEPs" not in page


def test_the_owner_updates_their_question_and_must_say_what_was_done(client, users, meeting):
    item = PanelAction.objects.create(meeting=meeting, text="Why?", owner=users["lead"])
    client.force_login(users["lead"])
    url = reverse("panel:panel_action_edit", args=[item.pk])
    response = client.post(url, {"status": "done", "response": ""})
    assert "Say what was done or answered" in response.content.decode()
    assert PanelAction.objects.get(pk=item.pk).status == "open"
    client.post(url, {"status": "done", "response": "Because of the new health team."})
    item.refresh_from_db()
    assert (item.status, item.closed_on) == ("done", date.today())


def test_another_lead_cannot_update_someone_elses_question(client, users, meeting):
    item = PanelAction.objects.create(meeting=meeting, text="Why?", owner=users["lead"])
    client.force_login(users["other_lead"])
    response = client.post(
        reverse("panel:panel_action_edit", args=[item.pk]), {"status": "done", "response": "Forged"}
    )
    assert response.status_code == 403
    assert PanelAction.objects.get(pk=item.pk).status == "open"


def test_an_unknown_meeting_is_404(client, users):
    client.force_login(users["panel"])
    assert client.get(reverse("panel:meeting_detail", args=[999999])).status_code == 404


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
XLSX = _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
ODT = _zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<office/>"})


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("minutes.pdf", b"MZ\x90\x00 an executable renamed"),
        ("minutes.pdf", b"<html><script>alert(1)</script></html>"),
        ("minutes.docx", XLSX),
        ("minutes.docx", b"%PDF-1.4 a PDF renamed"),
        ("figures.xlsx", b"PK\x03\x04 not really a zip"),
        ("notes.odt", DOCX),
        ("figures.csv", b"MZ\x90\x00\x03\x00\x00\x00 binary"),
        ("notes.txt", b"\x7fELF\x02\x01\x01\x00"),
    ],
)
def test_a_paper_whose_content_is_not_what_its_extension_says_is_refused(
    client, users, meeting, name, content
):
    client.force_login(users["admin"])
    upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    response = client.post(
        reverse("panel:agenda_item_add", args=[meeting.pk]),
        {"position": 1, "title": "Paper", "paper": upload},
    )
    assert "The content of this file is not" in response.content.decode()
    assert not AgendaItem.objects.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("minutes.docx", DOCX),
        ("figures.xlsx", XLSX),
        ("notes.odt", ODT),
        ("figures.csv", b"Area,Figure\nHavering,12\n"),
        ("notes.txt", "Notes – in UTF-8\r\n".encode()),
    ],
)
def test_papers_whose_content_matches_are_accepted(client, users, meeting, name, content):
    client.force_login(users["admin"])
    upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    client.post(
        reverse("panel:agenda_item_add", args=[meeting.pk]),
        {"position": 1, "title": "Paper", "paper": upload},
    )
    assert AgendaItem.objects.get().paper.name.endswith(name.rsplit(".", 1)[1])
