"""The panel app's pages, a module per family: the ``site`` pages anyone may reach, the
``dashboard``, ``meetings``, progress ``reports`` and the ``young_people`` page."""

from .dashboard import dashboard, reporting_completion
from .meetings import (
    agenda_item_add,
    meeting_create,
    meeting_detail,
    meeting_edit,
    meeting_list,
    panel_action_add,
    panel_action_edit,
    paper_download,
)
from .reports import report_detail, report_generate, report_list, report_pdf, report_progress, report_xlsx
from .site import SignInView, accessibility, healthz
from .young_people import SAFETY_TEXT, young_people, young_people_sent

__all__ = [
    "SAFETY_TEXT",
    "SignInView",
    "accessibility",
    "agenda_item_add",
    "dashboard",
    "healthz",
    "meeting_create",
    "meeting_detail",
    "meeting_edit",
    "meeting_list",
    "panel_action_add",
    "panel_action_edit",
    "paper_download",
    "report_detail",
    "report_generate",
    "report_list",
    "report_pdf",
    "report_progress",
    "report_xlsx",
    "reporting_completion",
    "young_people",
    "young_people_sent",
]
