"""The plan's ratings at the end of each month that has closed, kept in a table
(``MonthEndRating``: month, promise, rating, count) instead of re-rating the audit history on
every view of the dashboard.

A month end is rated from the audit history by ``plan_state`` (the one rule) when the month
closes (the ``rate_closed_months`` task, daily; or the first read that finds it missing), and
again after a back-dated change: a change to a milestone (slipped milestones are read as they
are now), an audit record stamped before today, or a commitment moved to another promise
forgets the month ends it can change (``forget_from``), and the next read rates them again.
Services and the admin save through the ORM, so the signals here see them; a bulk update or a
write outside Django to those tables must call ``forget_from`` (or run ``manage.py
rate_month_ends --again``).
"""

from collections import defaultdict
from datetime import date, datetime

from django.db import transaction
from django.db.models import Count, DateField, Sum, Value
from django.db.models.signals import post_delete, post_init, post_save
from django.utils import timezone

from core.months import month_end, month_ends_up_to

from .models import Action, Commitment, Milestone, MonthEndRating
from .rag import RAG
from .selectors import plan_state

Counts = dict[date, dict[RAG, int]]


def _rate(days: list[date]) -> dict[date, dict[tuple[int | None, RAG], int]]:
    """Each day's count of actions by promise and rating, re-rated from the audit history:
    one query (a UNION ALL of one count per day)."""
    counts: dict[date, dict[tuple[int | None, RAG], int]] = {day: {} for day in days}
    if not days:
        return counts
    per_day = [
        plan_state(as_of=day, rating_only=True)
        .order_by()
        .annotate(day=Value(day, output_field=DateField()))
        .values("day", "commitment__theme", "rag")
        .annotate(n=Count("id"))
        .values_list("day", "commitment__theme", "rag", "n")
        for day in days
    ]
    for day, theme_id, rag, n in per_day[0].union(*per_day[1:], all=True):
        counts[day][(theme_id, RAG(rag))] = n
    return counts


def _totals(by_theme: dict[tuple[int | None, RAG], int]) -> dict[RAG, int]:
    totals: dict[RAG, int] = defaultdict(int)
    for (_, rag), n in by_theme.items():
        totals[rag] += n
    return dict(totals)


def _closed(day: date, today: date) -> bool:
    return day < today and day == month_end(day)


def record_month_ends(days: list[date]) -> dict[date, dict[tuple[int | None, RAG], int]]:
    """Rate these closed month ends from the audit history and keep the counts, replacing any
    kept before. Two requests doing it at once keep the same counts once."""
    rated = _rate(days)
    rows = [MonthEndRating(month=day, theme_id=None, rating="", count=0) for day in days]
    rows += [
        MonthEndRating(month=day, theme_id=theme_id, rating=rag, count=n)
        for day, counts in rated.items()
        for (theme_id, rag), n in counts.items()
    ]
    with transaction.atomic():
        MonthEndRating.objects.filter(month__in=days).delete()
        MonthEndRating.objects.bulk_create(rows, ignore_conflicts=True)
    return rated


def rate_closed_months(*, today: date, months: int = 12, again: bool = False) -> int:
    """Rate the last ``months`` closed month ends not yet kept (all of them, ``again``);
    how many were rated."""
    days = month_ends_up_to(today, months + 1)[:-1]
    if not again:
        kept = set(MonthEndRating.objects.filter(month__in=days).values_list("month", flat=True))
        days = [day for day in days if day not in kept]
    record_month_ends(days)
    return len(days)


def forget_from(day: date) -> None:
    """A change that can alter how the plan stood on ``day`` and after: the month ends from
    then on are rated again when next read."""
    MonthEndRating.objects.filter(month__gte=day).delete()


def rag_totals(by_theme: dict[int | None, dict[RAG, int]]) -> dict[RAG, int]:
    """How many actions have each rating, from ``rag_by_theme``'s counts."""
    totals: dict[RAG, int] = defaultdict(int)
    for counts in by_theme.values():
        for rag, n in counts.items():
            totals[rag] += n
    return dict(totals)


def rag_counts_over_time(
    *, as_of: date | None = None, months: int = 12, counts_on_the_day: dict[RAG, int] | None = None
) -> list[tuple[date, Counts]]:
    """How many actions had each rating at the end of each of the last ``months`` months
    (the last one being ``as_of``, default today), oldest first: the plan as it stood on
    each day (``plan_state``). Two queries once the closed months are kept (their counts, and
    the days that are not a closed month end, such as today), one when the caller has
    counted ``as_of`` already (``counts_on_the_day``, e.g. ``rag_totals(rag_by_theme(…))``);
    a month end not kept yet is rated and kept first."""
    today = timezone.localdate()
    as_of = min(as_of or today, today)
    days = month_ends_up_to(as_of, months)
    closed = [day for day in days if _closed(day, today)]
    counts: Counts = {}
    for day, rating, n in (
        MonthEndRating.objects.filter(month__in=closed)
        .values("month", "rating")
        .annotate(n=Sum("count"))
        .values_list("month", "rating", "n")
    ):
        counts.setdefault(day, {})
        if rating:
            counts[day][RAG(rating)] = n
    missing = [day for day in closed if day not in counts]
    if missing:
        counts.update({day: _totals(rated) for day, rated in record_month_ends(missing).items()})
    if counts_on_the_day is not None and as_of not in counts:
        counts[as_of] = counts_on_the_day
    counts.update({day: _totals(rated) for day, rated in _rate([d for d in days if d not in counts]).items()})
    return [(day, counts[day]) for day in days]


# --- Back-dated changes ---------------------------------------------------------------------------


_WATCHED = {Milestone: "due_date", Commitment: "theme_id"}  # the value as loaded is kept


def _remember_loaded(sender, instance, **kwargs) -> None:
    instance._loaded = getattr(instance, _WATCHED[sender], None)


def _milestone_changed(sender, instance, **kwargs) -> None:
    # A milestone counts as slipped on the days after it was due: those can change.
    forget_from(min(filter(None, [getattr(instance, "_loaded", None), instance.due_date])))


def _commitment_saved(sender, instance, created, **kwargs) -> None:
    if not created and getattr(instance, "_loaded", instance.theme_id) != instance.theme_id:
        forget_from(date.min)  # its actions count under another promise in every month


def _history_recorded(sender, instance, created, **kwargs) -> None:
    written: datetime = instance.history_date
    if timezone.localtime(written).date() < timezone.localdate():
        forget_from(timezone.localtime(written).date())


def connect() -> None:
    """Called by ``ActionsConfig.ready``."""
    for model in _WATCHED:
        post_init.connect(_remember_loaded, sender=model, dispatch_uid=f"month_ends.loaded.{model.__name__}")
    post_save.connect(_milestone_changed, sender=Milestone, dispatch_uid="month_ends.milestone_saved")
    post_delete.connect(_milestone_changed, sender=Milestone, dispatch_uid="month_ends.milestone_deleted")
    post_save.connect(_commitment_saved, sender=Commitment, dispatch_uid="month_ends.commitment_saved")
    post_save.connect(_history_recorded, sender=Action.history.model, dispatch_uid="month_ends.history")
