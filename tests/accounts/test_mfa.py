"""Two-factor sign-in: who must use it, enrolment, codes, backup codes, the admin's reset."""

import re
import time
from datetime import timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import mfa
from accounts.middleware import SESSION_STARTED_KEY
from tests.factories import TEST_PASSWORD
from tests.mfa import totp_code, totp_device

pytestmark = pytest.mark.django_db

IV_HOME = "/participation/iv/"


def password_sign_in(client, user):
    return client.post(reverse("login"), {"username": user.username, "password": TEST_PASSWORD})


@pytest.mark.parametrize("role", ["ivstaff", "admin"])
def test_a_password_alone_opens_no_child_level_page(client, users, role):
    totp_device(users[role])
    password_sign_in(client, users[role])
    for url in (IV_HOME, "/participation/iv/referrals/", "/admin/", "/admin/participation/referral/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("mfa_verify") + "?next="), url


def test_without_an_app_the_coordinator_is_sent_to_set_one_up(client, users):
    client.force_login(users["ivstaff"], verified=False)
    response = client.get(IV_HOME)
    assert response.status_code == 302
    assert response.url == reverse("mfa_setup") + "?next=%2Fparticipation%2Fiv%2F"


def test_a_panel_member_needs_no_second_factor_unless_the_setting_asks(client, users, settings):
    client.force_login(users["panel"], verified=False)
    assert client.get(reverse("panel:dashboard")).status_code == 200
    settings.MFA_REQUIRED_FOR_EVERYONE = True
    assert client.get(reverse("panel:dashboard")).status_code == 302


def test_the_right_code_opens_the_page_asked_for(client, users):
    user = users["ivstaff"]
    password_sign_in(client, user)
    response = client.post(f"{reverse('mfa_verify')}?next={IV_HOME}", {"code": totp_code(user)})
    assert response.status_code == 302
    assert response.url == IV_HOME
    assert client.get(IV_HOME).status_code == 200


def test_verifying_changes_the_session_key(client, users):
    user = users["ivstaff"]
    password_sign_in(client, user)
    before = client.session.session_key
    client.post(reverse("mfa_verify"), {"code": totp_code(user)})
    assert client.session.session_key != before


def test_a_wrong_code_is_refused_with_a_message(client, users):
    user = users["ivstaff"]
    totp_device(user)
    password_sign_in(client, user)
    right = totp_code(user)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    response = client.post(reverse("mfa_verify"), {"code": wrong})
    assert response.status_code == 200
    assert "The code is wrong or has expired" in response.content.decode()
    assert client.get(IV_HOME).status_code == 302


def test_a_code_cannot_be_used_twice(client, users):
    user = users["ivstaff"]
    password_sign_in(client, user)
    code = totp_code(user)
    client.post(reverse("mfa_verify"), {"code": code})
    client.post(reverse("logout"))
    password_sign_in(client, user)
    response = client.post(reverse("mfa_verify"), {"code": code})
    assert response.status_code == 200
    assert client.get(IV_HOME).status_code == 302


def test_a_backup_code_signs_in_once(client, users):
    user = users["ivstaff"]
    totp_device(user)
    codes = mfa.backup_codes_replace(user=user)
    password_sign_in(client, user)
    assert client.post(reverse("mfa_verify"), {"code": codes[0].upper()}).status_code == 302
    assert client.get(IV_HOME).status_code == 200
    client.post(reverse("logout"))
    password_sign_in(client, user)
    assert client.post(reverse("mfa_verify"), {"code": codes[0]}).status_code == 200
    assert StaticToken.objects.filter(device__user=user).count() == mfa.BACKUP_CODE_COUNT - 1


def test_enrolment_shows_a_local_qr_code_confirms_the_app_and_gives_backup_codes(client, users):
    user = users["ivstaff"]
    password_sign_in(client, user)
    page = client.get(reverse("mfa_setup")).content.decode()
    # The QR code is drawn here as an inline SVG image; no outside service sees the key.
    assert 'src="data:image/svg+xml' in page
    assert "http" not in re.search(r'src="(data:image/svg\+xml[^"]*)"', page).group(1).split(",", 1)[0]
    key = key_on(page)

    response = client.post(reverse("mfa_setup"), {"code": mfa.current_code(key)})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Two-factor sign-in is on" in body
    codes = re.findall(r"<li><code>([0-9a-f]{8})</code></li>", body)
    assert len(codes) == mfa.BACKUP_CODE_COUNT
    assert TOTPDevice.objects.get(user=user, confirmed=True).key == key
    assert client.get(IV_HOME).status_code == 200
    assert response["Cache-Control"].startswith("max-age=0, no-cache, no-store")


def key_on(page: str) -> str:
    """The authenticator key the set-up page shows, as django-otp keeps it (hex)."""
    return mfa.hex_key_from_base32(re.search(r'id="totp-secret">([A-Z2-7 ]+)<', page).group(1))


def test_a_key_copied_from_another_session_never_becomes_the_users_key(client, users):
    """The attack: after a reset, someone with the password opens the set-up page first and
    copies the key; the user then enrols; the copier signs in with a code of their own."""
    victim = users["ivstaff"]
    attacker = client.__class__()
    password_sign_in(attacker, victim)
    copied = key_on(attacker.get(reverse("mfa_setup")).content.decode())

    password_sign_in(client, victim)
    own = key_on(client.get(reverse("mfa_setup")).content.decode())
    assert own != copied
    assert client.post(reverse("mfa_setup"), {"code": mfa.current_code(own)}).status_code == 200
    assert client.get(IV_HOME).status_code == 200

    # The copier's pending key enrols nothing now, and a code from it opens nothing.
    assert attacker.post(reverse("mfa_setup"), {"code": mfa.current_code(copied)}).status_code == 302
    later = client.__class__()
    password_sign_in(later, victim)
    later.post(reverse("mfa_verify"), {"code": mfa.current_code(copied)})
    assert later.get(IV_HOME).status_code == 302
    assert TOTPDevice.objects.get(user=victim).key == own


def test_the_set_up_page_shows_each_key_once(client, users):
    user = users["ivstaff"]
    password_sign_in(client, user)
    first = key_on(client.get(reverse("mfa_setup")).content.decode())
    second = key_on(client.get(reverse("mfa_setup")).content.decode())
    assert first != second
    # Only the key shown last can be confirmed.
    response = client.post(reverse("mfa_setup"), {"code": mfa.current_code(first)})
    assert "The code is wrong or has expired" in response.content.decode()
    # A wrong code shows the same key again, to try once more.
    assert key_on(response.content.decode()) == second
    assert client.post(reverse("mfa_setup"), {"code": mfa.current_code(second)}).status_code == 200
    assert client.get(IV_HOME).status_code == 200


def test_a_wrong_code_at_enrolment_confirms_nothing(client, users):
    user = users["ivstaff"]
    password_sign_in(client, user)
    client.get(reverse("mfa_setup"))
    response = client.post(reverse("mfa_setup"), {"code": "000000"})
    assert "The code is wrong or has expired" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    assert client.get(IV_HOME).status_code == 302


def test_an_enrolled_user_cannot_enrol_another_app_without_a_reset(client, users):
    user = users["ivstaff"]
    totp_device(user)
    password_sign_in(client, user)
    assert client.get(reverse("mfa_setup")).url == reverse("mfa_verify")


def test_an_administrator_resets_a_users_two_factor_and_it_is_recorded(client, users):
    victim, admin = users["ivstaff"], users["admin"]
    other = client.__class__()
    other.force_login(victim)
    mfa.backup_codes_replace(user=victim)
    assert other.get(IV_HOME).status_code == 200

    client.force_login(admin)
    response = client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "reset_two_factor", "_selected_action": [victim.pk]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=victim).exists()
    assert not StaticToken.objects.filter(device__user=victim).exists()
    # The victim's session ended; the administrator's did not.
    assert other.get(IV_HOME).status_code == 302
    assert client.get(IV_HOME).status_code == 200
    entry = LogEntry.objects.get(object_id=str(victim.pk))
    assert entry.user == admin
    assert "Reset two-factor sign-in" in entry.change_message
    assert Session.objects.count() == 1


def test_the_user_list_in_the_admin_shows_who_has_an_app(client, users):
    totp_device(users["lead"])
    client.force_login(users["admin"])
    response = client.get(reverse("admin:auth_user_changelist"))
    assert response.status_code == 200
    assert "Two-factor app" in response.content.decode()


def test_device_records_are_read_only_in_the_admin(client, users):
    client.force_login(users["admin"])
    device = totp_device(users["lead"])
    assert client.get(reverse("admin:otp_totp_totpdevice_changelist")).status_code == 200
    assert client.post(reverse("admin:otp_totp_totpdevice_delete", args=[device.pk])).status_code == 403


def test_a_session_ends_after_its_absolute_lifetime_however_busy(client, users, settings):
    client.force_login(users["panel"])
    assert client.get(reverse("home")).status_code == 200
    session = client.session
    assert abs(session[SESSION_STARTED_KEY] - time.time()) < 60
    session[SESSION_STARTED_KEY] = time.time() - settings.SESSION_MAX_HOURS * 3600 - 1
    session.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert "_auth_user_id" not in client.session


def test_the_session_lifetime_defaults_to_twelve_hours(settings):
    assert settings.SESSION_MAX_HOURS == 12


@pytest.mark.parametrize(
    "target", ["-1", "home", "https://evil.example/", "//evil.example/", "/" + "a" * 3000]
)
def test_after_the_code_only_a_path_on_this_site_is_followed(client, users, target):
    client.force_login(users["ivstaff"])
    response = client.get(reverse("mfa_verify"), {"next": target})
    assert response.status_code == 302
    assert response.url == "/"


def test_a_right_code_sent_while_codes_are_paused_after_a_wrong_one_says_when_to_try_again(
    client, users, settings
):
    settings.OTP_TOTP_THROTTLE_FACTOR = 30  # a 30 s pause after one wrong code
    user = users["ivstaff"]
    password_sign_in(client, user)
    right = totp_code(user)
    client.post(reverse("mfa_verify"), {"code": f"{(int(right) + 1) % 1_000_000:06d}"})
    html = client.post(reverse("mfa_verify"), {"code": right}).content.decode()
    assert "wrong or has expired" not in html
    assert re.search(r"wait (29|30) seconds, then enter the code your app shows then", html)
    assert client.get(IV_HOME).status_code == 302
    # Once the pause is over, the code then shown is accepted.
    TOTPDevice.objects.filter(user=user).update(
        throttling_failure_timestamp=timezone.now() - timedelta(seconds=31)
    )
    assert client.post(reverse("mfa_verify"), {"code": totp_code(user)}).status_code == 302
