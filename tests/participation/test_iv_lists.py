"""The coordinator's lists: waiting list with days waiting, matches overdue a visit, DBS
checks expiring within 60 days, reviews due; and the cost of them at any volume."""

import pytest
from django.urls import reverse

from participation.iv import selectors as iv_selectors
from tests.factories import MatchFactory, ReferralFactory, ReviewFactory, VisitFactory, VolunteerFactory
from tests.participation.helpers import days_ago
from tests.participation.volume import build_iv_volume

pytestmark = pytest.mark.django_db


def test_the_waiting_list_shows_each_childs_days_waiting_longest_first(client, users):
    ReferralFactory(child_reference="WAIT-00002", received_on=days_ago(12), state="eligibility_checked")
    ReferralFactory(child_reference="WAIT-00001", received_on=days_ago(40), state="awaiting_match")
    MatchFactory(referral__child_reference="NOT-00001")
    client.force_login(users["ivstaff"])
    response = client.get(reverse("participation:iv:home"))
    assert [r.child_reference for r in response.context["waiting"]] == ["WAIT-00001", "WAIT-00002"]
    html = response.content.decode()
    assert ">40</td>" in html
    assert ">12</td>" in html


def test_a_match_is_overdue_a_visit_when_the_last_visit_is_older_than_the_cadence(settings):
    settings.IV_VISIT_CADENCE_DAYS = 21
    overdue = MatchFactory(introduction_on=days_ago(60))
    VisitFactory(match=overdue, visited_on=days_ago(22))
    VisitFactory(match=overdue, visited_on=days_ago(40))
    recent = MatchFactory(introduction_on=days_ago(60))
    VisitFactory(match=recent, visited_on=days_ago(21))
    never_visited = MatchFactory(introduction_on=days_ago(30))
    MatchFactory(introduction_on=days_ago(10))  # introduced recently: not yet due
    ended = MatchFactory(referral__state="ended", introduction_on=days_ago(90), ended_on=days_ago(60))
    found = list(iv_selectors.overdue_visits(today=days_ago(0)))
    assert found == [never_visited, overdue]  # most overdue first
    assert found[1].last_visit_on == days_ago(22)
    assert ended not in found


def test_dbs_checks_expiring_within_60_days_are_listed_expired_first():
    expired = VolunteerFactory(dbs_expires_on=days_ago(3))
    soon = VolunteerFactory(dbs_expires_on=days_ago(-60))
    VolunteerFactory(dbs_expires_on=days_ago(-61))
    VolunteerFactory(status="left", dbs_expires_on=days_ago(-5))
    assert list(iv_selectors.dbs_expiring(today=days_ago(0))) == [expired, soon]


def test_reviews_are_due_six_months_after_the_start_or_the_last_review(settings):
    settings.IV_REVIEW_MONTHS = 6
    overdue = MatchFactory(started_on=days_ago(200), introduction_on=days_ago(200))
    reviewed = MatchFactory(started_on=days_ago(400), introduction_on=days_ago(400))
    ReviewFactory(match=reviewed, held_on=days_ago(20))
    due_soon = MatchFactory(started_on=days_ago(170), introduction_on=days_ago(170))
    MatchFactory(started_on=days_ago(100), introduction_on=days_ago(100))
    found = list(iv_selectors.reviews_due(today=days_ago(0)))
    assert found == [overdue, due_soon]


# --- a fixed number of queries at demo size and at 5,000 referrals and 50,000 visits --------------

COORDINATOR_PAGES = [
    # session, user, roles (rule), then four lists, each a count and a slice, then roles (menu)
    # and the session's save (3)
    ("participation:iv:home", {}, 15),
    # session, user, roles, count, page (referral, match, volunteer joined), roles, save (3)
    ("participation:iv:referrals", {"show": "waiting"}, 9),
    ("participation:iv:referrals", {"show": "all"}, 9),
    # session, user, roles, count, page (last visit and last review as subqueries), roles, save (3)
    ("participation:iv:matches", {"show": "overdue"}, 9),
    ("participation:iv:matches", {"show": "reviews"}, 9),
    # session, user, roles, count, page (with current matches counted), roles, save (3)
    ("participation:iv:volunteers", {}, 9),
    ("participation:iv:volunteers", {"show": "dbs"}, 9),
    # session, user, roles, the two figure selectors (6 + 4), H03/H04 as stored for the last
    # month end (1; none is stored here, so they are worked out for it: KPIs, 6 IV figures),
    # roles, save (3)
    ("participation:figures", {}, 25),
]


def fetch_all(client, django_assert_max_num_queries):
    for url_name, params, ceiling in COORDINATOR_PAGES:
        with django_assert_max_num_queries(ceiling):
            assert client.get(reverse(url_name), params).status_code == 200


def test_coordinator_lists_and_panel_figures_cost_the_same_at_demo_size_and_at_volume(
    client, users, django_assert_max_num_queries
):
    client.force_login(users["ivstaff"])
    build_iv_volume(referrals=40, visits=600, today=days_ago(0), prefix="DEMO")
    fetch_all(client, django_assert_max_num_queries)

    build_iv_volume(referrals=5000, visits=50000, today=days_ago(0))
    fetch_all(client, django_assert_max_num_queries)
