"""The portal in DATABASE_URL, seen by each demo user, for the backup test.

``prepare``: issue a monthly report and store a meeting paper (the demo has neither).
``crawl``: each demo user follows every link from the home page (GET only, up to
``PAGES`` pages each); prints a JSON map of page → status, and the SHA-256 of every PDF.
"""

import hashlib
import json
import os
import re
import sys
from collections import deque
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "havering_cp.settings_test")

import django

django.setup()

from django.conf import settings  # noqa: E402

settings.MEDIA_ROOT = os.environ["CRAWL_MEDIA_ROOT"]
settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]  # as pytest-django does

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from panel import reports, services  # noqa: E402
from panel.models import AgendaItem, Meeting, ProgressReport  # noqa: E402
from panel.snapshot import build_snapshot  # noqa: E402
from tests.mfa import mark_verified  # noqa: E402

USERS = ["panel", "lead", "participation", "ivstaff", "admin"]
PAGES = 60
SKIP = re.compile(r"^/(static|accounts/logout|accounts/mfa|admin/logout|oidc)|\.(xlsx|csv)$|/export")


def prepare() -> None:
    today = timezone.localdate()
    month_start = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    spec = reports.ReportSpec(
        kind="monthly", period_start=month_start, period_end=today.replace(day=1) - timedelta(days=1)
    )
    report = reports.get_or_create_report(spec)
    assert reports.build_report(report_id=report.pk, snapshot_builder=build_snapshot)
    meeting = Meeting.objects.order_by("starts_at").first()
    paper = SimpleUploadedFile(
        "papers.pdf", b"%PDF-1.4\n% a synthetic paper\n", content_type="application/pdf"
    )
    services.agenda_item_add(meeting=meeting, position=99, title="Backup test paper", paper=paper)


def crawl() -> dict:
    found = {"pages": {}, "pdfs": {}}
    pdf_urls = [
        reverse("panel:report_pdf", args=[pk])
        for pk in ProgressReport.objects.filter(state="ready").values_list("pk", flat=True)
    ]
    pdf_urls += [
        reverse("panel:paper_download", args=[item.pk]) for item in AgendaItem.objects.exclude(paper="")
    ]
    for username in USERS:
        user = get_user_model().objects.get(username=username)
        client = Client()
        client.force_login(user)
        mark_verified(client, user)
        # The PDFs first (report downloads and papers), then whatever the links lead to.
        start = ["/", *pdf_urls]
        queue, seen, visited = deque(start), set(start), 0
        while queue and visited < PAGES:
            url = queue.popleft()
            visited += 1
            response = client.get(url, secure=True)
            found["pages"][f"{username} {url}"] = response.status_code
            if response.get("Content-Type", "").startswith("application/pdf"):
                body = b"".join(response.streaming_content) if response.streaming else response.content
                found["pdfs"][url] = hashlib.sha256(body).hexdigest()
                continue
            if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
                continue
            for link in re.findall(r'href="(/[^"#?]*)"', response.content.decode()):
                if link not in seen and not SKIP.search(link):
                    seen.add(link)
                    queue.append(link)
    return found


if __name__ == "__main__":
    if sys.argv[1] == "prepare":
        prepare()
    else:
        print(json.dumps(crawl()))
