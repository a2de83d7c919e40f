from tests.permission_matrix import Case, expect


def build_world(users):
    return {}


CASES = [
    Case("healthz", expect(200, anonymous=200)),
    Case("accessibility", expect(200, anonymous=200)),
    Case("login", expect(302, anonymous=200)),  # signed-in users are sent home
    Case("password_change", expect(200)),
    Case("password_change_done", expect(200)),
    Case("logout", expect(302, anonymous=302), method="post"),
]
