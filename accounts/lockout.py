"""django-axes, plus a lock on an address that fails for several different usernames.

Axes locks a username at an address after AXES_FAILURE_LIMIT failures. Password
spraying tries one password against many usernames, a few failures each, so it never
trips that; an address that has failed for AXES_IP_USERNAME_LIMIT different usernames
within the cool-off is locked for everyone as well.
"""

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from core.client_address import client_address


class PortalAxesHandler(AxesDatabaseHandler):
    def is_locked(self, request, credentials=None) -> bool:
        return super().is_locked(request, credentials) or address_is_spraying(request)

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request, **kwargs)
        # Axes flags a lock-out (and so answers 429) only by its own count; the address's too.
        if (
            request is not None
            and not getattr(request, "axes_locked_out", False)
            and address_is_spraying(request)
        ):
            request.axes_locked_out = True
            request.axes_credentials = credentials

    # On a successful sign-in axes cleans up twice (expired attempts anywhere; this user's
    # failures), each a SELECT of the rows it deletes (for its delete signal). Nearly always
    # there are none: one query covering both says so, and neither runs.
    def user_logged_in(self, sender, request, user, **kwargs):
        expired = Q(attempt_time__lte=get_cool_off_threshold(request))
        request.axes_nothing_to_clean = not AccessAttempt.objects.filter(
            expired | Q(username=user.get_username())
        ).exists()
        super().user_logged_in(sender, request, user, **kwargs)

    def clean_expired_user_attempts(self, request=None, credentials=None) -> int:
        if getattr(request, "axes_nothing_to_clean", False):
            return 0
        return super().clean_expired_user_attempts(request, credentials)

    def reset_user_attempts(self, request, credentials=None) -> int:
        if getattr(request, "axes_nothing_to_clean", False):
            return 0
        return super().reset_user_attempts(request, credentials)


def address_is_spraying(request) -> bool:
    ip_address = getattr(request, "axes_ip_address", None) or client_address(request)
    if not ip_address:
        return False
    attempts = AccessAttempt.objects.filter(ip_address=ip_address, failures_since_start__gt=0)
    if cool_off := get_cool_off(request):
        attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
    return attempts.values("username").distinct().count() >= settings.AXES_IP_USERNAME_LIMIT


def is_single_sign_on(request, credentials=None) -> bool:
    """django-axes leaves the single sign-on callback alone (AXES_WHITELIST_CALLABLE): the
    provider checked the password, and a refusal there is not a guess."""
    match = getattr(request, "resolver_match", None)
    return match is not None and match.view_name == "oidc_authentication_callback"
