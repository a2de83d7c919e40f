from datetime import date, timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from panel.models import AgendaItem, Meeting, PanelAction, ProgressReport
from tests.permission_matrix import Case, expect, only


def build_world(users):
    meeting = Meeting.objects.create(title="Test panel", starts_at=timezone.now() + timedelta(days=20))
    item = AgendaItem(meeting=meeting, position=1, title="Performance report")
    item.paper.save("paper.txt", ContentFile(b"A synthetic paper."), save=True)
    question = PanelAction.objects.create(
        meeting=meeting, text="Why so few health checks?", owner=users["lead"]
    )
    report = ProgressReport.objects.create(
        kind="monthly",
        period_start=date(2025, 4, 1),
        period_end=date(2025, 4, 30),
        state="ready",
        data={"themes": [], "period_start": "2025-04-01", "period_end": "2025-04-30"},
        html="<h1>Report</h1>",
        pdf=b"%PDF-1.7 synthetic",
        issued_at=timezone.now(),
    )
    return {"meeting": meeting, "agenda_item": item, "panel_action": question, "report": report}


READ_ALL = expect(200)
ADMIN_ONLY = only(("admin",))
# A bad form post is refused with 400 for the administrator: the point is who gets past the door.
ADMIN_POST = only(("admin",), ok=400)

CASES = [
    Case("healthz", expect(200, anonymous=200)),
    Case("accessibility", expect(200, anonymous=200)),
    Case("help", READ_ALL),
    Case("help_guide", READ_ALL, args=lambda w: ["iv-coordinator"]),
    Case("young_people", expect(200, anonymous=200)),
    Case(
        "young_people",
        expect(302, anonymous=302),
        method="post",
        data=lambda w: {"text": "I like the cooking club."},
        id="POST young_people",
    ),
    Case("young_people_sent", expect(200, anonymous=200)),
    Case("login", expect(302, anonymous=200)),  # signed-in users are sent home
    Case("password_change", expect(200)),
    Case("password_change_done", expect(200)),
    Case("logout", expect(302, anonymous=302), method="post"),
    Case("panel:dashboard", READ_ALL),
    Case("panel:reporting_completion", ADMIN_ONLY),
    Case("panel:meeting_list", READ_ALL),
    Case("panel:meeting_create", ADMIN_ONLY),
    Case("panel:meeting_detail", READ_ALL, args=lambda w: [w["meeting"].pk]),
    Case("panel:meeting_edit", ADMIN_ONLY, args=lambda w: [w["meeting"].pk]),
    Case("panel:agenda_item_add", ADMIN_POST, args=lambda w: [w["meeting"].pk], method="post"),
    Case("panel:panel_action_add", ADMIN_POST, args=lambda w: [w["meeting"].pk], method="post"),
    Case("panel:paper_download", READ_ALL, args=lambda w: [w["agenda_item"].pk]),
    Case("panel:panel_action_edit", only(("lead", "admin")), args=lambda w: [w["panel_action"].pk]),
    Case("panel:report_list", READ_ALL),
    Case("panel:report_detail", READ_ALL, args=lambda w: [w["report"].pk]),
    Case("panel:report_progress", READ_ALL, args=lambda w: [w["report"].pk]),
    Case("panel:report_xlsx", READ_ALL, args=lambda w: [w["report"].pk]),
    Case("panel:report_pdf", READ_ALL, args=lambda w: [w["report"].pk]),
    Case("panel:report_generate", ADMIN_POST, method="post"),
]
