"""The young people's own page: what we promised, what we did, "You said, we did" and
what happens next, in easy-read words a participation officer approved.

Staff text never appears here: only approved easy-read texts (``EasyReadText``) of
commitments and of actions and updates their lead shared, the promises' own easy-read
lines, and "You said, we did" items an officer shared in easy read. No names.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Prefetch

from actions.models import Action, Commitment, EasyReadText, ProgressUpdate, Theme
from participation.models import FeedbackItem

# Shown on first view in each list; the rest sit behind "Show more" (<details>, no JavaScript).
FIRST_VIEW = 3


@dataclass(frozen=True)
class Entry:
    text: str
    promise: str
    when: date | None = None
    did: str = ""
    late: bool = False


@dataclass
class Promise:
    theme: Theme
    commitments: list[str] = field(default_factory=list)


@dataclass
class YoungPeoplePage:
    promises: list[Promise]
    did: list[Entry]
    you_said: list[Entry]
    next: list[Entry]

    @property
    def did_first(self):
        return self.did[:FIRST_VIEW]

    @property
    def did_more(self):
        return self.did[FIRST_VIEW:]

    @property
    def you_said_first(self):
        return self.you_said[:FIRST_VIEW]

    @property
    def you_said_more(self):
        return self.you_said[FIRST_VIEW:]

    @property
    def next_first(self):
        return self.next[:FIRST_VIEW]

    @property
    def next_more(self):
        return self.next[FIRST_VIEW:]


class _Unique:
    """No words twice on the page, wherever they come from."""

    def __init__(self):
        self.seen: set[str] = set()

    def __call__(self, text: str) -> bool:
        key = " ".join(text.lower().split())
        if key in self.seen:
            return False
        self.seen.add(key)
        return True


def young_people_page(*, today: date, limit: int = 30) -> YoungPeoplePage:
    """Five queries whatever the size of the plan: themes, their commitments' approved
    words, approved updates, shared "You said, we did" items, approved open actions."""
    unique = _Unique()
    published = EasyReadText.objects.published()
    themes = Theme.objects.prefetch_related(
        Prefetch(
            "commitments",
            queryset=Commitment.objects.filter(easy_read_text__in=published)
            .select_related("easy_read_text")
            .order_by("position"),
        )
    )
    promises = []
    for theme in themes:
        promise = Promise(theme)
        for commitment in theme.commitments.all():
            if unique(commitment.easy_read_text.published_text):
                promise.commitments.append(commitment.easy_read_text.published_text)
        promises.append(promise)
    names = {promise.theme.pk: promise.theme.name for promise in promises}

    # "What we did" is only what is done: updates of completed actions. An update of an
    # action still under way (or late) is not yet something we did.
    did = []
    for update in (
        ProgressUpdate.objects.filter(
            shareable=True,
            action__shareable=True,
            action__status=Action.Status.COMPLETED,
            easy_read_text__in=published,
        )
        .select_related("easy_read_text", "action__commitment")
        .order_by("-created_at", "-pk")[:limit]
    ):
        text = update.easy_read_text.published_text
        if unique(text):
            did.append(Entry(text, names[update.action.commitment.theme_id], update.created_at.date()))

    you_said = []
    for item in FeedbackItem.objects.filter(shared=True).order_by("-raised_on", "-pk")[:limit]:
        if unique(item.easy_read_said + item.easy_read_did):
            you_said.append(
                Entry(item.easy_read_said, names[item.theme_id], item.raised_on, item.easy_read_did)
            )

    # "What happens next" never says something untrue: an action past its due date, or off
    # track, says it is late and when we said it would be done, never a date we will miss.
    upcoming = []
    for action in (
        Action.objects.with_status(today=today)
        .filter(shareable=True, easy_read_text__in=published)
        .exclude(status__in=[Action.Status.COMPLETED, Action.Status.DEFERRED])
        .select_related("easy_read_text", "commitment")
        .order_by("due_date", "pk")[:limit]
    ):
        text = action.easy_read_text.published_text
        if unique(text):
            late = action.is_overdue or action.status == Action.Status.OFF_TRACK
            upcoming.append(Entry(text, names[action.commitment.theme_id], action.due_date, late=late))
    return YoungPeoplePage(promises=promises, did=did, you_said=you_said, next=upcoming)
