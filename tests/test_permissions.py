"""Every URL × every role → the expected status (pretix's test_permissions, in spirit).

Adding a page without adding it here fails ``test_every_url_is_in_the_matrix``.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.accounts import permission_cases as accounts_cases
from tests.actions import permission_cases as actions_cases
from tests.panel import permission_cases as panel_cases
from tests.participation import permission_cases as participation_cases
from tests.permission_matrix import ROLES

APPS = (accounts_cases, actions_cases, participation_cases, panel_cases)
CASES = [case for app in APPS for case in app.CASES]
# Django's own admin has its own permission system and tests.
EXCLUDED_NAMESPACES = ("admin",)


def _named_urls(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace
            if ns in EXCLUDED_NAMESPACES:
                continue
            prefix = f"{namespace}{ns}:" if ns else namespace
            yield from _named_urls(pattern, prefix)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def test_every_url_is_in_the_matrix():
    covered = {case.url_name for case in CASES}
    missing = sorted(set(_named_urls()) - covered)
    assert not missing, f"add these URLs to a permission_cases.py: {missing}"


@pytest.fixture
def world(users):
    world = {"users": users}
    for app in APPS:
        world.update(app.build_world(users))
    return world


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.label)
def test_status_for_role(client, world, case, role):
    if role != "anonymous":
        client.force_login(world["users"][role])
    url = reverse(case.url_name, args=case.args(world))
    response = getattr(client, case.method)(url, case.data(world))
    assert response.status_code == case.expected[role], (
        f"{case.label} as {role}: got {response.status_code}, expected {case.expected[role]}"
    )
