"""Per-request sign-in rules: the second factor, and the absolute session lifetime."""

import time

from django.conf import settings
from django.contrib import auth
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from . import mfa

# Pages an account that still owes its second factor may open.
OPEN_BEFORE_MFA = {
    "login",
    "logout",
    "mfa_verify",
    "mfa_setup",
    "oidc_authentication_init",
    "oidc_authentication_callback",
    "healthz",
    "accessibility",
    "young_people",
}
SESSION_STARTED_KEY = "hcp_signed_in_at"


class SessionLifetimeMiddleware:
    """End a session this long after sign-in, however busy (the idle timeout is the cookie's age)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = request.session.get(SESSION_STARTED_KEY)
        if started is not None and time.time() - started > settings.SESSION_MAX_HOURS * 3600:
            auth.logout(request)
            return redirect(f"{reverse('login')}?{urlencode({'expired': 1})}")
        response = self.get_response(request)
        if request.user.is_authenticated and SESSION_STARTED_KEY not in request.session:
            request.session[SESSION_STARTED_KEY] = int(time.time())
        return response


class MFARequiredMiddleware:
    """Accounts that must use a second factor see only the sign-in pages until they have given one.

    Covers every view, the Django admin included, so no child-level page can open
    on a password alone.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or match.view_name in OPEN_BEFORE_MFA:
            return None
        user = request.user
        if not mfa.mfa_required(user) or mfa.session_verified(request.session):
            return None
        target = "mfa_verify" if mfa.confirmed_app_device(user) else "mfa_setup"
        url = reverse(target)
        if request.method == "GET":
            url += "?" + urlencode({"next": request.get_full_path()})
        return redirect(url)
