"""The delivery plan: the strategy's promises (themes) and commitments, the subgroups that
deliver it, its actions with their milestones and progress updates, and the month-end
ratings the dashboard reads."""

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Case, Exists, OuterRef, Q, Subquery, Value, When
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from core.formatting import uk_date, uk_date_short

from ..rag import RAG

# The one wording of the rule, wherever an action's dates are checked (services, forms, imports).
DUE_BEFORE_START = "The due date must be the same as or after the start date."
# What an edit of an action may change, by the form or a row of the plan import.
ACTION_EDITABLE_FIELDS = (
    "commitment",
    "title",
    "description",
    "lead",
    "lead_organisation",
    "subgroup",
    "start_date",
    "due_date",
    "status",
    "shareable",
)


class Theme(models.Model):
    """One of the strategy's promises (WISH: Well, Inspired, Safe, Heard, Treated Fairly)."""

    code = models.CharField(max_length=4, unique=True, help_text="Short stable code, e.g. W.")
    name = models.CharField(max_length=60, unique=True)
    promise = models.TextField(max_length=2000, help_text="The promise as the strategy words it.")
    easy_read = models.TextField(
        max_length=1000, blank=True, help_text="The promise in plain words for young people."
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "code"]

    def __str__(self):
        return self.name


class Commitment(models.Model):
    """A "We will…" line of the strategy, under one theme."""

    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="commitments")
    code = models.CharField(max_length=8, unique=True, help_text="Stable code, e.g. W1.")
    text = models.TextField(max_length=2000, help_text='What we will do, completing "We will…".')
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["theme__position", "position", "code"]

    def __str__(self):
        return f"{self.code}: {self.text}"


class Subgroup(models.Model):
    """A subgroup of the panel that delivers part of the plan."""

    name = models.CharField(max_length=120, unique=True)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="chaired_subgroups",
    )
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="subgroups")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class ActionQuerySet(models.QuerySet):
    def with_status(self, *, today: date | None = None, stale_days: int | None = None):
        """Annotate each action with its derived state, computed in SQL so that lists,
        exports and the dashboard can filter, sort and count on it without loading rows.

        - ``last_update_at``: when its latest progress update was written (or None).
        - ``is_overdue``: the due date has passed and the action is neither completed
          nor deferred (a deferred action was put back on purpose; its dates are to be
          re-planned, not chased).
        - ``has_slipped_milestone``: a milestone's due date has passed and it is not done.
        - ``is_stale``: an open action (not completed or deferred) with no progress
          update for ``ACTION_STALE_DAYS`` days; with no update at all, counted from
          its start date, since nobody can report on work before it starts.
        - ``rag``, the first that applies:
            1. completed → Complete;
            2. deferred → No rating;
            3. off track, or overdue → Red;
            4. some slippage, a slipped milestone, or not started after its start
               date → Amber;
            5. not started (start date still to come) → No rating;
            6. otherwise (on track) → Green.
        """
        first, second = derived_state(today=today or timezone.localdate(), stale_days=stale_days)
        return self.annotate(**first).annotate(**second)


def derived_state(*, today: date, stale_days: int | None = None) -> tuple[dict, dict]:
    """The annotations of ``ActionQuerySet.with_status`` (see its docstring), in two stages.

    They refer to the action by its ``id``, which both actions and their historical
    records have, so that the plan as it stood on an earlier day (``selectors.plan_state``)
    is rated by the same rule. Updates written after ``today`` and milestones completed
    after it do not count, which changes nothing when ``today`` is today.
    """
    if stale_days is None:
        stale_days = settings.ACTION_STALE_DAYS
    stale_since = today - timedelta(days=stale_days)
    stale_cutoff = timezone.make_aware(datetime.combine(stale_since, time.min))
    end_of_today = timezone.make_aware(datetime.combine(today, time.max))
    status = Action.Status
    closed = Q(status__in=[status.COMPLETED, status.DEFERRED])
    latest_update = ProgressUpdate.objects.filter(
        action=OuterRef("id"), created_at__lte=end_of_today
    ).order_by("-created_at", "-pk")
    slipped_milestones = Milestone.objects.filter(
        Q(completed_on__isnull=True) | Q(completed_on__gt=today),
        action=OuterRef("id"),
        due_date__lt=today,
    )
    first = {
        "last_update_at": Subquery(latest_update.values("created_at")[:1]),
        "has_slipped_milestone": Exists(slipped_milestones),
        "is_overdue": Case(
            When(closed, then=Value(False)),
            When(due_date__lt=today, then=Value(True)),
            default=Value(False),
            output_field=models.BooleanField(),
        ),
    }
    second = {
        "is_stale": Case(
            When(closed, then=Value(False)),
            When(last_update_at__lt=stale_cutoff, then=Value(True)),
            When(last_update_at__isnull=True, start_date__lt=stale_since, then=Value(True)),
            default=Value(False),
            output_field=models.BooleanField(),
        ),
        "rag": Case(
            When(status=status.COMPLETED, then=Value(RAG.COMPLETE.value)),
            When(status=status.DEFERRED, then=Value(RAG.NONE.value)),
            When(Q(status=status.OFF_TRACK) | Q(is_overdue=True), then=Value(RAG.RED.value)),
            When(
                Q(status=status.SOME_SLIPPAGE)
                | Q(has_slipped_milestone=True)
                | Q(status=status.NOT_STARTED, start_date__lt=today),
                then=Value(RAG.AMBER.value),
            ),
            When(status=status.NOT_STARTED, then=Value(RAG.NONE.value)),
            default=Value(RAG.GREEN.value),
            output_field=models.CharField(max_length=8, choices=RAG.choices),
        ),
    }
    return first, second


def rating_reason(action: "Action", *, milestones, today: date | None = None) -> str:
    """Why an action (annotated by ``with_status``) has its rating, in one sentence, e.g.
    "Amber: on track by its lead's last update, but milestone ‘Draft the offer’ slipped
    (due 3 Mar 2026)". It takes the steps of the "rag" rule in ``derived_state`` in the
    same order. ``milestones`` are the action's, already loaded; no query."""
    rag = RAG(action.rag)
    if rag == RAG.COMPLETE:  # step 1: completed
        return "Complete: marked completed."
    if action.status == Action.Status.DEFERRED:  # step 2: deferred
        return "No rating: deferred, so its dates are to be planned again."
    if rag == RAG.RED:  # step 3: off track, or overdue
        return f"Red: {' and '.join(_red_reasons(action))}."
    if rag == RAG.AMBER:  # step 4: slippage, a slipped milestone, or a late start
        slipped = _slipped(action, milestones=milestones, today=today or timezone.localdate())
        return f"Amber: {_progress(action)}{slipped}."
    if rag == RAG.NONE:  # step 5: not started, not yet due to start
        return f"No rating: not started yet; it is due to start on {uk_date(action.start_date)}."
    late = ", with no milestone late" if milestones else ""  # step 6: otherwise green
    return f"Green: {_progress(action)}{late}."


def _source(action: "Action") -> str:
    return "by its lead's last update" if action.last_update_at else "as recorded"


def _red_reasons(action: "Action") -> list[str]:
    reasons = []
    if action.status == Action.Status.OFF_TRACK:
        reasons.append(f"off track {_source(action)}")
    if action.is_overdue:
        reasons.append(f"overdue: it was due on {uk_date(action.due_date)} and is not complete")
    return reasons


def _progress(action: "Action") -> str:
    if action.status == Action.Status.NOT_STARTED:
        return f"not started, though it was due to start on {uk_date(action.start_date)}"
    return f"{action.get_status_display().lower()} {_source(action)}"


def _slipped(action: "Action", *, milestones, today: date) -> str:
    """ ", but milestone ‘X’ slipped (due …)" when a milestone slipped, else ""."""
    if not action.has_slipped_milestone:
        return ""
    slipped = [
        m for m in milestones if m.due_date < today and (m.completed_on is None or m.completed_on > today)
    ]
    joiner = "but" if action.status == Action.Status.ON_TRACK else "and"
    if not slipped:
        return f", {joiner} a milestone slipped"
    if len(slipped) == 1:
        return f", {joiner} milestone ‘{slipped[0].title}’ slipped (due {uk_date_short(slipped[0].due_date)})"
    titles = [f"‘{m.title}’" for m in slipped]
    return f", {joiner} milestones {', '.join(titles[:-1])} and {titles[-1]} slipped"


class Action(models.Model):
    """A piece of delivery under a commitment, with a named lead and dates.

    Its RAG rating, overdue and stale flags are derived: see ``ActionQuerySet.with_status``.
    """

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        ON_TRACK = "on_track", "On track"
        SOME_SLIPPAGE = "some_slippage", "Some slippage"
        OFF_TRACK = "off_track", "Off track"
        COMPLETED = "completed", "Completed"
        DEFERRED = "deferred", "Deferred"

    commitment = models.ForeignKey(Commitment, on_delete=models.PROTECT, related_name="actions")
    title = models.CharField(max_length=200)
    description = models.TextField(max_length=2000, blank=True)
    lead = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="led_actions")
    lead_organisation = models.CharField(max_length=120, blank=True)
    subgroup = models.ForeignKey(
        Subgroup, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions"
    )
    start_date = models.DateField()
    due_date = models.DateField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NOT_STARTED)
    kpis = models.ManyToManyField("actions.KPI", blank=True, related_name="actions")
    shareable = models.BooleanField(
        default=False, help_text="May be shown to young people on the easy-read page."
    )
    # Raised by every change, progress updates and milestones included (core.versioning).
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ActionQuerySet.as_manager()
    # The audit trail: who changed what, when, old → new (linked KPIs included).
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"], m2m_fields=[kpis])

    class Meta:
        ordering = ["commitment__theme__position", "commitment__position", "due_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(due_date__gte=models.F("start_date")),
                name="action_due_not_before_start",
                violation_error_message=DUE_BEFORE_START,
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("action_detail", args=[self.pk])

    @property
    def is_completed(self) -> bool:
        return self.status == self.Status.COMPLETED


class Milestone(models.Model):
    """A dated step of an action."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(max_length=200)
    due_date = models.DateField()
    completed_on = models.DateField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["due_date", "pk"]

    def __str__(self):
        return self.title

    def is_slipped(self, today: date | None = None) -> bool:
        return self.completed_on is None and self.due_date < (today or timezone.localdate())


class ProgressUpdate(models.Model):
    """Dated commentary by an action's lead. Never edited once written."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    status = models.CharField(max_length=16, choices=Action.Status.choices)
    done = models.TextField("What was done", max_length=5000)
    next_steps = models.TextField(max_length=5000, blank=True)
    evidence_url = models.URLField("Evidence link", blank=True)
    shareable = models.BooleanField(
        default=False, help_text="May be shown to young people on the easy-read page."
    )
    # The form's one-off token: the same form sent twice is recognised, not stored twice.
    submission_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        get_latest_by = "created_at"
        # The plan's "last update" column reads the newest update of each action.
        indexes = [models.Index(fields=["action", "-created_at"], name="progress_update_latest")]

    def __str__(self):
        return f"{self.action} – {uk_date_short(self.created_at)}"


class MonthEndRating(models.Model):
    """How many of a promise's actions had each rating at the end of a month that has closed:
    the dashboard's month-by-month chart, read instead of re-rating the audit history.

    Written by ``actions.month_ends`` (when a month closes, and again after a back-dated
    change); equal to ``plan_state(as_of=month)`` counted, which the tests check. ``theme`` is
    empty for actions whose commitment no longer exists. Each rated month also has one row with
    an empty ``rating`` and a count of 0, so that a month with no actions is known to be rated.
    """

    month = models.DateField(help_text="The last day of the month.")
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, null=True, related_name="+")
    rating = models.CharField(max_length=16, choices=RAG.choices, blank=True)
    count = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["month", "theme", "rating"],
                name="one_count_per_month_theme_rating",
                nulls_distinct=False,
            )
        ]

    def __str__(self):
        return f"{self.month}: {self.theme_id} {self.rating or 'rated'} {self.count}"
