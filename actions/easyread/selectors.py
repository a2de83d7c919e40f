"""Reads for the easy-read pages: what needs words, what waits for approval, what is up."""

from django.db.models import QuerySet

from actions.models import Action, Commitment, ProgressUpdate
from core.access import allowed


def easy_read_worklist(*, user) -> dict[str, QuerySet]:
    """Commitments (for participation officers), and the shared actions and updates the
    user may write for, each with its easy-read text. Three queries."""
    actions = Action.objects.filter(shareable=True).select_related("commitment", "easy_read_text")
    updates = ProgressUpdate.objects.filter(shareable=True, action__shareable=True).select_related(
        "action__commitment", "easy_read_text"
    )
    # Those who approve write for everything (actions.rules); a lead, for their own actions.
    officer = allowed(user, "actions.approve_easy_read")
    if not officer:
        actions = actions.filter(lead=user)
        updates = updates.filter(action__lead=user)
    commitments = (
        Commitment.objects.select_related("theme", "easy_read_text") if officer else Commitment.objects.none()
    )
    return {
        "commitments": commitments,
        "actions": actions.order_by("commitment__code", "title"),
        "updates": updates.order_by("-created_at", "-pk"),
    }
