"""The groups page: each group's recent sessions and its reach over time."""

import pytest
from django.urls import reverse

from participation.models import ParticipationGroup
from participation.selectors import reach_by_quarter
from tests.factories import ParticipationGroupFactory, ParticipationSessionFactory
from tests.participation.helpers import days_ago

pytestmark = pytest.mark.django_db


def test_each_group_shows_its_three_most_recent_sessions_and_a_years_reach(client, users):
    group = ParticipationGroupFactory(slug="reach-test", name="Reach test")
    for days in (5, 40, 80, 120):
        ParticipationSessionFactory(group=group, held_on=days_ago(days), title=f"{days} days ago", in_care=2)
    ParticipationSessionFactory(group=group, held_on=days_ago(400), in_care=50)  # outside the year
    client.force_login(users["participation"])
    response = client.get(reverse("participation:groups"))
    shown = next(g for g in response.context["groups"] if g.slug == "reach-test")
    assert [s.title for s in shown.recent_sessions] == ["5 days ago", "40 days ago", "80 days ago"]
    assert (shown.session_count, shown.in_care) == (4, 8)


def test_panel_members_see_small_counts_suppressed_and_officers_see_them_exactly(client, users):
    session = ParticipationSessionFactory(in_care=3, care_leavers=0, others=12)
    client.force_login(users["panel"])
    panel_page = client.get(session.get_absolute_url()).content.decode()
    assert "5 or fewer" in panel_page
    client.force_login(users["participation"])
    officer_page = client.get(session.get_absolute_url()).content.decode()
    assert "5 or fewer" not in officer_page


def test_reach_by_quarter_counts_each_cohort_in_its_quarter():
    today = days_ago(0)
    ParticipationSessionFactory(held_on=today, in_care=1, care_leavers=2, others=3)
    ParticipationSessionFactory(held_on=today, in_care=10, care_leavers=0, others=0)
    quarters = reach_by_quarter(today=today)
    assert len(quarters) == 4
    latest = quarters[-1]
    assert (latest.session_count, latest.in_care, latest.care_leavers, latest.others, latest.total) == (
        2,
        11,
        2,
        3,
        16,
    )
    assert all(q.session_count == 0 for q in quarters[:-1])


@pytest.mark.parametrize("url_name", ["participation:groups", "participation:group"])
def test_group_pages_run_a_fixed_number_of_queries(client, users, django_assert_max_num_queries, url_name):
    client.force_login(users["panel"])
    group = ParticipationGroup.objects.order_by("pk").first()
    args = [group.slug] if url_name == "participation:group" else []
    for per_group in (1, 12):
        for each in ParticipationGroup.objects.all():
            ParticipationSessionFactory.create_batch(per_group, group=each)
        # groups page: session, user, roles (rule), groups with totals, recent sessions of
        # all groups, reach by quarter, roles (menu), session save (3)
        # group page: session, user, roles, group, quarters, open feedback, count, page,
        # roles (menu), session save (3)
        with django_assert_max_num_queries(12):
            assert client.get(reverse(url_name, args=args)).status_code == 200


@pytest.mark.parametrize("role", ["lead", "ivstaff", "admin"])
def test_staff_who_see_small_numbers_on_measures_see_headcounts_as_recorded_too(client, users, role):
    """One rule (actions.see_small_numbers) for every small number, not a second one for headcounts."""
    session = ParticipationSessionFactory(in_care=3, care_leavers=0, others=12)
    client.force_login(users[role])
    assert "5 or fewer" not in client.get(session.get_absolute_url()).content.decode()
