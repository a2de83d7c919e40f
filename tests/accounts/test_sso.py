"""Single sign-on without a provider: what is off by default, the sign-in page, the role
mapping and account matching (tests/sso/ runs the whole flow against a real provider)."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import AnonymousUser, Group
from django.core.checks import run_checks
from django.core.exceptions import SuspiciousOperation
from django.urls import reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from accounts.models import SingleSignOnIdentity
from accounts.sso import PortalOIDCBackend, Refusal, SignOnClaims, sso_sign_in
from actions.roles import Role, user_roles
from panel.sso_views import SingleSignOnCallbackView
from tests.factories import TEST_PASSWORD, UserFactory
from tests.mfa import mark_verified

ROLE_MAP = {"g-panel": Role.PANEL_MEMBER, "g-admin": Role.ADMINISTRATOR}


@pytest.fixture
def sso_configured(settings):
    settings.OIDC_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = "portal"
    settings.OIDC_RP_CLIENT_SECRET = "secret"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = "http://127.0.0.1:9/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = "http://127.0.0.1:9/token"
    settings.OIDC_OP_USER_ENDPOINT = "http://127.0.0.1:9/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = "http://127.0.0.1:9/jwks"
    settings.OIDC_OP_ISSUER = "http://127.0.0.1:9"
    settings.OIDC_ROLE_MAP = dict(ROLE_MAP)


def claims(**overrides) -> SignOnClaims:
    values = {
        "subject": "sub-1",
        "email": "sam@havering.example.org",
        "first_name": "Sam",
        "last_name": "Council",
        "groups": ("g-panel",),
        "idp_mfa": False,
    }
    return SignOnClaims(**(values | overrides))


def test_sign_in_page_has_no_council_button_when_single_sign_on_is_off(client, db):
    response = client.get("/accounts/login/")
    assert b"Sign in with your council account" not in response.content
    assert client.get("/oidc/authenticate/").status_code == 404


def test_sign_in_page_offers_the_council_button_and_keeps_next(client, db, sso_configured):
    response = client.get("/accounts/login/?next=/panel/meetings/")
    assert response.context["single_sign_on_url"] == "/oidc/authenticate/?next=%2Fpanel%2Fmeetings%2F"
    assert b"Sign in with your council account" in response.content
    assert b'name="password"' in response.content  # partner staff keep the form

    start = client.get(response.context["single_sign_on_url"])
    assert start.status_code == 302
    assert start["Location"].startswith("http://127.0.0.1:9/authorize?")
    assert "code_challenge=" in start["Location"] and "nonce=" in start["Location"]


def test_partner_staff_still_sign_in_with_a_password_when_single_sign_on_is_on(client, db, sso_configured):
    UserFactory(username="police-partner", role=Role.PANEL_MEMBER)
    response = client.post("/accounts/login/", {"username": "police-partner", "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        "code=x&state=unknown",
        "code=x",
        "error=access_denied&state=s",
        "state=%00&code=%00",
        "code=" + "A" * 5000 + "&state=s",
    ],
)
def test_hostile_callbacks_sign_nobody_in_and_never_fail(client, db, sso_configured, query):
    response = client.get(f"/oidc/callback/?{query}")
    assert response.status_code in {400, 403}
    assert client.get("/").status_code == 302
    assert not AccessAttempt.objects.exists()


def test_first_sign_in_links_the_account_with_that_address_and_sets_roles(db, settings):
    settings.OIDC_ROLE_MAP = dict(ROLE_MAP)
    existing = UserFactory(email="Sam@Havering.example.org", role=Role.SUBGROUP_LEAD)
    existing.set_unusable_password()  # made for council sign-in
    existing.save()
    other_group = Group.objects.create(name="Newsletter")
    existing.groups.add(other_group)

    user, refusal = sso_sign_in(claims=claims(groups=("g-panel", "g-admin", "unmapped")))

    assert (user.pk, refusal) == (existing.pk, None)
    # The lead role went (the provider does not give it); a group that is no role stays.
    assert user_roles(user) == {Role.PANEL_MEMBER, Role.ADMINISTRATOR, other_group.name}
    assert user.is_staff and not user.is_superuser
    assert SingleSignOnIdentity.objects.get(user=user).subject == "sub-1"


def test_later_sign_ins_find_the_account_by_subject_even_if_the_address_changed(db, settings):
    settings.OIDC_ROLE_MAP = dict(ROLE_MAP)
    first, _ = sso_sign_in(claims=claims())
    again, refusal = sso_sign_in(claims=claims(email="sam.new@havering.example.org"))
    assert (again.pk, refusal) == (first.pk, None)
    assert again.email == "sam.new@havering.example.org"


def test_an_address_already_linked_to_another_subject_gets_its_own_account(db, settings):
    settings.OIDC_ROLE_MAP = dict(ROLE_MAP)
    first, _ = sso_sign_in(claims=claims())
    second, refusal = sso_sign_in(claims=claims(subject="sub-2"))
    assert refusal is None and second.pk != first.pk


def test_no_mapped_group_refuses_and_creates_nobody(db, settings):
    settings.OIDC_ROLE_MAP = dict(ROLE_MAP)
    assert sso_sign_in(claims=claims(groups=("unmapped",))) == (None, Refusal.NO_ROLE)
    assert sso_sign_in(claims=claims(email="")) == (None, Refusal.NO_EMAIL)
    settings.OIDC_CREATE_USER = False
    assert sso_sign_in(claims=claims()) == (None, Refusal.NO_ACCOUNT)
    assert not SingleSignOnIdentity.objects.exists()


def test_backend_refuses_an_id_token_for_another_client_or_issuer(db, sso_configured, monkeypatch, rf):
    backend = PortalOIDCBackend()
    for payload in (
        {"aud": "someone-else", "iss": "http://127.0.0.1:9"},
        {"aud": ["portal"], "iss": "http://evil"},
    ):
        monkeypatch.setattr(OIDCAuthenticationBackend, "verify_token", lambda self, token, p=payload, **kw: p)
        with pytest.raises(SuspiciousOperation):
            backend.verify_token("token")
    monkeypatch.setattr(
        OIDCAuthenticationBackend,
        "verify_token",
        lambda self, token, **kw: {"aud": "portal", "iss": "http://127.0.0.1:9"},
    )
    assert backend.verify_token("token")["aud"] == "portal"


def test_backend_ignores_the_password_form(db, sso_configured, rf):
    request = rf.post("/accounts/login/?code=c&state=s")
    assert PortalOIDCBackend().authenticate(request, username="x", password="y") is None


def test_role_map_must_name_portal_roles(settings):
    settings.OIDC_ROLE_MAP = {"g": "Boss"}
    assert [error.id for error in run_checks()] == ["accounts.E001"]


def test_callback_page_tells_a_switched_off_account_why(db, sso_configured, rf):
    request = rf.get("/oidc/callback/")
    request.user = AnonymousUser()
    view = SingleSignOnCallbackView()
    view.setup(request)
    view.user = UserFactory(is_active=False)
    response = view.login_failure()
    assert response.status_code == 403
    assert b"Your portal account is switched off." in response.content


@pytest.mark.parametrize("superuser", [False, True])
def test_an_address_of_a_password_account_or_a_superuser_is_never_taken_over(db, settings, superuser):
    """Whoever controls a directory entry can claim any address: a partner's local account
    (it has a password) or a superuser is not linked to the provider's subject by it."""
    settings.OIDC_ROLE_MAP = dict(ROLE_MAP)
    local = UserFactory(email="sam@havering.example.org", role=Role.PANEL_MEMBER)
    if superuser:
        local.set_unusable_password()
        local.is_superuser = True
        local.save()

    assert sso_sign_in(claims=claims(groups=("g-admin",))) == (None, Refusal.LOCAL_ACCOUNT)
    local.refresh_from_db()
    assert set(local.groups.values_list("name", flat=True)) == {Role.PANEL_MEMBER}
    assert not local.is_staff
    assert not SingleSignOnIdentity.objects.exists()


def test_an_administrator_links_a_password_account_in_the_admin_and_it_then_signs_in(db, settings, client):
    settings.OIDC_ROLE_MAP = dict(ROLE_MAP)
    local = UserFactory(email="sam@havering.example.org", role=Role.PANEL_MEMBER)
    admin = UserFactory(role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
    client.force_login(admin)
    mark_verified(client, admin)
    response = client.post(
        reverse("admin:accounts_singlesignonidentity_add"), {"user": local.pk, "subject": "sub-1"}
    )
    assert response.status_code == 302
    user, refusal = sso_sign_in(claims=claims(groups=("g-panel",)))
    assert (user.pk, refusal) == (local.pk, None)
