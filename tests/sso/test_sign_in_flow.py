"""The whole single sign-on flow against a real OpenID provider in a second process:
the portal's button → the provider's sign-in form → the callback → signed in with the role
of the group claim. A real HTTP client (requests) follows every redirect."""

import re
from html import unescape

import pytest
import requests
from axes.models import AccessAttempt, AccessLog
from django.contrib.auth import get_user_model

from accounts.models import SingleSignOnIdentity
from actions.roles import Role, user_roles
from tests.sso.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

PANEL, LEADS, ADMINS = "0b7c4d1e-panel", "5a2f9e3c-leads", "9d8e7f6a-admins"


def _field(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert match, f"no {name} field in {html[:500]}"
    return unescape(match.group(1))


def sign_in_with_council_account(portal: str, username: str) -> tuple[requests.Session, requests.Response]:
    """What a person does: the portal's button, then the provider's username and password."""
    browser = requests.Session()
    sign_in_page = browser.get(f"{portal}/accounts/login/", timeout=10)
    button = re.search(r'<a href="([^"]+)"[^>]*>Sign in with your council account</a>', sign_in_page.text)
    assert button, "the sign-in page has no single sign-on button"
    provider_form = browser.get(portal + unescape(button.group(1)), timeout=10)
    assert "Test provider: sign in" in provider_form.text, provider_form.url
    response = browser.post(
        provider_form.url,
        data={
            "username": username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": _field(provider_form.text, "csrfmiddlewaretoken"),
            "next": _field(provider_form.text, "next"),
        },
        timeout=20,
    )
    return browser, response


def signed_in(browser: requests.Session, portal: str) -> bool:
    """The portal's own answer: the home page opens, or sends the browser to sign in."""
    return browser.get(f"{portal}/", timeout=10, allow_redirects=False).status_code == 200


def test_council_user_is_signed_in_with_the_role_of_their_group(single_sign_on, live_server):
    single_sign_on.user("amina", groups=[PANEL, "a-group-the-portal-ignores"])

    browser, response = sign_in_with_council_account(live_server.url, "amina")

    assert response.status_code == 200
    assert response.url.startswith(live_server.url)
    assert "/oidc/callback/" in response.history[-1].url
    user = get_user_model().objects.get(email="amina@havering.example.org")
    assert user_roles(user) == {Role.PANEL_MEMBER}
    assert (user.first_name, user.last_name, user.has_usable_password()) == ("Amina", "Council", False)
    assert SingleSignOnIdentity.objects.get(user=user).subject
    assert signed_in(browser, live_server.url)
    # Recorded as every sign-in is (django-axes' access log).
    assert AccessLog.objects.filter(username=user.username).count() == 1

    # Signing out (the menu's form) works as for a local account.
    home = browser.get(f"{live_server.url}/", timeout=10)
    token = _field(home.text, "csrfmiddlewaretoken")
    browser.post(f"{live_server.url}/accounts/logout/", data={"csrfmiddlewaretoken": token}, timeout=10)
    assert not signed_in(browser, live_server.url)


def test_group_claim_with_no_portal_role_is_refused(single_sign_on, live_server):
    single_sign_on.user("brian", groups=["a-group-the-portal-ignores"])

    browser, response = sign_in_with_council_account(live_server.url, "brian")

    assert response.status_code == 403
    assert "You could not be signed in" in response.text
    assert "not in a group that has a role on this portal" in response.text
    assert not signed_in(browser, live_server.url)
    assert not get_user_model().objects.filter(email="brian@havering.example.org").exists()
    # Not counted as a wrong password: refusals would otherwise lock the council's address.
    assert not AccessAttempt.objects.exists()


def test_roles_removed_at_the_provider_are_removed_at_the_next_sign_in(single_sign_on, live_server):
    single_sign_on.user("carol", groups=[PANEL, LEADS])
    sign_in_with_council_account(live_server.url, "carol")
    user = get_user_model().objects.get(email="carol@havering.example.org")
    assert user_roles(user) == {Role.PANEL_MEMBER, Role.SUBGROUP_LEAD}

    single_sign_on.user("carol", groups=[PANEL])
    sign_in_with_council_account(live_server.url, "carol")
    user = get_user_model().objects.get(pk=user.pk)
    assert user_roles(user) == {Role.PANEL_MEMBER}

    single_sign_on.user("carol", groups=[])
    browser, response = sign_in_with_council_account(live_server.url, "carol")
    assert response.status_code == 403
    assert not signed_in(browser, live_server.url)
    user = get_user_model().objects.get(pk=user.pk)
    assert user_roles(user) == set()


@pytest.mark.parametrize(
    ("provider_groups", "trust_provider", "asked_for_code"),
    [
        pytest.param([ADMINS, "amr:mfa"], False, False, id="amr-says-mfa"),
        pytest.param([ADMINS], False, True, id="password-only-enrols-totp"),
        pytest.param([ADMINS], True, False, id="OIDC_TRUST_IDP_MFA"),
    ],
)
def test_provider_mfa_stands_for_the_code_only_when_the_token_or_setting_says_so(
    single_sign_on, live_server, settings, provider_groups, trust_provider, asked_for_code
):
    """Administrators must use a second factor: the provider's counts when its ID token's
    ``amr`` says ``mfa`` (or OIDC_TRUST_IDP_MFA=1); otherwise they set up the portal's TOTP."""
    settings.OIDC_TRUST_IDP_MFA = trust_provider
    single_sign_on.user("dev", groups=provider_groups)

    browser, response = sign_in_with_council_account(live_server.url, "dev")

    assert response.status_code == 200
    assert ("/accounts/mfa/set-up/" in response.url) is asked_for_code
    admin_page = browser.get(f"{live_server.url}/admin/", timeout=10, allow_redirects=False)
    assert (
        admin_page.status_code == 302 and "/accounts/mfa/" in admin_page.headers["Location"]
    ) is asked_for_code
    if not asked_for_code:
        assert admin_page.status_code == 200
