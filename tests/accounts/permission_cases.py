"""Sign-in pages. ``force_login`` in tests leaves every account verified (tests/conftest.py),
so the code pages send it on; backup codes are for any verified account."""

from tests.permission_matrix import Case, expect


def build_world(users):
    return {}


CASES = [
    Case("mfa_verify", expect(302)),
    Case("mfa_setup", expect(302)),
    Case("mfa_backup_codes", expect(200)),
    Case("mfa_backup_codes", expect(200), method="post", id="POST mfa_backup_codes"),
]
