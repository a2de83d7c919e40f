"""The young people's page: easy-read texts of commitments, actions and updates, and the
jargon they must avoid."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .plan import Action, Commitment, ProgressUpdate


class JargonTerm(models.Model):
    """A word young people asked us not to use, and the plain words to use instead.

    Participation officers keep the list in the Django admin; every easy-read text is
    checked against it when saved and approved.
    """

    term = models.CharField(max_length=60, unique=True, help_text="The word or phrase to avoid.")
    plain_words = models.CharField(
        max_length=120, help_text="What to say instead, in words young people use."
    )
    note = models.TextField(blank=True, help_text="Why, or who asked for it.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["term"]
        verbose_name = "jargon word"

    def __str__(self):
        return f"{self.term} → {self.plain_words}"


class EasyReadTextQuerySet(models.QuerySet):
    def published(self):
        return self.exclude(published_text="")


class EasyReadText(models.Model):
    """Plain words for young people about one commitment, action or progress update.

    Written by a participation officer or the action's lead; it reaches the young
    people's page only when a participation officer approves it, which copies ``text``
    into ``published_text``. Later edits wait for approval while the approved words stay
    up; taking it off the page empties ``published_text``. Staff text is never shown.
    """

    commitment = models.OneToOneField(
        Commitment, on_delete=models.CASCADE, null=True, blank=True, related_name="easy_read_text"
    )
    action = models.OneToOneField(
        Action, on_delete=models.CASCADE, null=True, blank=True, related_name="easy_read_text"
    )
    update = models.OneToOneField(
        ProgressUpdate, on_delete=models.CASCADE, null=True, blank=True, related_name="easy_read_text"
    )
    text = models.TextField("Easy-read words", help_text="The latest wording, approved or not.")
    published_text = models.TextField(
        blank=True, help_text="What young people see; empty when it is not on their page."
    )
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    written_at = models.DateTimeField(default=timezone.now)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    objects = EasyReadTextQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-written_at", "-pk"]
        verbose_name = "easy-read text"
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(commitment__isnull=False, action__isnull=True, update__isnull=True)
                    | models.Q(commitment__isnull=True, action__isnull=False, update__isnull=True)
                    | models.Q(commitment__isnull=True, action__isnull=True, update__isnull=False)
                ),
                name="easy_read_text_about_one_thing",
            )
        ]

    def __str__(self):
        return self.text[:60]

    @property
    def subject(self):
        return self.commitment or self.action or self.update

    @property
    def is_published(self) -> bool:
        return bool(self.published_text)

    @property
    def waiting_for_approval(self) -> bool:
        return self.text != self.published_text
