"""The single sign-on pages: start at the provider, come back signed in (or told why not).

They live beside the sign-in page because, like it, they land each role on its own work
(``navigation.landing_url``). Both answer 404 unless OIDC_RP_CLIENT_ID is set.
"""

import logging

import requests
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from django.shortcuts import render
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from accounts import mfa
from accounts.sso import REFUSAL_ATTRIBUTE, Refusal
from core.client_address import client_address

from .navigation import landing_url

security_log = logging.getLogger("hcp.security")

REFUSALS = {
    Refusal.NO_ROLE: "Your council account is not in a group that has a role on this portal.",
    Refusal.NO_EMAIL: "Your council account did not give the portal an email address.",
    Refusal.NO_ACCOUNT: "There is no portal account for your council account.",
    Refusal.LOCAL_ACCOUNT: (
        "A portal account with your email address signs in with a password. Sign in with it, "
        "or ask an administrator to move it to council sign-in."
    ),
}
NOT_SIGNED_IN = "Signing in with your council account did not finish."
SWITCHED_OFF = "Your portal account is switched off."
UNREACHABLE = "The council's sign-in service did not answer."


class _SingleSignOnOnly:
    def dispatch(self, request, *args, **kwargs):
        if not settings.OIDC_ENABLED:
            raise Http404("Single sign-on is not set up.")
        return super().dispatch(request, *args, **kwargs)


class SingleSignOnStartView(_SingleSignOnOnly, OIDCAuthenticationRequestView):
    """Sends the browser to the provider, with state, nonce and a PKCE challenge kept in the session."""


class SingleSignOnCallbackView(_SingleSignOnOnly, OIDCAuthenticationCallbackView):
    """Where the provider sends the browser back: exchanges the code and signs the user in."""

    @property
    def success_url(self):
        return self.request.session.get("oidc_login_next") or landing_url(self.user)

    def get(self, request):
        try:
            return super().get(request)
        except requests.RequestException:
            security_log.exception("sso provider unreachable")
            return self._refused(UNREACHABLE, status=502)
        except SuspiciousOperation as error:
            # A token that fails a check (signature, times, audience, state): refused, and said so.
            security_log.warning(
                "sso sign-in refused reason=token address=%s: %s", client_address(request), error
            )
            return self._refused(NOT_SIGNED_IN)

    def login_success(self):
        response = super().login_success()
        provider_mfa = getattr(self.user, "hcp_sso_idp_mfa", False)
        if provider_mfa:
            mfa.mark_verified_by_provider(self.request.session)
        security_log.info("sso signed in user_id=%s mfa_by_provider=%s", self.user.pk, provider_mfa)
        return response

    def login_failure(self):
        reason = getattr(self.request, REFUSAL_ATTRIBUTE, None)
        user = getattr(self, "user", None)
        if reason is None and user is not None and not user.is_active:
            return self._refused(SWITCHED_OFF)
        return self._refused(REFUSALS.get(reason, NOT_SIGNED_IN))

    def _refused(self, message: str, status: int = 403):
        return render(
            self.request,
            "registration/sso_refused.html",
            {"message": message},
            status=status,
        )
