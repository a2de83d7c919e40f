"""Reads for participation that need care: each runs a fixed number of queries,
whatever the number of sessions or feedback items."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Count, DateField, F, Max, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncQuarter

from core.months import add_months, quarter_start, start_of_months_to

from .models import FeedbackItem, ParticipationGroup, ParticipationSession, YoungPersonMessage

RECENT_SESSIONS = 3
COHORTS = (
    ("in_care", "Children in care"),
    ("care_leavers", "Care leavers"),
    ("others", "Other young people"),
)


def _reach(prefix: str = "", *, since: date, until: date) -> dict:
    """Session count and attendance by cohort, as aggregates over sessions held in the window."""
    window = Q(**{f"{prefix}held_on__gte": since, f"{prefix}held_on__lte": until})
    return {
        "session_count": Count(f"{prefix}pk", filter=window),
        **{cohort: Coalesce(Sum(f"{prefix}{cohort}", filter=window), 0) for cohort, _ in COHORTS},
    }


def groups_overview(*, today: date) -> QuerySet[ParticipationGroup]:
    """Active groups with reach in the last 12 months and their most recent sessions.

    Two queries: the groups with their totals, and the recent sessions of all of them.
    """
    recent = ParticipationSession.objects.order_by("-held_on", "-pk")
    return (
        ParticipationGroup.objects.filter(is_active=True)
        .select_related("facilitator")
        .annotate(
            last_held_on=Max("sessions__held_on"),
            **_reach("sessions__", since=start_of_months_to(today, 12), until=today),
        )
        .prefetch_related(Prefetch("sessions", queryset=recent[:RECENT_SESSIONS], to_attr="recent_sessions"))
        .order_by("name")
    )


@dataclass(frozen=True)
class QuarterReach:
    start: date
    session_count: int
    in_care: int
    care_leavers: int
    others: int

    @property
    def label(self) -> str:
        end = add_months(self.start, 2)
        return f"{self.start:%b}–{end:%b %Y}"

    @property
    def total(self) -> int:
        return self.in_care + self.care_leavers + self.others


def reach_by_quarter(
    *, today: date, group: ParticipationGroup | None = None, quarters: int = 4
) -> list[QuarterReach]:
    """Attendance by cohort in each of the last ``quarters`` calendar quarters, oldest first. One query."""
    first = add_months(quarter_start(today), -3 * (quarters - 1))
    sessions = ParticipationSession.objects.filter(held_on__gte=first, held_on__lte=today)
    if group is not None:
        sessions = sessions.filter(group=group)
    rows = {
        row["quarter"]: row
        for row in sessions.annotate(quarter=TruncQuarter("held_on", output_field=DateField()))
        .values("quarter")
        .annotate(session_count=Count("pk"), **{c: Sum(c) for c, _ in COHORTS})
        .order_by()
    }
    result = []
    for i in range(quarters):
        start = add_months(first, 3 * i)
        row = rows.get(start, {})
        result.append(
            QuarterReach(
                start=start,
                session_count=row.get("session_count", 0),
                **{c: row.get(c) or 0 for c, _ in COHORTS},
            )
        )
    return result


def feedback_overdue_before(*, today: date) -> date:
    """Feedback raised at a session held before this date and still open is flagged."""
    return today - timedelta(days=settings.FEEDBACK_OPEN_DAYS)


def feedback_tracker(
    *,
    today: date,
    group: ParticipationGroup | None = None,
    theme=None,
    status: str = "",
    open_too_long: bool = False,
) -> QuerySet[FeedbackItem]:
    items = FeedbackItem.objects.select_related("session", "group", "theme", "action").order_by(
        "-raised_on", "-pk"
    )
    if group is not None:
        items = items.filter(group=group)
    if theme is not None:
        items = items.filter(theme=theme)
    if status:
        items = items.filter(status=status)
    if open_too_long:
        items = items.filter(
            status__in=FeedbackItem.OPEN_STATUSES, raised_on__lt=feedback_overdue_before(today=today)
        )
    return items


def feedback_for_action(*, action) -> list[FeedbackItem]:
    """The "You said" items an action answers. One query."""
    return list(
        FeedbackItem.objects.filter(action=action)
        .select_related("session", "group", "theme")
        .order_by("-raised_on", "-pk")
    )


def active_young_people(*, as_of: date) -> int:
    """An estimate of the care-experienced young people active in groups (KPI H05).

    No names are recorded, so people cannot be counted once each. A group's active
    membership is taken as its best-attended session (children in care plus care
    leavers) in the three months to ``as_of``; the estimate is the sum over groups. One query.
    """
    since = start_of_months_to(as_of, 3)
    peaks = (
        ParticipationSession.objects.filter(held_on__gte=since, held_on__lte=as_of)
        .values("group")
        .annotate(peak=Max(F("in_care") + F("care_leavers")))
        .order_by()
        .values_list("peak", flat=True)
    )
    return sum(peaks)


@dataclass(frozen=True)
class GroupReach:
    name: str
    slug: str
    session_count: int
    in_care: int
    care_leavers: int
    others: int

    @property
    def total(self) -> int:
        return self.in_care + self.care_leavers + self.others


@dataclass(frozen=True)
class ParticipationFigures:
    as_of: date
    since: date
    groups: list[GroupReach]
    quarters: list[QuarterReach]
    active_young_people: int
    feedback_by_status: dict[str, int]
    feedback_open_too_long: int
    feedback_reported_back: int

    @property
    def totals(self) -> GroupReach:
        return GroupReach(
            name="All groups",
            slug="",
            **{
                field: sum(getattr(g, field) for g in self.groups)
                for field in ("session_count", "in_care", "care_leavers", "others")
            },
        )

    @property
    def feedback_open(self) -> int:
        return sum(self.feedback_by_status.get(s, 0) for s in FeedbackItem.OPEN_STATUSES)


def participation_panel_figures(*, as_of: date) -> ParticipationFigures:
    """Aggregates for the panel: reach by group and cohort, "You said, we did" progress.

    Four queries: reach by group; reach by quarter; active young people; feedback counts.
    """
    since = start_of_months_to(as_of, 12)
    groups = [
        GroupReach(
            name=g["name"],
            slug=g["slug"],
            session_count=g["session_count"],
            **{c: g[c] for c, _ in COHORTS},
        )
        for g in ParticipationGroup.objects.filter(is_active=True)
        .annotate(**_reach("sessions__", since=since, until=as_of))
        .order_by("name")
        .values("name", "slug", "session_count", *(c for c, _ in COHORTS))
    ]
    raised = FeedbackItem.objects.filter(raised_on__lte=as_of)
    overdue_before = feedback_overdue_before(today=as_of)
    counts = raised.aggregate(
        **{status: Count("pk", filter=Q(status=status)) for status in FeedbackItem.Status.values},
        open_too_long=Count(
            "pk", filter=Q(status__in=FeedbackItem.OPEN_STATUSES, raised_on__lt=overdue_before)
        ),
        reported_back=Count("pk", filter=Q(reported_back_on__gte=since, reported_back_on__lte=as_of)),
    )
    return ParticipationFigures(
        as_of=as_of,
        since=since,
        groups=groups,
        quarters=reach_by_quarter(today=as_of),
        active_young_people=active_young_people(as_of=as_of),
        feedback_by_status={s: counts[s] for s in FeedbackItem.Status.values},
        feedback_open_too_long=counts["open_too_long"],
        feedback_reported_back=counts["reported_back"],
    )


def message_overdue_before(*, now: datetime) -> datetime:
    """A message received before this and still waiting is overdue an answer."""
    return now - timedelta(days=settings.YOUNG_PEOPLE_ANSWER_DAYS)


def message_queue(*, now: datetime, handled: int = 20) -> dict:
    """Waiting messages, oldest first, each marked overdue or not; and the latest handled. Two queries."""
    overdue_before = message_overdue_before(now=now)
    waiting = list(
        YoungPersonMessage.objects.filter(state=YoungPersonMessage.State.NEW)
        .select_related("theme", "group")
        .order_by("received_at", "pk")
    )
    for message in waiting:
        message.is_overdue = message.received_at < overdue_before
        message.answer_by = message.received_at + timedelta(days=settings.YOUNG_PEOPLE_ANSWER_DAYS)
    recent = (
        YoungPersonMessage.objects.exclude(state=YoungPersonMessage.State.NEW)
        .select_related("theme", "group", "handled_by", "feedback_item")
        .order_by("-handled_at", "-pk")[:handled]
    )
    return {"waiting": waiting, "recent": list(recent), "overdue": sum(m.is_overdue for m in waiting)}


def message_counts(*, now: datetime) -> dict[str, int]:
    """For the weekly digest: counts only, never the words. One query."""
    return YoungPersonMessage.objects.aggregate(
        waiting=Count("pk", filter=Q(state=YoungPersonMessage.State.NEW)),
        overdue=Count(
            "pk",
            filter=Q(state=YoungPersonMessage.State.NEW, received_at__lt=message_overdue_before(now=now)),
        ),
        received_this_week=Count("pk", filter=Q(received_at__gte=now - timedelta(days=7))),
    )
