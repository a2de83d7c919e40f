"""Lost updates (#22.3) on a measure, edited in the Django admin: a save over a change made
meanwhile is refused, says who changed what, and keeps what the second administrator typed."""

import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from actions.models import KPI

pytestmark = pytest.mark.django_db


def as_posted(response) -> dict:
    """What the browser would send back from an admin change form, untouched."""
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        data[name] = "on" if value is True else value
    return data


@pytest.fixture
def administrators():
    User = get_user_model()
    clients = []
    for username, first_name in (("admin-one", "Ada"), ("admin-two", "Bea")):
        user = User.objects.create_superuser(username, f"{username}@example.test", "x", first_name=first_name)
        client = Client()
        client.force_login(user)
        clients.append(client)
    return clients


def test_a_measure_changed_in_the_admin_meanwhile_is_not_overwritten(administrators):
    first, second = administrators
    kpi = KPI.objects.get(code="W01")
    url = reverse("admin:actions_kpi_change", args=[kpi.pk])
    first_form, second_form = as_posted(first.get(url)), as_posted(second.get(url))
    assert second_form["version"] == kpi.version

    assert first.post(url, first_form | {"target": "91"}).status_code == 302
    response = second.post(url, second_form | {"definition": "Typed by the second administrator."})

    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r"This KPI was changed by Ada at \d\d:\d\d while you were editing", html)
    assert "Changed Target." in html
    assert "Typed by the second administrator." in html
    kpi.refresh_from_db()
    assert kpi.target == Decimal("91")
    assert kpi.definition != "Typed by the second administrator."

    # Having read what changed, a second save goes through (with the target put back, as
    # the form the administrator saw still said).
    again = as_posted(response)
    assert int(again["version"]) == kpi.version
    assert second.post(url, again).status_code == 302
    kpi.refresh_from_db()
    assert kpi.definition == "Typed by the second administrator."
    assert kpi.version == 3


def test_saves_one_after_another_each_raise_the_version(administrators):
    first, _ = administrators
    kpi = KPI.objects.get(code="W01")
    url = reverse("admin:actions_kpi_change", args=[kpi.pk])
    for target in ("80", "81"):
        assert first.post(url, as_posted(first.get(url)) | {"target": target}).status_code == 302
    kpi.refresh_from_db()
    assert (kpi.target, kpi.version) == (Decimal("81"), 3)
