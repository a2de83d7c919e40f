"""#22.8: an upload to a full disk is a clear message, leaves no file and no row.

The media folder is a real 64 KB tmpfs, so the disk fills up for real (ENOSPC).
"""

import os
import shutil
import subprocess
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from actions.models import KPIImport
from core.uploads import NO_ROOM
from panel.models import AgendaItem, Meeting
from tests.conftest import require_service

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_disk(settings):
    """MEDIA_ROOT on a 64 KB tmpfs of the test's own."""
    mount, umount = shutil.which("mount"), shutil.which("umount")
    require_service(os.geteuid() == 0 and bool(mount and umount), "mounting a tmpfs needs root and mount")
    folder = Path(tempfile.mkdtemp(prefix="hcp-full-disk-"))
    mounted = subprocess.run(
        [mount, "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(folder)], capture_output=True
    )
    require_service(mounted.returncode == 0, f"cannot mount a tmpfs: {mounted.stderr!r}")
    settings.MEDIA_ROOT = folder
    try:
        yield folder
    finally:
        subprocess.run([umount, str(folder)], check=True)
        folder.rmdir()


def files_in(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file()]


def test_a_paper_too_big_for_the_disk_is_refused_with_a_message_and_leaves_nothing(client, users, full_disk):
    meeting = Meeting.objects.create(title="Panel", starts_at=timezone.now() + timedelta(days=10))
    client.force_login(users["admin"])
    paper = SimpleUploadedFile("papers.pdf", b"%PDF-1.4\n" + b"0" * 200_000, content_type="application/pdf")

    response = client.post(
        reverse("panel:agenda_item_add", args=[meeting.pk]),
        {"position": 1, "title": "Papers", "paper": paper},
    )

    assert response.status_code == 400  # the form again, as for any refused item
    assert "the server has run out of room" in response.content.decode()
    assert not AgendaItem.objects.exists()
    assert files_in(full_disk) == []


def test_a_kpi_file_too_big_for_the_disk_is_refused_with_a_message_and_leaves_nothing(
    client, users, full_disk
):
    client.force_login(users["admin"])
    rows = "kpi_code,period_end,value\n" + "W01,2025-04-30,70\n" * 12_000
    upload = SimpleUploadedFile("figures.csv", rows.encode(), content_type="text/csv")

    response = client.post(reverse("kpi_import_new"), {"file": upload})

    assert response.status_code == 200
    assert NO_ROOM.split(":")[0] in response.content.decode()
    assert not KPIImport.objects.exists()
    assert files_in(full_disk) == []
