"""Two-factor sign-in (TOTP through django-otp), and who must use it.

A session is verified when django-otp's session key holds the device that accepted a
code in it. The device
is not read again on each request: an administrator's reset removes the devices *and*
ends the user's sessions, so a verified session cannot outlive its device.
"""

import math
import secrets
from base64 import b32decode, b32encode
from binascii import hexlify, unhexlify

import django_otp
from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from actions.roles import has_role

APP_DEVICE_NAME = "Authenticator app"
BACKUP_DEVICE_NAME = "Backup codes"
BACKUP_CODE_COUNT = 10
# Set when a single sign-on provider vouched for a second factor (accounts/sso.py).
IDP_MFA_SESSION_KEY = "hcp_mfa_by_provider"
# The key shown on the set-up page, until a code confirms it.
PENDING_KEY_SESSION_KEY = "hcp_mfa_pending_key"


def mfa_required(user) -> bool:
    """Whether this user must pass a second factor before seeing anything but the sign-in pages."""
    if not user.is_authenticated:
        return False
    if settings.MFA_REQUIRED_FOR_EVERYONE or user.is_staff or user.is_superuser:
        return True
    return has_role(user, *settings.MFA_REQUIRED_ROLES)


def session_verified(session) -> bool:
    return bool(session.get(django_otp.DEVICE_ID_SESSION_KEY) or session.get(IDP_MFA_SESSION_KEY))


def mark_verified_by_provider(session) -> None:
    """The single sign-on provider's own multi-factor sign-in stands for the TOTP code."""
    session[IDP_MFA_SESSION_KEY] = True


def confirmed_app_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_key_new(session) -> str:
    """A new authenticator key for this session's set-up page, replacing any shown before.

    The key lives only in this session until a code from it confirms it: someone else who
    has the password and opens the page elsewhere gets a key of their own, which can never
    become this user's."""
    session[PENDING_KEY_SESSION_KEY] = random_hex(20)
    return session[PENDING_KEY_SESSION_KEY]


def pending_key(session) -> str | None:
    return session.get(PENDING_KEY_SESSION_KEY)


def config_url(*, user, hex_key: str) -> str:
    """The otpauth:// address the QR code holds (django-otp's, for a device not yet saved)."""
    return TOTPDevice(user=user, name=APP_DEVICE_NAME, key=hex_key).config_url


def base32_secret(hex_key: str) -> str:
    """The key as authenticator apps take it when typed in, in groups of four."""
    raw = b32encode(unhexlify(hex_key)).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def hex_key_from_base32(secret: str) -> str:
    cleaned = secret.replace(" ", "").upper()
    return hexlify(b32decode(cleaned + "=" * (-len(cleaned) % 8))).decode()


def current_code(hex_key: str) -> str:
    """The code an authenticator app would show now for this key (demo and tests)."""
    totp = TOTP(unhexlify(hex_key))
    return f"{totp.token():06d}"


def clean_code(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


WRONG_CODE = "The code is wrong or has expired: enter the code your app shows now"


def seconds_until_codes_accepted(device) -> int:
    """How long django-otp's throttle refuses every code, right or wrong, after wrong ones
    (it doubles with each wrong code); 0 when a code is checked now."""
    if device is None:
        return 0
    allowed, data = device.verify_is_allowed()
    if allowed or not data or "locked_until" not in data:
        return 0
    return max(1, math.ceil((data["locked_until"] - timezone.now()).total_seconds()))


def code_refused_message(wait: int) -> str:
    """Why a code was refused: wrong, or sent while the throttle refuses every code."""
    if not wait:
        return WRONG_CODE
    seconds = f"{wait} second{'s' if wait > 1 else ''}"
    return (
        f"After a wrong code, codes are not checked for a short time: wait {seconds}, "
        "then enter the code your app shows then"
    )


def verify_code(*, request, code: str):
    """Check a code against the user's confirmed devices (app or backup code); mark the session verified."""
    device = django_otp.match_token(request.user, clean_code(code))
    if device is None:
        return None
    # A new session key, so a key seen before the second factor is worth nothing after it.
    request.session.cycle_key()
    django_otp.login(request, device)
    return device


@transaction.atomic
def mfa_enrol_confirm(*, request, code: str) -> list[str] | None:
    """Make this session's pending key the user's app device, confirmed by its first code;
    returns fresh backup codes, or None for a wrong code (or no pending key, or an app
    already enrolled)."""
    user = request.user
    hex_key = pending_key(request.session)
    # The user's row is locked so that two sessions cannot both enrol.
    get_user_model().objects.select_for_update().get(pk=user.pk)
    if hex_key is None or confirmed_app_device(user):
        return None
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, key=hex_key, confirmed=False)
    if not device.verify_token(clean_code(code)):
        transaction.set_rollback(True)
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    del request.session[PENDING_KEY_SESSION_KEY]
    codes = backup_codes_replace(user=user)
    request.session.cycle_key()
    django_otp.login(request, device)
    return codes


@transaction.atomic
def backup_codes_replace(*, user) -> list[str]:
    """Throw away the user's backup codes and issue ten new ones (each works once)."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=BACKUP_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [secrets.token_hex(4) for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def backup_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def sessions_end(*, user) -> int:
    """End every session of this user (database sessions; a small portal has few)."""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            session.delete()
            ended += 1
    return ended


@transaction.atomic
def mfa_reset(*, user, by) -> None:
    """Remove the user's devices and backup codes and sign them out everywhere; recorded in the admin log.

    At their next sign-in they enrol a new authenticator app.
    """
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    sessions_end(user=user)
    LogEntry.objects.log_actions(
        user_id=by.pk,
        queryset=[user],
        action_flag=CHANGE,
        change_message="Reset two-factor sign-in: devices and backup codes removed, sessions ended.",
        single_object=True,
    )


def mfa_seed_device(*, user, hex_key: str) -> TOTPDevice:
    """A confirmed app device with a known key: demo users (seed_demo) and tests only."""
    TOTPDevice.objects.filter(user=user).delete()
    return TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, key=hex_key, confirmed=True)
