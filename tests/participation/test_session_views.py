"""Logging a participation session: whole numbers of young people by cohort, a real date."""

import pytest
from django.urls import reverse

from participation.models import ParticipationSession
from tests.factories import ParticipationGroupFactory, ParticipationSessionFactory
from tests.participation.helpers import date_fields, days_ago

pytestmark = pytest.mark.django_db


@pytest.fixture
def group():
    return ParticipationGroupFactory(slug="say-it-test", name="Say It Test")


def post_session(client, user, target, **changes):
    client.force_login(user)
    data = {
        "group": target.pk,
        "kind": "takeover_day",
        **date_fields("held_on", days_ago(3)),
        "title": "Takeover of the panel",
        "in_care": "7",
        "care_leavers": "2",
        "others": "0",
    }
    data.update(changes)
    return client.post(reverse("participation:session_new"), data)


def test_an_officer_logs_a_session_with_attendance_by_cohort(client, users, group):
    response = post_session(client, users["participation"], group)
    session = ParticipationSession.objects.get()
    assert response.status_code == 302
    assert response.url == session.get_absolute_url()
    assert (session.group, session.kind, session.held_on) == (group, "takeover_day", days_ago(3))
    assert (session.in_care, session.care_leavers, session.others, session.attendance) == (7, 2, 0, 9)
    assert session.created_by == users["participation"]


def test_the_log_a_session_form_preselects_the_group_from_the_link(client, users, group):
    client.force_login(users["participation"])
    response = client.get(reverse("participation:session_new"), {"group": group.slug})
    assert response.context["form"].initial["group"] == group


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("in_care", "-1", "Enter the number of children in care as a whole number, 0 or more"),
        ("care_leavers", "2.5", "Enter the number of care leavers as a whole number, 0 or more"),
        ("others", "a few", "Enter the number of other young people as a whole number, 0 or more"),
        ("in_care", "", "Enter the number of children in care as a whole number, 0 or more"),
    ],
)
def test_attendance_must_be_a_whole_number_of_zero_or_more(client, users, group, field, value, message):
    response = post_session(client, users["participation"], group, **{field: value})
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert not ParticipationSession.objects.exists()


@pytest.mark.parametrize(
    ("dates", "message"),
    [
        (
            {"held_on_0": "31", "held_on_1": "2", "held_on_2": "2026"},
            "Date of the session must be a real date",
        ),
        ({"held_on_0": "", "held_on_1": "", "held_on_2": ""}, "Enter the date of the session"),
        (
            {"held_on_0": "3", "held_on_1": "", "held_on_2": "2026"},
            "Date of the session must include a month",
        ),
        (
            {"held_on_0": "3", "held_on_1": "4", "held_on_2": "26"},
            "The year of the date of the session must have 4 numbers, for example 2025",
        ),
    ],
)
def test_a_bad_session_date_is_refused_with_a_message(client, users, group, dates, message):
    response = post_session(client, users["participation"], group, **dates)
    assert message in response.context["form"].errors["held_on"]
    assert not ParticipationSession.objects.exists()


def test_a_session_in_the_future_is_refused(client, users, group):
    response = post_session(client, users["participation"], group, **date_fields("held_on", days_ago(-1)))
    assert response.context["form"].errors["held_on"] == [
        "The date of the session must be today or in the past"
    ]
    assert not ParticipationSession.objects.exists()


@pytest.mark.parametrize("group_value", ["999999", "not-a-number", ""])
def test_an_unknown_or_forged_group_is_refused(client, users, group, group_value):
    response = post_session(client, users["participation"], group, group=group_value)
    assert response.status_code == 200
    assert "group" in response.context["form"].errors
    assert not ParticipationSession.objects.exists()


def test_a_session_cannot_be_logged_for_an_inactive_group(client, users):
    retired = ParticipationGroupFactory(is_active=False)
    response = post_session(client, users["participation"], retired)
    assert response.context["form"].errors["group"] == ["Choose a group from the list"]


def test_an_officer_corrects_a_sessions_attendance(client, users, group):
    session = ParticipationSessionFactory(group=group, in_care=3)
    client.force_login(users["participation"])
    data = {
        "group": group.pk,
        "kind": "meeting",
        **date_fields("held_on", session.held_on),
        "in_care": "5",
        "care_leavers": "3",
        "others": "1",
    }
    response = client.post(reverse("participation:session_edit", args=[session.pk]), data)
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.in_care, session.care_leavers, session.others) == (5, 3, 1)


def test_a_panel_member_cannot_log_a_session(client, users, group):
    response = post_session(client, users["panel"], group)
    assert response.status_code == 403
    assert not ParticipationSession.objects.exists()


NOBODY = "No young people are recorded at this session"


def test_a_session_with_nobody_recorded_is_saved_with_a_warning(client, users, group):
    response = post_session(client, users["participation"], group, in_care="0", care_leavers="0")
    assert response.status_code == 302
    assert NOBODY in client.get(response.url).content.decode()
    assert ParticipationSession.objects.get().attendance == 0


def test_a_session_with_young_people_has_no_warning(client, users, group):
    response = post_session(client, users["participation"], group)
    assert NOBODY not in client.get(response.url).content.decode()


def test_changing_a_session_to_nobody_recorded_warns_too(client, users, group):
    session = ParticipationSessionFactory(group=group)
    client.force_login(users["participation"])
    data = {
        "group": group.pk,
        "kind": "takeover_day",
        **date_fields("held_on", days_ago(3)),
        "in_care": "0",
        "care_leavers": "0",
        "others": "0",
    }
    response = client.post(reverse("participation:session_edit", args=[session.pk]), data, follow=True)
    assert NOBODY in response.content.decode()
