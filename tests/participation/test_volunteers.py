"""Volunteers: contact details and the checks that must be done before approval."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from participation.iv.services import volunteer_save
from participation.models import Volunteer
from tests.factories import VolunteerFactory
from tests.participation.helpers import date_fields, days_ago

pytestmark = pytest.mark.django_db

CHECKS = {
    "dbs_issued_on": days_ago(100),
    "dbs_expires_on": days_ago(-900),
    "first_reference_on": days_ago(90),
    "second_reference_on": days_ago(80),
    "training_completed_on": days_ago(60),
    "independence_declared_on": days_ago(100),
}


def test_an_applicant_is_saved_without_checks(users):
    volunteer = volunteer_save(user=users["ivstaff"], name="Volunteer Avocet", status="applicant")
    assert volunteer.status == "applicant"
    assert volunteer.missing_checks() == [
        "an enhanced DBS check",
        "a first reference",
        "a second reference",
        "training",
        "an independence declaration",
    ]


def test_a_volunteer_with_every_check_can_be_approved(users):
    assert volunteer_save(user=users["ivstaff"], name="Volunteer Avocet", status="approved", **CHECKS).pk


@pytest.mark.parametrize("missing", list(CHECKS))
def test_approval_needs_every_check(users, missing):
    checks = {**CHECKS, missing: None}
    with pytest.raises(ValidationError) as refused:
        volunteer_save(user=users["ivstaff"], name="Volunteer Avocet", status="approved", **checks)
    assert refused.value.message_dict
    assert not Volunteer.objects.exists()


def test_approval_needs_an_in_date_dbs_check(users):
    checks = {**CHECKS, "dbs_issued_on": days_ago(1200), "dbs_expires_on": days_ago(100)}
    with pytest.raises(ValidationError) as refused:
        volunteer_save(user=users["ivstaff"], name="Volunteer Avocet", status="approved", **checks)
    assert refused.value.message_dict["status"] == [
        "The DBS check is out of date: renew it before approving this volunteer"
    ]


def test_the_dbs_renewal_must_come_after_its_issue(users):
    checks = {"dbs_issued_on": days_ago(10), "dbs_expires_on": days_ago(20)}
    with pytest.raises(ValidationError) as refused:
        volunteer_save(user=users["ivstaff"], name="Volunteer Avocet", status="applicant", **checks)
    assert refused.value.message_dict["dbs_expires_on"] == [
        "The DBS renewal date must be after the date it was issued"
    ]


def test_check_dates_cannot_be_in_the_future(users):
    with pytest.raises(ValidationError) as refused:
        volunteer_save(
            user=users["ivstaff"],
            name="Volunteer Avocet",
            status="applicant",
            training_completed_on=days_ago(-3),
        )
    assert refused.value.message_dict["training_completed_on"] == [
        "The training date must be today or in the past"
    ]


def test_the_volunteer_page_saves_and_explains_a_refused_approval(client, users):
    client.force_login(users["ivstaff"])
    url = reverse("participation:iv:volunteer_new")
    response = client.post(
        url, {"name": "Volunteer Avocet", "status": "approved", "email": "avocet@example.org"}
    )
    assert (
        response.context["form"]
        .errors["status"][0]
        .startswith("Before approving this volunteer, record an enhanced DBS")
    )
    assert not Volunteer.objects.exists()
    fields = {}
    for name, day in CHECKS.items():
        fields.update(date_fields(name, day))
    response = client.post(url, {"name": "Volunteer Avocet", "status": "approved", **fields})
    assert response.status_code == 302
    assert Volunteer.objects.get().status == "approved"


def test_editing_a_volunteer_keeps_the_rules(client, users):
    volunteer = VolunteerFactory(status="applicant", dbs_issued_on=None, dbs_expires_on=None)
    client.force_login(users["ivstaff"])
    response = client.post(
        reverse("participation:iv:volunteer_edit", args=[volunteer.pk]),
        {"name": volunteer.name, "status": "active"},
    )
    assert "status" in response.context["form"].errors
    volunteer.refresh_from_db()
    assert volunteer.status == "applicant"
