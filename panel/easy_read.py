"""The easy-read page for young people: what we promised, what we did, what is next.

Only what a lead marked as shareable appears, in plain words, with no names.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Prefetch

from actions.models import Action, Commitment, Milestone, ProgressUpdate, Theme
from participation.models import FeedbackItem

# Plain words for each status: young people asked for no jargon, and colour never speaks alone.
PLAIN_STATUS = {
    Action.Status.NOT_STARTED: "Not started yet",
    Action.Status.ON_TRACK: "Going well",
    Action.Status.SOME_SLIPPAGE: "A bit behind",
    Action.Status.OFF_TRACK: "Behind, and we are working on it",
    Action.Status.COMPLETED: "Done",
    Action.Status.DEFERRED: "On hold for now",
}


@dataclass
class EasyReadTheme:
    theme: Theme
    promises: list[Commitment]
    did: list[dict] = field(default_factory=list)
    you_said: list[dict] = field(default_factory=list)
    next: list[dict] = field(default_factory=list)


def easy_read_themes(*, today: date, per_theme: int = 5) -> list[EasyReadTheme]:
    """Four queries whatever the size of the plan: themes with commitments, updates,
    "You said, we did" answers, milestones."""
    themes = Theme.objects.prefetch_related(
        Prefetch("commitments", queryset=Commitment.objects.order_by("position"))
    )
    by_theme = {theme.pk: EasyReadTheme(theme, list(theme.commitments.all())) for theme in themes}

    latest_per_action = {}
    for update in (
        ProgressUpdate.objects.filter(shareable=True, action__shareable=True)
        .select_related("action__commitment")
        .order_by("-created_at", "-pk")
    ):
        if update.action_id in latest_per_action:
            continue
        latest_per_action[update.action_id] = update
        entry = by_theme[update.action.commitment.theme_id]
        if len(entry.did) < per_theme:
            entry.did.append(
                {
                    "title": update.action.title,
                    "what": update.done,
                    "when": update.created_at,
                    "status": PLAIN_STATUS[update.status],
                }
            )
        if update.next_steps and len(entry.next) < per_theme:
            entry.next.append({"title": update.action.title, "what": update.next_steps, "when": None})

    # "You said, we did": what young people raised and what was done, once answered.
    for item in (
        FeedbackItem.objects.filter(status__in=[FeedbackItem.Status.RESPONDED, FeedbackItem.Status.CLOSED])
        .exclude(response="")
        .select_related("session__group")
        .order_by("-session__held_on", "-pk")
    ):
        entry = by_theme.get(item.theme_id)
        if entry is not None and len(entry.you_said) < per_theme:
            entry.you_said.append({"said": item.said, "did": item.response, "group": item.session.group.name})

    for milestone in (
        Milestone.objects.filter(action__shareable=True, completed_on__isnull=True, due_date__gte=today)
        .select_related("action__commitment")
        .order_by("due_date")
    ):
        entry = by_theme[milestone.action.commitment.theme_id]
        if len(entry.next) < per_theme * 2:
            entry.next.append(
                {"title": milestone.action.title, "what": milestone.title, "when": milestone.due_date}
            )
    return list(by_theme.values())
