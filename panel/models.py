from django.conf import settings
from django.core.validators import FileExtensionValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from core.formatting import uk_date

PAPER_EXTENSIONS = ["pdf", "docx", "xlsx", "pptx", "odt", "ods", "csv", "txt"]


class Meeting(models.Model):
    """A meeting of the Corporate Parenting Panel (about six a year)."""

    title = models.CharField(max_length=200, default="Corporate Parenting Panel")
    starts_at = models.DateTimeField()
    location = models.CharField(max_length=200, blank=True)
    notes = models.TextField(max_length=5000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_at"]
        get_latest_by = "starts_at"

    def __str__(self):
        return f"{self.title}, {uk_date(self.starts_at)}"

    def get_absolute_url(self):
        return reverse("panel:meeting_detail", args=[self.pk])


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    position = models.PositiveSmallIntegerField(default=1)
    title = models.CharField(max_length=200)
    presenter = models.CharField(max_length=120, blank=True)
    paper = models.FileField(
        upload_to="papers/%Y/%m/",
        blank=True,
        validators=[FileExtensionValidator(PAPER_EXTENSIONS)],
        help_text="The paper for this item, if any (PDF, Word, Excel, PowerPoint, ODF, CSV or text).",
    )

    class Meta:
        ordering = ["meeting", "position", "pk"]

    def __str__(self):
        return f"{self.position}. {self.title}"


class PanelAction(models.Model):
    """A question the panel asked or an action it set at a meeting (not a strategy action).

    Open ones are carried to every later meeting until they are done.
    """

    class Kind(models.TextChoices):
        QUESTION = "question", "Question"
        ACTION = "action", "Action"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="panel_actions")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.ACTION)
    text = models.TextField(max_length=1000)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="panel_actions"
    )
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    response = models.TextField(max_length=2000, blank=True)
    closed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["meeting__starts_at", "pk"]
        verbose_name = "panel question or action"

    def __str__(self):
        return self.text[:80]

    @property
    def is_overdue(self) -> bool:
        """Past its due date and not done."""
        return (
            self.due_date is not None
            and self.status != self.Status.DONE
            and self.due_date < timezone.localdate()
        )


class ProgressReport(models.Model):
    """A frozen, dated snapshot of the plan and its figures, built by Celery.

    One per kind and period: the conditional unique constraints make two workers
    racing to create the same report end with one row.
    """

    class Kind(models.TextChoices):
        MONTHLY = "monthly", "Monthly progress report"
        MEETING_PACK = "meeting_pack", "Meeting pack"

    class State(models.TextChoices):
        PENDING = "pending", "Waiting to be built"
        BUILDING = "building", "Being built"
        READY = "ready", "Issued"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=14, choices=Kind.choices)
    period_start = models.DateField()
    period_end = models.DateField()
    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, null=True, blank=True, related_name="packs"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Per cent built.")
    progress_note = models.CharField(max_length=200, blank=True)
    data = models.JSONField(default=dict, blank=True, editable=False)
    html = models.TextField(blank=True, editable=False)
    # The printable pack, built with the HTML and saved in the same transaction that
    # issues the report, so a report is never "ready" with half a PDF.
    pdf = models.BinaryField(blank=True, editable=False)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    # Who holds the build lease: the Celery task's id (panel.reports.claim_report).
    lease_owner = models.CharField(max_length=64, blank=True, editable=False)
    issued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-period_end", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "period_end"],
                condition=models.Q(kind="monthly"),
                name="one_monthly_report_per_period",
            ),
            models.UniqueConstraint(
                fields=["meeting"],
                condition=models.Q(kind="meeting_pack"),
                name="one_pack_per_meeting",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="monthly") | models.Q(meeting__isnull=False),
                name="meeting_pack_has_meeting",
            ),
        ]

    def __str__(self):
        if self.kind == self.Kind.MEETING_PACK and self.meeting_id:
            return f"Meeting pack for {self.meeting}"
        return f"{self.get_kind_display()}, {self.period_end:%B %Y}"

    def get_absolute_url(self):
        return reverse("panel:report_detail", args=[self.pk])

    @property
    def is_ready(self) -> bool:
        return self.state == self.State.READY


class ReminderLog(models.Model):
    """One reminder sent to one person for one cycle: the key that stops repeats."""

    class Kind(models.TextChoices):
        LEAD_BEFORE_MEETING = "lead_meeting", "Lead: actions with no update before a meeting"
        IV_WEEKLY = "iv_weekly", "IV coordinator: weekly digest"
        PARTICIPATION_WEEKLY = "part_weekly", "Participation officer: weekly digest"
        REPORT_ISSUED = "report_issued", "Panel member: report issued"
        KPI_COMMENTARY = "kpi_commentary", "KPI owner: commentary missing before a meeting"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    cycle = models.CharField(max_length=40, help_text="Which meeting, week or report it was for.")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "cycle", "recipient"], name="one_reminder_per_cycle")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} – {self.cycle} – {self.recipient}"
