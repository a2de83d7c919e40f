from tests.permission_matrix import Case, expect


def build_world(users):
    return {}


CASES = [
    Case("home", expect(200)),
]
