"""Lost updates (#22.3) on a referral: a save over a change made meanwhile is refused."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from participation.iv import services
from participation.models import Referral
from tests.factories import ReferralFactory
from tests.participation.helpers import date_fields

pytestmark = pytest.mark.django_db


def form_data(referral: Referral, **changes) -> dict:
    data = {name: getattr(referral, name) for name in services.REFERRAL_FIELDS}
    data |= date_fields("date_of_birth", referral.date_of_birth) | date_fields(
        "received_on", referral.received_on
    )
    del data["date_of_birth"], data["received_on"]
    if data.pop("child_objects"):
        data["child_objects"] = "on"
    return data | {"version": referral.version} | changes


def test_a_referral_edited_meanwhile_is_not_overwritten(users):
    referral = ReferralFactory()
    first, second = Client(), Client()
    for client in (first, second):
        client.force_login(users["ivstaff"])
    url = reverse("participation:iv:referral_edit", args=[referral.pk])
    assert second.get(url).context["form"].initial["version"] == referral.version
    typed_later = form_data(referral, needs="Somebody to go swimming with")

    assert first.post(url, form_data(referral, placement="out_of_borough")).status_code == 302
    response = second.post(url, typed_later)

    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r"This referral was changed at \d\d:\d\d while you were editing", html)
    assert "Somebody to go swimming with" in html
    referral.refresh_from_db()
    assert referral.placement == "out_of_borough"
    assert referral.needs != "Somebody to go swimming with"
