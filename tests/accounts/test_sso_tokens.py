"""The ID token at the single sign-on callback: signed with a real RSA key, then spoiled in each
way a provider, a clock or an attacker might spoil it. Every one ends on the refusal page (never
a server error); a little clock skew is allowed; ``amr`` counts only as a list holding "mfa"."""

import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth.models import Group

from accounts.models import SingleSignOnIdentity
from accounts.sso import PortalOIDCBackend, claims_from_tokens
from actions.roles import Role

pytestmark = pytest.mark.django_db

ISSUER = "http://127.0.0.1:9"
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
PUBLIC_PEM = (
    KEY.public_key()
    .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    .decode()
)
NONCE = "nonce-1"
STATE = "state-1"


@pytest.fixture
def provider(settings, monkeypatch):
    settings.OIDC_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = "portal"
    settings.OIDC_RP_CLIENT_SECRET = "secret"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{ISSUER}/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{ISSUER}/token"
    settings.OIDC_OP_USER_ENDPOINT = f"{ISSUER}/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{ISSUER}/jwks"
    settings.OIDC_OP_ISSUER = ISSUER
    settings.OIDC_RP_IDP_SIGN_KEY = PUBLIC_PEM
    settings.OIDC_ROLE_MAP = {"g-panel": Role.PANEL_MEMBER}
    Group.objects.get_or_create(name=Role.PANEL_MEMBER)
    issued = {}

    # The provider's two HTTP answers (token and userinfo); everything after is the portal's own.
    def get_token(self, payload):
        return {"id_token": issued["id_token"], "access_token": "access"}

    def get_userinfo(self, access_token, id_token, payload):
        return {"sub": payload["sub"], "email": "sam@havering.example.org"}

    monkeypatch.setattr(PortalOIDCBackend, "get_token", get_token)
    monkeypatch.setattr(PortalOIDCBackend, "get_userinfo", get_userinfo)
    return issued


def token(*, key=KEY, algorithm="RS256", headers=None, **overrides) -> str:
    now = int(time.time())
    claims = {
        "iss": ISSUER,
        "aud": "portal",
        "sub": "sub-1",
        "nonce": NONCE,
        "iat": now,
        "nbf": now,
        "exp": now + 300,
        "groups": ["g-panel"],
    } | overrides
    return jwt.encode(claims, key if algorithm != "none" else None, algorithm=algorithm, headers=headers)


def callback(client, id_token: str, provider):
    provider["id_token"] = id_token
    session = client.session
    session["oidc_states"] = {STATE: {"nonce": NONCE, "code_verifier": "v", "added_on": time.time()}}
    session.save()
    return client.get("/oidc/callback/", {"code": "c", "state": STATE})


def test_a_good_token_signs_in(client, provider):
    response = callback(client, token(), provider)
    assert response.status_code == 302
    assert SingleSignOnIdentity.objects.filter(subject="sub-1").exists()


@pytest.mark.parametrize("skew", [-20, 20])
def test_a_little_clock_skew_is_allowed(client, provider, skew):
    now = int(time.time()) + skew
    assert callback(client, token(iat=now, nbf=now, exp=now + 300), provider).status_code == 302


@pytest.mark.parametrize(
    "spoiled",
    [
        pytest.param(lambda: token(exp=int(time.time()) - 3600), id="expired"),
        pytest.param(lambda: token(iat=int(time.time()) + 3600, nbf=int(time.time()) + 3600), id="immature"),
        pytest.param(lambda: token(key=OTHER_KEY), id="bad-signature"),
        pytest.param(lambda: token(algorithm="none"), id="alg-none"),
        pytest.param(lambda: token().rsplit(".", 1)[0] + ".", id="signature-cut"),
        pytest.param(lambda: "not.a.token", id="garbage"),
        pytest.param(lambda: token(aud=["portal", "another-app"]), id="two-audiences-no-azp"),
        pytest.param(lambda: token(azp="another-app"), id="other-azp"),
    ],
)
def test_a_spoiled_token_gets_the_refusal_page(client, provider, spoiled):
    response = callback(client, spoiled(), provider)
    assert response.status_code == 403
    assert "Signing in with your council account did not finish." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_two_audiences_with_this_portal_as_the_authorised_party_sign_in(client, provider):
    assert callback(client, token(aud=["portal", "another-app"], azp="portal"), provider).status_code == 302


@pytest.mark.parametrize(
    ("amr", "mfa"),
    [(["pwd", "mfa"], True), (["pwd"], False), ("nomfa", False), ("mfa", False), (None, False)],
)
def test_only_an_amr_list_holding_mfa_counts_as_a_second_factor(settings, amr, mfa):
    settings.OIDC_TRUST_IDP_MFA = False
    claims = claims_from_tokens(id_token={"sub": "s", "amr": amr}, userinfo={})
    assert claims.idp_mfa is mfa


def test_an_address_the_provider_says_is_unverified_is_not_used(settings):
    claims = claims_from_tokens(
        id_token={"sub": "s", "email": "a@x.org", "email_verified": False}, userinfo={}
    )
    assert claims.email == ""
    assert claims_from_tokens(id_token={"sub": "s", "email": "a@x.org"}, userinfo={}).email == "a@x.org"
