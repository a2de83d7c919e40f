"""Two-factor sign-in in tests: a known authenticator key per user, and its current code.

``tests/conftest.py`` makes ``client.force_login(user)`` pass the second factor too (with a
device of this key), so tests of other things sign in as before;
``force_login(user, verified=False)`` leaves the session owing its code.
"""

from django.contrib.auth import get_user_model
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import mfa

# Base32 "JBSWY3DPEHPK3PXP", the key of many authenticator examples, in hex as django-otp keeps it.
TEST_TOTP_KEY = mfa.hex_key_from_base32("JBSWY3DPEHPK3PXP")


def totp_device(user) -> TOTPDevice:
    """The user's confirmed app device, made with the test key if they have none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(
        user=user, name=mfa.APP_DEVICE_NAME, key=TEST_TOTP_KEY, confirmed=True
    )


def totp_code(user) -> str:
    """The code the user's app shows now; the device forgets codes already used, so one can be reused."""
    device = totp_device(user)
    TOTPDevice.objects.filter(pk=device.pk).update(
        last_t=-1, throttling_failure_count=0, throttling_failure_timestamp=None
    )
    return mfa.current_code(device.key)


def mark_verified(client, user) -> None:
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = totp_device(user).persistent_id
    session.save()


def user_named(username: str):
    return get_user_model().objects.filter(username=username).first()
