"""The panel's figures: aggregates only, worked out from dates, small numbers suppressed."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from actions.models import KPI
from participation.iv.selectors import iv_panel_figures
from participation.selectors import active_young_people, participation_panel_figures
from tests.factories import (
    FeedbackItemFactory,
    KPIValueFactory,
    MatchFactory,
    ParticipationGroupFactory,
    ParticipationSessionFactory,
    ReferralFactory,
)
from tests.participation.helpers import days_ago

pytestmark = pytest.mark.django_db


def cla(count, *, days=30):
    return KPIValueFactory(
        kpi=KPI.objects.get(code="CLA"),
        period_end=days_ago(days),
        value=Decimal(count),
        numerator=None,
        denominator=None,
    )


@pytest.fixture
def iv_records(settings):
    settings.IV_MIN_MATCH_MONTHS = 18
    # waiting: 10, 100 and 200 days
    for days in (10, 100, 200):
        ReferralFactory(received_on=days_ago(days), state="awaiting_match")
    # six looked-after children with an IV, matched 20 and 40 days after referral
    for n in range(6):
        MatchFactory(
            referral__received_on=days_ago(100),
            matched_on=days_ago(80 if n % 2 else 60),
            introduction_on=days_ago(55),
        )
    # one care leaver with an IV, matched over 18 months ago
    MatchFactory(
        referral__legal_status="care_leaver",
        referral__date_of_birth=days_ago(365 * 20),
        referral__received_on=days_ago(700),
        matched_on=days_ago(600),
        introduction_on=days_ago(595),
    )
    # one match that ended after 19 months, one that ended after 3
    MatchFactory(
        referral__state="ended",
        referral__closed_on=days_ago(30),
        referral__end_reason="no_longer_looked_after",
        referral__received_on=days_ago(700),
        matched_on=days_ago(610),
        introduction_on=days_ago(600),
        ended_on=days_ago(30),
    )
    MatchFactory(
        referral__state="ended",
        referral__closed_on=days_ago(10),
        referral__end_reason="volunteer_resigned",
        referral__received_on=days_ago(150),
        matched_on=days_ago(100),
        introduction_on=days_ago(95),
        ended_on=days_ago(10),
    )
    ReferralFactory(state="declined", received_on=days_ago(50), closed_on=days_ago(40))


def test_iv_figures_count_what_the_panel_asks_for(iv_records):
    cla(120)
    figures = iv_panel_figures(as_of=days_ago(0))
    assert figures.waiting == 3
    assert figures.longest_wait_days == 200
    assert figures.waiting_by_band == [
        ("Under 30 days", 1),
        ("30 to 89 days", 0),
        ("90 to 179 days", 1),
        ("180 days or more", 1),
    ]
    assert (figures.looked_after_with_iv, figures.care_leavers_with_iv) == (6, 1)
    assert (figures.cla_count, figures.percent_with_iv) == (120, 5.0)
    assert figures.matched_in_year == 7  # six here and the one that ended after three months
    assert figures.median_days_to_match == 40
    assert figures.current_matches_min_length == 1
    assert (figures.ended_in_year, figures.ended_in_year_min_length) == (2, 1)
    assert figures.endings_by_reason == [("Child no longer looked after", 1), ("Volunteer resigned", 1)]
    assert figures.declined_in_year == 1


def test_figures_for_a_past_day_use_the_dates_not_todays_states(iv_records):
    before_any_match = iv_panel_figures(as_of=days_ago(650))
    assert before_any_match.looked_after_with_iv == 0
    assert before_any_match.waiting == 2  # the two referred 700 days ago, not yet matched


def test_the_percentage_uses_the_latest_cla_count_up_to_the_day(iv_records):
    cla(300, days=400)
    cla(60, days=40)
    assert iv_panel_figures(as_of=days_ago(0)).cla_count == 60
    assert iv_panel_figures(as_of=days_ago(100)).cla_count == 300


def test_without_a_cla_count_the_percentage_is_not_available(client, users, iv_records):
    figures = iv_panel_figures(as_of=days_ago(0))
    assert (figures.cla_count, figures.percent_with_iv) == (None, None)
    client.force_login(users["panel"])
    html = client.get(reverse("participation:figures")).content.decode()
    assert "Not available: no count of children in care (KPI CLA) has been imported yet." in html


def test_the_panel_sees_fewer_than_5_for_small_counts_and_no_percentage_that_would_give_one_away(
    client, users
):
    MatchFactory(matched_on=days_ago(60), introduction_on=days_ago(55))
    cla(80, days=45)
    client.force_login(users["panel"])
    html = client.get(reverse("participation:figures")).content.decode()
    # H03 at the last month end, as its KPI page shows it.
    assert "not shown (5 or fewer of 80)" in html
    assert "1.2%" not in html


def test_the_panel_sees_the_percentage_when_the_count_is_5_or_more(client, users):
    # The page gives H03 at the latest month end, up to 31 days ago: six matches made before it
    # and not ended, whatever day the test runs.
    for n in range(6):
        MatchFactory(matched_on=days_ago(80 if n % 2 else 60), introduction_on=days_ago(55))
    cla(120, days=45)
    client.force_login(users["panel"])
    html = client.get(reverse("participation:figures")).content.decode()
    assert "5% (6 of 120)" in html


def test_participation_figures_give_reach_by_group_and_cohort_and_feedback_progress():
    louder = ParticipationGroupFactory(slug="louder", name="Louder")
    for days, counts in ((10, (5, 2, 0)), (50, (8, 1, 3)), (400, (40, 40, 40))):
        ParticipationSessionFactory(
            group=louder, held_on=days_ago(days), in_care=counts[0], care_leavers=counts[1], others=counts[2]
        )
    old = ParticipationSessionFactory(
        group=louder, held_on=days_ago(200), in_care=0, care_leavers=0, others=0
    )
    FeedbackItemFactory(session=old, status="open")
    FeedbackItemFactory(session=old, status="closed", response="Done", reported_back_on=days_ago(100))
    figures = participation_panel_figures(as_of=days_ago(0))
    louder_row = next(g for g in figures.groups if g.slug == "louder")
    assert (louder_row.session_count, louder_row.in_care, louder_row.care_leavers, louder_row.others) == (
        3,
        13,
        3,
        3,
    )
    assert figures.active_young_people == 9  # the best-attended session in 3 months: 8 + 1
    assert figures.feedback_open == 1
    assert figures.feedback_open_too_long == 1
    assert figures.feedback_by_status["closed"] == 1
    assert figures.feedback_reported_back == 1


def test_the_panel_never_sees_a_childs_reference_on_the_figures_page(client, users, iv_records):
    client.force_login(users["panel"])
    html = client.get(reverse("participation:figures")).content.decode()
    assert "TEST-" not in html


def test_the_three_months_to_a_quarter_end_start_on_the_first_of_the_quarter():
    """The three months to 30 June are April, May and June: a session on 31 March is not in them."""
    group = ParticipationGroupFactory()
    ParticipationSessionFactory(group=group, held_on=date(2026, 3, 31), in_care=20, care_leavers=0)
    ParticipationSessionFactory(group=group, held_on=date(2026, 4, 1), in_care=4, care_leavers=1)
    assert active_young_people(as_of=date(2026, 6, 30)) == 5
