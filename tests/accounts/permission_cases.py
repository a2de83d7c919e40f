"""Sign-in pages. ``force_login`` in tests leaves every account verified (tests/conftest.py),
so the code pages send it on; backup codes are for any verified account. The single sign-on
pages are public but answer 404 unless OIDC_RP_CLIENT_ID is set, as in the tests
(tests/accounts/test_sso.py and tests/sso/ turn it on)."""

from tests.permission_matrix import Case, expect


def build_world(users):
    return {}


CASES = [
    Case("mfa_verify", expect(302)),
    Case("mfa_setup", expect(302)),
    Case("mfa_backup_codes", expect(200)),
    Case("mfa_backup_codes", expect(200), method="post", id="POST mfa_backup_codes"),
    Case("oidc_authentication_init", expect(404, anonymous=404)),
    Case("oidc_authentication_callback", expect(404, anonymous=404)),
]
