"""Reporting completion for the next meeting: which action updates and which owners'
commentaries are in, and which are missing (administrators chase the missing ones).

The rules are the reminders' rules (``reminders.updates_due_since``,
``red_and_amber_commentary``), so the page and the e-mails agree.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from actions.kpis.selectors import KPIFigures, latest_kpi_figures, red_and_amber_commentary
from actions.models import KPI, Action, KPICommentary

from .models import Meeting
from .reminders import open_actions_updated_since, updates_due_since


def _percent(done: int, total: int) -> int | None:
    return round(100 * done / total) if total else None


@dataclass
class Completion:
    meeting: Meeting | None
    since: datetime | None = None
    updated: list[Action] = field(default_factory=list)
    not_updated: list[Action] = field(default_factory=list)
    explained: list[tuple[KPIFigures, KPICommentary]] = field(default_factory=list)
    unexplained: list[KPIFigures] = field(default_factory=list)

    @property
    def actions_total(self) -> int:
        return len(self.updated) + len(self.not_updated)

    @property
    def actions_percent(self) -> int | None:
        return _percent(len(self.updated), self.actions_total)

    @property
    def commentary_total(self) -> int:
        return len(self.explained) + len(self.unexplained)

    @property
    def commentary_percent(self) -> int | None:
        return _percent(len(self.explained), self.commentary_total)


def reporting_completion(*, now: datetime | None = None) -> Completion:
    """For the next meeting: open actions with and without an update since the meeting
    before it, and red and amber measures with and without their owner's commentary on
    the latest figure. Queries: the next meeting, the one before it, the open actions,
    the KPIs, their figures (2) and the commentaries."""
    now = now or timezone.now()
    meeting = Meeting.objects.filter(starts_at__gte=now).order_by("starts_at").first()
    if meeting is None:
        return Completion(meeting=None)
    since = updates_due_since(meeting)
    actions = open_actions_updated_since(since=since).order_by(
        "lead__last_name", "lead__first_name", "due_date", "pk"
    )
    completion = Completion(meeting=meeting, since=since)
    for action in actions:
        (completion.updated if action.updated else completion.not_updated).append(action)
    figures = latest_kpi_figures(
        kpis=list(KPI.objects.filter(source=KPI.Source.LOCAL).select_related("theme", "owner"))
    )
    for figure, said in red_and_amber_commentary(figures):
        if said is None:
            completion.unexplained.append(figure)
        else:
            completion.explained.append((figure, said))
    return completion
