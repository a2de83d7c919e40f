"""An IV coordinator sets up an authenticator app and signs in with its code; with a
password alone no child-level page opens."""

import pytest
from playwright.sync_api import expect

from accounts import mfa
from actions.roles import Role
from tests.browser.conftest import assert_accessible, follow
from tests.factories import TEST_PASSWORD, ReferralFactory, UserFactory
from tests.mfa import totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def password_step(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    follow(page.get_by_role("button", name="Sign in"))


def test_a_coordinator_enrols_an_app_and_signs_in_with_its_code(page):
    coordinator = UserFactory(username="coordinator", role=Role.IV_COORDINATOR)
    referral = ReferralFactory(child_reference="MFA-CHILD-1")

    password_step(page, "coordinator")
    assert "/accounts/mfa/set-up/" in page.url
    assert_accessible(page)
    qr = page.get_by_role("img", name="QR code for adding the portal to your authenticator app")
    assert qr.get_attribute("src").startswith("data:image/svg+xml")
    assert qr.evaluate("img => img.naturalWidth") > 0, "the QR code did not render"
    secret = page.locator("#totp-secret").inner_text()
    page.get_by_label("Code from the app").fill(mfa.current_code(mfa.hex_key_from_base32(secret)))
    follow(page.get_by_role("button", name="Turn on two-factor sign-in"))
    expect(page.get_by_role("heading", name="Two-factor sign-in is on")).to_be_visible()
    assert page.locator(".hcp-backup-codes li").count() == mfa.BACKUP_CODE_COUNT
    assert_accessible(page)
    follow(page.get_by_role("link", name="Continue"))
    assert page.url.endswith("/")
    follow(page.get_by_role("button", name="Sign out"))

    # A password alone: every child-level page sends the coordinator to the code.
    password_step(page, "coordinator")
    assert "/accounts/mfa/" in page.url
    assert_accessible(page)
    for path in (
        "/participation/iv/",
        "/participation/iv/referrals/",
        f"/participation/iv/referrals/{referral.pk}/",
    ):
        page.goto(path)
        assert "/accounts/mfa/?next=" in page.url, path
        assert "MFA-CHILD-1" not in page.content()

    # A wrong code is refused, the right one opens the page asked for.
    page.get_by_label("Code", exact=True).fill("000000" if totp_code(coordinator) != "000000" else "111111")
    follow(page.get_by_role("button", name="Continue"))
    expect(page.get_by_text("The code is wrong or has expired").first).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Code", exact=True).fill(totp_code(coordinator))
    follow(page.get_by_role("button", name="Continue"))
    assert page.url.endswith(f"/participation/iv/referrals/{referral.pk}/")
    assert "MFA-CHILD-1" in page.content()
