"""Reads of the delivery plan that need care: filters, derived state, change history."""

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.filters import Filters
from core.formatting import person_name, uk_date_short

from .models import KPI, Action, Commitment, Milestone, ProgressUpdate, Subgroup, Theme, derived_state
from .rag import RAG


@dataclass(frozen=True)
class PlanFilters(Filters):
    """What the plan page and its export are narrowed to; empty means everything."""

    q: str = ""
    theme: Theme | None = None
    subgroup: Subgroup | None = None
    lead: object | None = None
    status: str = ""
    rag: str = ""
    overdue: bool = False
    stale: bool = False


def plan_actions(*, filters: PlanFilters = PlanFilters(), today: date | None = None) -> QuerySet[Action]:
    """The plan's actions in theme → commitment → due date order, with their derived state.

    One query however many actions match (the lead, subgroup, commitment and theme come
    by join; RAG, overdue, stale and the last update by annotation).
    """
    actions = (
        Action.objects.with_status(today=today)
        .select_related("commitment__theme", "lead", "subgroup")
        .order_by("commitment__theme__position", "commitment__position", "due_date", "pk")
    )
    for word in filters.q.split():
        actions = actions.filter(
            Q(title__icontains=word)
            | Q(description__icontains=word)
            | Q(lead_organisation__icontains=word)
            | Q(lead__first_name__icontains=word)
            | Q(lead__last_name__icontains=word)
            | Q(commitment__text__icontains=word)
            | Q(commitment__code__iexact=word)
        )
    if filters.theme:
        actions = actions.filter(commitment__theme=filters.theme)
    if filters.subgroup:
        actions = actions.filter(subgroup=filters.subgroup)
    if filters.lead:
        actions = actions.filter(lead=filters.lead)
    if filters.status:
        actions = actions.filter(status=filters.status)
    if filters.rag:
        actions = actions.filter(rag=filters.rag)
    if filters.overdue:
        actions = actions.filter(is_overdue=True)
    if filters.stale:
        actions = actions.filter(is_stale=True)
    return actions


def plan_leads() -> QuerySet:
    """Everyone who leads at least one action, for the plan's "lead" filter."""
    led = Action.objects.filter(lead=OuterRef("pk"))
    return get_user_model().objects.filter(Exists(led)).order_by("first_name", "last_name", "username")


RATING_NEEDS = ("has_slipped_milestone", "is_overdue")  # what ``rag`` is worked out from


def plan_state(*, as_of: date | None = None, rating_only: bool = False) -> QuerySet:
    """Every action with its derived state (``with_status``), as it stood at the end of
    ``as_of``: today's plan from the live table, an earlier day's from the audit history
    (each action's status, dates, lead and commitment as they were then), rated by the
    same rule. Rows of both carry ``id``, ``title``, ``rag``, ``is_overdue``, ``is_stale``;
    with ``rating_only``, ``rag`` and what it needs but not the last update or staleness
    (a cheaper query, for counting ratings).
    """
    today = timezone.localdate()
    day = today if as_of is None or as_of >= today else as_of
    first, second = derived_state(today=day)
    if rating_only:
        first, second = {name: first[name] for name in RATING_NEEDS}, {"rag": second["rag"]}
    if day == today:
        return Action.objects.annotate(**first).annotate(**second)
    moment = timezone.make_aware(datetime.combine(day, time.max))
    # The latest record of each action by then, less those whose latest is a deletion.
    # (``history.as_of`` would turn the rows back into actions and drop the annotations.)
    as_they_were = Action.history.filter(history_date__lte=moment).latest_of_each().exclude(history_type="-")
    return as_they_were.annotate(**first).annotate(**second)


def rag_by_theme(*, as_of: date | None = None) -> dict[int, dict[RAG, int]]:
    """How many actions each theme has at each rating: {theme id: {RAG: n}}. One query."""
    counts: dict[int, dict[RAG, int]] = defaultdict(dict)
    rows = (
        plan_state(as_of=as_of, rating_only=True)
        .order_by()
        .values_list("commitment__theme", "rag")
        .annotate(n=Count("id"))
    )
    for theme_id, rag, n in rows:
        counts[theme_id][RAG(rag)] = n
    return dict(counts)


def rag_summary(actions: QuerySet[Action]) -> list[tuple[RAG, int]]:
    """How many of the (``with_status``-annotated) actions have each rating, worst
    first; one query, counted in the database."""
    counts = dict(actions.order_by().values_list("rag").annotate(n=Count("pk")))
    return sorted(((RAG(rag), n) for rag, n in counts.items()), key=lambda pair: pair[0].severity)


def my_actions(*, user, today: date | None = None) -> QuerySet[Action]:
    """The actions a person leads: stale ones first (they owe an update), then overdue,
    then by due date."""
    return (
        Action.objects.with_status(today=today)
        .filter(lead=user)
        .select_related("commitment__theme", "subgroup")
        .order_by("-is_stale", "-is_overdue", "due_date", "pk")
    )


def my_measures(*, user) -> QuerySet[KPI]:
    """The measures a person owns: they explain each period's figure to the panel."""
    return KPI.objects.filter(owner=user).order_by("code")


def my_page_fingerprint(*, user) -> str:
    """A hash of everything "My actions" shows of a person's own rows, read in one query: their
    actions (whole rows), those actions' milestones, each one's count and newest time of
    updates, and the measures they own. The page is kept under it (with the day), so a lead's
    page is computed again when their own work changes, and not when another lead posts: keyed
    on the busy actions tables instead, every update made every lead's page stale.

    Whole rows and counts rather than "last modified" times: a queryset ``update()`` or an
    administrator's deletion changes the hash too. The commitments and themes it names are
    shared tables, and the page rests on those as usual."""
    action, milestone, update, kpi = (
        model._meta.db_table for model in (Action, Milestone, ProgressUpdate, KPI)
    )
    sql = f"""
        SELECT md5(concat_ws('|',
            (SELECT coalesce(string_agg(a::text, ',' ORDER BY a.id), '')
               FROM {action} a WHERE a.lead_id = %(user)s),
            (SELECT coalesce(string_agg(concat_ws(':', m.id, m.action_id, m.due_date, m.completed_on),
                                        ',' ORDER BY m.id), '')
               FROM {milestone} m JOIN {action} a ON a.id = m.action_id WHERE a.lead_id = %(user)s),
            (SELECT coalesce(string_agg(concat_ws(':', u.action_id, u.n, u.newest), ','
                                        ORDER BY u.action_id), '')
               FROM (SELECT p.action_id, count(*) AS n, max(p.created_at) AS newest
                       FROM {update} p JOIN {action} a ON a.id = p.action_id
                      WHERE a.lead_id = %(user)s GROUP BY p.action_id) u),
            (SELECT coalesce(string_agg(concat_ws(':', k.id, k.code, k.name), ',' ORDER BY k.id), '')
               FROM {kpi} k WHERE k.owner_id = %(user)s)
        ))
    """  # noqa: S608 - the table names are the models' own; the user's id is a parameter
    with connection.cursor() as cursor:
        cursor.execute(sql, {"user": user.pk})
        return cursor.fetchone()[0]


def actions_for_page(*, today: date | None = None) -> QuerySet[Action]:
    """Actions with their derived state and what an action's page shows of its relations."""
    return Action.objects.with_status(today=today).select_related("commitment__theme", "lead", "subgroup")


# --- Export ---------------------------------------------------------------------------

EXPORT_HEADERS = [
    "Theme",
    "Commitment code",
    "Commitment",
    "Action ID",
    "Action",
    "Description",
    "Lead",
    "Lead organisation",
    "Subgroup",
    "Start date",
    "Due date",
    "Status",
    "RAG",
    "Overdue",
    "Stale",
    "Last update",
    "Latest progress",
    "Next steps",
    "Milestones complete",
    "Milestones",
    "Linked KPIs",
    "Shareable with young people",
]


def _count_of(queryset) -> Coalesce:
    counted = queryset.order_by().values("action").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def plan_export_rows(*, filters: PlanFilters = PlanFilters(), today: date | None = None) -> Iterator[list]:
    """The filtered plan as spreadsheet rows (see EXPORT_HEADERS).

    Two queries whatever the number of actions: the actions with everything
    annotated, and their linked KPIs (prefetched).
    """
    latest = ProgressUpdate.objects.filter(action=OuterRef("pk")).order_by("-created_at", "-pk")
    milestones = Milestone.objects.filter(action=OuterRef("pk"))
    actions = (
        plan_actions(filters=filters, today=today)
        .annotate(
            latest_done=Subquery(latest.values("done")[:1]),
            latest_next_steps=Subquery(latest.values("next_steps")[:1]),
            milestones_total=_count_of(milestones),
            milestones_done=_count_of(milestones.filter(completed_on__isnull=False)),
        )
        .prefetch_related("kpis")
    )
    for action in actions:
        yield [
            action.commitment.theme.name,
            action.commitment.code,
            action.commitment.text,
            action.pk,
            action.title,
            action.description,
            person_name(action.lead),
            action.lead_organisation,
            action.subgroup.name if action.subgroup else "",
            action.start_date,
            action.due_date,
            action.get_status_display(),
            RAG(action.rag).label,
            "Yes" if action.is_overdue else "No",
            "Yes" if action.is_stale else "No",
            action.last_update_at.date() if action.last_update_at else "",
            action.latest_done or "",
            action.latest_next_steps or "",
            action.milestones_done,
            action.milestones_total,
            ", ".join(kpi.code for kpi in action.kpis.all()),
            "Yes" if action.shareable else "No",
        ]


# --- Change history -------------------------------------------------------------------

ACTION_FIELDS = {
    "commitment": "Commitment",
    "title": "Title",
    "description": "Description",
    "lead": "Lead",
    "lead_organisation": "Lead organisation",
    "subgroup": "Subgroup",
    "start_date": "Start date",
    "due_date": "Due date",
    "status": "Status",
    "shareable": "Shareable with young people",
    "kpis": "Linked KPIs",
}
MILESTONE_FIELDS = {"title": "Title", "due_date": "Due date", "completed_on": "Completed on"}


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: object
    new: object


@dataclass(frozen=True)
class ChangeEntry:
    when: object
    who: str
    subject: str
    summary: str = ""
    changes: list[FieldChange] = field(default_factory=list)


def _changed(fields: dict[str, str], old: dict, new: dict, show) -> list[FieldChange]:
    return [
        FieldChange(label, show(name, old[name]), show(name, new[name]))
        for name, label in fields.items()
        if old[name] != new[name]
    ]


def action_change_history(*, action: Action) -> list[ChangeEntry]:
    """Every recorded change to the action and its milestones, newest first.

    A fixed number of queries: the action's history, its KPI links at each point,
    its milestones' history, and one look-up each for the names of the commitments,
    people, subgroups and KPIs that the history mentions.
    """
    records = list(action.history.select_related("history_user").order_by("history_date", "history_id"))
    kpi_links = defaultdict(set)
    through = Action.history.model.kpis.model
    for history_id, kpi_id in through.objects.filter(history__in=[r.history_id for r in records]).values_list(
        "history_id", "kpi_id"
    ):
        kpi_links[history_id].add(kpi_id)
    milestone_records = list(
        Milestone.history.filter(action_id=action.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )

    def ids(attr: str) -> set:
        return {getattr(r, attr) for r in records} - {None}

    names = {
        "commitment": {c.pk: c.code for c in Commitment.objects.filter(pk__in=ids("commitment_id"))},
        "lead": {u.pk: person_name(u) for u in get_user_model().objects.filter(pk__in=ids("lead_id"))},
        "subgroup": {s.pk: s.name for s in Subgroup.objects.filter(pk__in=ids("subgroup_id"))},
    }
    all_kpis = set().union(*kpi_links.values()) if kpi_links else set()
    kpi_codes = {k.pk: k.code for k in KPI.objects.filter(pk__in=all_kpis)} if all_kpis else {}
    statuses = dict(Action.Status.choices)

    def show(name: str, value):
        if name in names:
            return names[name].get(value, "(removed)") if value is not None else None
        if name == "kpis":
            return ", ".join(sorted(kpi_codes.get(pk, "?") for pk in value)) or None
        if name == "status":
            return statuses.get(value, value)
        if isinstance(value, bool):
            return "Yes" if value else "No"
        return value if value not in ("", None) else None

    def state(record) -> dict:
        values = {
            name: getattr(record, f"{name}_id" if name in names else name)
            for name in ACTION_FIELDS
            if name != "kpis"
        }
        return values | {"kpis": frozenset(kpi_links.get(record.history_id, ()))}

    entries = []
    previous = None
    for record in records:
        who = person_name(record.history_user) or "The system"
        current = state(record)
        if previous is None:
            entries.append(ChangeEntry(record.history_date, who, "Action", "Created"))
        else:
            changes = _changed(ACTION_FIELDS, previous, current, show)
            if changes:
                entries.append(ChangeEntry(record.history_date, who, "Action", "", changes))
        previous = current

    last_seen: dict[int, dict] = {}
    for record in milestone_records:
        who = person_name(record.history_user) or "The system"
        current = {name: getattr(record, name) for name in MILESTONE_FIELDS}
        subject = f"Milestone: {record.title}"
        if record.history_type == "-":
            entries.append(ChangeEntry(record.history_date, who, subject, "Removed"))
        elif record.id not in last_seen:
            entries.append(ChangeEntry(record.history_date, who, subject, "Added"))
        else:
            changes = _changed(MILESTONE_FIELDS, last_seen[record.id], current, show)
            if changes:
                entries.append(ChangeEntry(record.history_date, who, subject, "", changes))
        last_seen[record.id] = current

    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries


def _shown(value) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, date):
        return uk_date_short(value)
    return str(value)


def action_changes_since(*, action: Action, version: int) -> tuple[str, datetime, list[str]]:
    """Who changed the action last, when, and a line for each change after ``version``
    (fields, milestones and progress updates): what an edit refused by
    ``core.versioning.check_version`` shows."""
    read = action.history.filter(version__lte=version).order_by("-version", "-history_date").first()
    since = read.history_date if read else action.created_at
    last = action.history.filter(version__gt=version).select_related("history_user").order_by("-history_date")
    last = last.first()
    who, when = (person_name(last.history_user), last.history_date) if last else ("", action.updated_at)
    lines = []
    for entry in reversed(action_change_history(action=action)):
        if entry.when <= since:
            continue
        if entry.summary:
            lines.append(f"{entry.subject}: {entry.summary.lower()} by {entry.who}")
        for change in entry.changes:
            subject = "" if entry.subject == "Action" else f"{entry.subject}: "
            lines.append(f"{subject}{change.label}: {_shown(change.old)} → {_shown(change.new)}")
    for update in action.updates.filter(created_at__gt=since).select_related("author").order_by("created_at"):
        lines.append(
            f"Progress update added by {person_name(update.author)}: {update.get_status_display().lower()}"
        )
    return who, when, lines
