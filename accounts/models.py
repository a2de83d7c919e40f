from django.conf import settings
from django.db import models


class SingleSignOnIdentity(models.Model):
    """The provider's stable id (``sub``) for a portal account that signs in through single sign-on.

    Accounts are found by this, not by e-mail: an address can change or be reused, the
    subject cannot. Its presence also marks the account as one whose roles the provider's
    group claim decides at every sign-in.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sso_identity"
    )
    subject = models.CharField(max_length=255, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_sign_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "single sign-on identity"
        verbose_name_plural = "single sign-on identities"

    def __str__(self):
        return f"{self.user} ({self.subject})"
