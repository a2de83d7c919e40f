"""Single sign-on through OpenID Connect (Microsoft Entra ID for council staff).

mozilla-django-oidc runs the authorisation-code flow (with PKCE and a nonce); this module
decides who the provider's user is in the portal and which roles they hold:

- An account is found by the provider's ``sub``, kept in ``SingleSignOnIdentity``. At a
  first sign-in it is linked to the one existing account with the same e-mail address if
  that account has no password and is no superuser, or created (``OIDC_CREATE_USER``);
  an address that belongs to a password account is refused (never taken over).
- The group claim decides the portal roles at every sign-in, added and removed, so the
  provider stays the source of truth. A claim that maps to no role is refused (and the
  account's roles are taken away); the callback page says why.
- The sign-in counts as the second factor when the ID token's ``amr`` includes ``mfa``, or
  when ``OIDC_TRUST_IDP_MFA`` says the provider always requires it; otherwise an account
  that needs two-factor sign-in gives a TOTP code as after a password.
"""

import logging
from dataclasses import dataclass

import jwt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.utils import timezone
from mozilla_django_oidc.auth import OIDCAuthenticationBackend, default_username_algo

from actions.roles import Role

from .models import SingleSignOnIdentity

security_log = logging.getLogger("hcp.security")

# Roles that open the Django admin (the demo data gives these is_staff too): for an SSO
# account, is_staff follows them. is_superuser is never given through single sign-on.
ADMIN_SITE_ROLES = {Role.ADMINISTRATOR, Role.PARTICIPATION_OFFICER}
# Why a sign-in was refused, kept on the request for the callback page.
REFUSAL_ATTRIBUTE = "hcp_sso_refusal"


class Refusal:
    NO_ROLE = "no_role"
    NO_EMAIL = "no_email"
    NO_ACCOUNT = "no_account"
    LOCAL_ACCOUNT = "local_account"


@dataclass(frozen=True)
class SignOnClaims:
    subject: str
    email: str
    first_name: str
    last_name: str
    groups: tuple[str, ...]
    idp_mfa: bool


def roles_for_groups(groups) -> set[str]:
    """The portal roles the provider's groups give, by OIDC_ROLE_MAP."""
    return {settings.OIDC_ROLE_MAP[group] for group in groups if group in settings.OIDC_ROLE_MAP}


def claims_from_tokens(*, id_token: dict, userinfo: dict) -> SignOnClaims:
    """The claims the portal uses. Groups and ``amr`` come from the ID token (Entra puts
    groups there, not in userinfo), falling back to userinfo for providers that do."""
    if userinfo.get("sub", id_token.get("sub")) != id_token.get("sub") or not id_token.get("sub"):
        raise SuspiciousOperation("The userinfo subject is not the ID token's.")
    groups = id_token.get(settings.OIDC_GROUP_CLAIM, userinfo.get(settings.OIDC_GROUP_CLAIM)) or []
    if isinstance(groups, str):
        groups = [groups]
    amr = id_token.get("amr")
    # An address the provider itself calls unverified is not used to find or link an account.
    verified = userinfo.get("email_verified", id_token.get("email_verified")) is not False
    return SignOnClaims(
        subject=str(id_token["sub"]),
        email=(userinfo.get("email") or id_token.get("email") or "").strip() if verified else "",
        first_name=(userinfo.get("given_name") or id_token.get("given_name") or "")[:150],
        last_name=(userinfo.get("family_name") or id_token.get("family_name") or "")[:150],
        groups=tuple(str(group) for group in groups),
        # A list holding "mfa" (RFC 8176); a string such as "nomfa" is no second factor.
        idp_mfa=settings.OIDC_TRUST_IDP_MFA or (isinstance(amr, list) and "mfa" in amr),
    )


def _account_for(claims: SignOnClaims):
    """The linked account, or one to link by address, or None; raises ``LocalAccount`` when
    the address belongs to an account that signs in with a password."""
    identity = SingleSignOnIdentity.objects.select_related("user").filter(subject=claims.subject).first()
    if identity is not None:
        return identity.user
    if not claims.email:
        return None
    # Linked by address once, and only to an account not already linked to another subject.
    matches = list(get_user_model().objects.filter(email__iexact=claims.email, sso_identity__isnull=True)[:2])
    if len(matches) > 1:
        raise SuspiciousOperation("More than one account has this e-mail address.")
    account = matches[0] if matches else None
    # An address is a claim anyone controlling a directory entry can make ("nOAuth"): an
    # account that signs in with a password (partner staff) or a superuser is never taken
    # over through it. An administrator moves such an account to council sign-in by linking
    # it in the Django admin (single sign-on identities) or by removing its password.
    if account is not None and (account.is_superuser or account.has_usable_password()):
        raise LocalAccount
    return account


class LocalAccount(Exception):
    """The provider's address is that of an account that signs in with a password."""


def _new_username(email: str) -> str:
    User = get_user_model()
    username = email.lower()[:150]
    if User.objects.filter(username=username).exists():
        username = default_username_algo(email)
    return username


def roles_replace(*, user, roles: set[str]) -> None:
    """Give the user exactly these portal roles; groups that are not roles are left alone."""
    role_groups = Group.objects.filter(name__in=Role.values)
    user.groups.remove(*[group for group in role_groups if group.name not in roles])
    user.groups.add(*[group for group in role_groups if group.name in roles])
    # The roles are cached on the user object for the request (actions.roles.user_roles).
    for cache in ("_hcp_roles", "_group_names_cache"):
        user.__dict__.pop(cache, None)


@transaction.atomic
def sso_sign_in(*, claims: SignOnClaims):
    """The account for these claims with its roles set from the group claim, or a refusal.

    Returns ``(user, None)``, or ``(user or None, reason)`` when refused. A refused account
    that already exists loses its roles, so a role removed at the provider is gone here too.
    """
    roles = roles_for_groups(claims.groups)
    try:
        user = _account_for(claims)
    except LocalAccount:
        return None, Refusal.LOCAL_ACCOUNT
    if user is None:
        if not claims.email:
            return None, Refusal.NO_EMAIL
        if not roles:
            return None, Refusal.NO_ROLE
        if not settings.OIDC_CREATE_USER:
            return None, Refusal.NO_ACCOUNT
        user = get_user_model().objects.create_user(_new_username(claims.email), email=claims.email)
    identity, _ = SingleSignOnIdentity.objects.get_or_create(user=user, defaults={"subject": claims.subject})
    identity.last_sign_in_at = timezone.now()
    identity.save(update_fields=["last_sign_in_at"])
    roles_replace(user=user, roles=roles)
    user.is_staff = bool(roles & ADMIN_SITE_ROLES)
    if claims.email:
        user.email = claims.email
    user.first_name = claims.first_name or user.first_name
    user.last_name = claims.last_name or user.last_name
    user.save(update_fields=["is_staff", "email", "first_name", "last_name"])
    if not roles:
        return user, Refusal.NO_ROLE
    return user, None


class PortalOIDCBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend, answering only when single sign-on is configured."""

    def __init__(self, *args, **kwargs):
        # Off, the base class would refuse to start without endpoints; every sign-in
        # (the password form included) instantiates each backend.
        self.enabled = settings.OIDC_ENABLED
        if self.enabled:
            super().__init__(*args, **kwargs)

    def authenticate(self, request, **kwargs):
        # Only the callback passes a nonce: the password form never reaches the provider.
        if not self.enabled or request is None or kwargs.get("nonce") is None:
            return None
        return super().authenticate(request, **kwargs)

    def _verify_jws(self, payload, key):
        """mozilla-django-oidc's check of the signature and the algorithm, with PyJWT checking
        the times allowing ``OIDC_CLOCK_SKEW_SECONDS`` of skew; any fault is a refusal."""
        header = jwt.get_unverified_header(payload)
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation("The ID token is not signed with the expected algorithm.")
        return jwt.decode(
            payload,
            key,
            algorithms=[self.OIDC_RP_SIGN_ALGO],
            leeway=settings.OIDC_CLOCK_SKEW_SECONDS,
            options={"verify_aud": False, "require": ["exp", "iat"]},
        )

    def verify_token(self, token, **kwargs):
        """mozilla-django-oidc checks the signature, expiry and nonce; the audience, the
        authorised party and the issuer are checked here. A token PyJWT cannot read or accept
        (expired, not yet valid, badly signed, malformed) is refused, never a server error."""
        try:
            payload = super().verify_token(token, **kwargs)
        except (jwt.PyJWTError, KeyError, ValueError, TypeError) as error:
            raise SuspiciousOperation(f"The ID token was refused: {type(error).__name__}") from error
        audience = payload.get("aud")
        audiences = [audience] if isinstance(audience, str) else list(audience or [])
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("The ID token is not for this portal.")
        # OpenID Connect Core 3.1.3.7: a token for several audiences must name this portal as
        # its authorised party; an azp naming another client is refused whatever the audience.
        authorised_party = payload.get("azp")
        if (
            len(audiences) > 1 or authorised_party is not None
        ) and authorised_party != self.OIDC_RP_CLIENT_ID:
            raise SuspiciousOperation("The ID token was issued to another client.")
        if settings.OIDC_OP_ISSUER and payload.get("iss") != settings.OIDC_OP_ISSUER:
            raise SuspiciousOperation("The ID token comes from another issuer.")
        return payload

    def get_or_create_user(self, access_token, id_token, payload):
        userinfo = self.get_userinfo(access_token, id_token, payload)
        claims = claims_from_tokens(id_token=payload, userinfo=userinfo)
        user, refusal = sso_sign_in(claims=claims)
        if refusal:
            setattr(self.request, REFUSAL_ATTRIBUTE, refusal)
            security_log.warning(
                "sso sign-in refused reason=%s user_id=%s", refusal, getattr(user, "pk", None)
            )
            return None
        user.hcp_sso_idp_mfa = claims.idp_mfa
        return user

    def get_user(self, user_id):
        # Django's check, which mozilla-django-oidc leaves out: a switched-off account's
        # session ends at its next request.
        return ModelBackend.get_user(self, user_id)
