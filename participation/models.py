from django.conf import settings
from django.db import models


class ParticipationGroup(models.Model):
    """A forum through which children and young people are heard."""

    class Kind(models.TextChoices):
        CARE_EXPERIENCED = "care", "Care-experienced voice"
        UNIVERSAL = "universal", "Universal youth voice"
        PROGRAMME = "programme", "Programme or training"

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    purpose = models.TextField(blank=True)
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="facilitated_groups",
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name
