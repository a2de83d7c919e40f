"""Every refusal (403) is logged once, as one line: no traceback, no second copy."""

import io
import logging

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def console():
    """What the console handlers print (the root's and any other on the way up from
    django.request), in one buffer."""
    buffer = io.StringIO()
    handlers = {
        handler
        for name in ("django.request", "django", "")
        for handler in logging.getLogger(name).handlers
        if type(handler) is logging.StreamHandler  # not pytest's own capturing handlers
    }
    old = {handler: handler.setStream(buffer) for handler in handlers}
    yield buffer
    for handler, stream in old.items():
        handler.setStream(stream)


@pytest.mark.parametrize("debug", [False, True])
def test_a_signed_in_users_refusal_is_one_line_once(client, users, console, settings, debug):
    settings.DEBUG = debug  # `make run` has DEBUG on: Django's own console handler joined in
    client.force_login(users["panel"])
    assert client.get(reverse("action_create")).status_code == 403  # a panel member may not add one
    printed = console.getvalue()
    assert "Traceback" not in printed and "PermissionDenied" not in printed
    path = reverse("action_create")
    refusals = [line for line in printed.splitlines() if path in line or "refused" in line]
    assert len(refusals) == 1, printed
    assert f"refused status=403 user_id={users['panel'].pk}" in refusals[0]
