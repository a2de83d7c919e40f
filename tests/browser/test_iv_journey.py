"""An IV coordinator takes a referral from received to active and logs visits; a panel
member sees the figures change but cannot open the referral."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from actions.models import KPI
from actions.roles import Role
from tests.browser.conftest import assert_accessible, follow, sign_in
from tests.factories import KPIValueFactory, UserFactory, VolunteerFactory
from tests.participation.helpers import days_ago

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_date(page, name: str, day) -> None:
    page.locator(f"#id_{name}_0").fill(str(day.day))
    page.locator(f"#id_{name}_1").fill(str(day.month))
    page.locator(f"#id_{name}_2").fill(str(day.year))


def submit(page, name: str) -> None:
    follow(page.get_by_role("button", name=name))


def move(page, link: str, button: str, *, on) -> None:
    follow(page.get_by_role("link", name=link))
    assert_accessible(page)
    fill_date(page, "on", on)
    submit(page, button)


def figure(page, name: str) -> str:
    return page.locator(f"[data-figure={name}]").inner_text()


def sign_out(page) -> None:
    follow(page.get_by_role("button", name="Sign out"))


def test_a_referral_goes_from_received_to_active_with_visits_and_the_panel_sees_only_figures(page):
    UserFactory(username="coordinator", role=Role.IV_COORDINATOR)
    UserFactory(username="councillor", role=Role.PANEL_MEMBER)
    VolunteerFactory(name="Volunteer Kestrel")
    KPIValueFactory(
        kpi=KPI.objects.get(code="CLA"),
        period_end=days_ago(60),
        value=Decimal(40),
        numerator=None,
        denominator=None,
    )

    # The panel's figures before.
    sign_in(page, "councillor")
    page.goto("/participation/figures/")
    assert_accessible(page)
    assert "(0 of 40)" in figure(page, "percent-with-iv")
    assert figure(page, "waiting").startswith("0")
    assert page.get_by_role("link", name="Independent Visitors").count() == 0
    sign_out(page)

    # The coordinator takes the referral.
    sign_in(page, "coordinator")
    follow(page.get_by_role("link", name="Independent Visitors").first)
    assert_accessible(page)
    follow(page.get_by_role("link", name="Add a referral").first)
    assert_accessible(page)
    page.get_by_label("Child's reference in the social-care system").fill("LCS-424242")
    fill_date(page, "date_of_birth", days_ago(365 * 19))  # too old for a statutory referral
    page.get_by_label("Looked after (statutory)").check()
    page.get_by_label("Out of borough").check()
    page.get_by_label("Referrer's team (optional)").fill("Children in Care 1")
    fill_date(page, "received_on", days_ago(70))
    submit(page, "Save referral")
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert_accessible(page)
    fill_date(page, "date_of_birth", days_ago(365 * 11))
    submit(page, "Save referral")
    assert page.get_by_role("heading", level=1).inner_text().startswith("LCS-424242")
    assert_accessible(page)
    referral_url = page.url

    move(page, "Record eligibility check", "Record eligibility check", on=days_ago(65))
    move(page, "Add to the waiting list for a match", "Add to the waiting list", on=days_ago(64))
    expect(page.get_by_text("The referral is now awaiting match.")).to_be_visible()
    follow(page.get_by_role("link", name="Match with a volunteer"))
    assert_accessible(page)
    fill_date(page, "on", days_ago(50))
    page.get_by_label("Volunteer", exact=True).select_option(
        label=page.locator("#id_volunteer option").nth(1).inner_text()
    )
    fill_date(page, "introduction_on", days_ago(55))  # before the match: refused
    submit(page, "Make the match")
    expect(page.get_by_text("The introduction cannot be before the match").first).to_be_visible()
    assert_accessible(page)
    fill_date(page, "introduction_on", days_ago(44))
    submit(page, "Make the match")
    expect(page.get_by_text("The referral is now matched.")).to_be_visible()
    move(page, "Mark the match active", "Mark active", on=days_ago(44))
    expect(page.get_by_text("The referral is now active.")).to_be_visible()
    assert_accessible(page)

    for when, minutes in ((days_ago(14), "90"), (days_ago(2), "120")):
        follow(page.get_by_role("link", name="Log a visit"))
        assert_accessible(page)
        fill_date(page, "visited_on", when)
        page.get_by_label("Duration in minutes").fill(minutes)
        page.get_by_label("Activity or outing").check()
        submit(page, "Save visit")
        expect(page.get_by_text("Visit saved.")).to_be_visible()
    expect(page.get_by_role("heading", name="Visits (2)")).to_be_visible()
    assert_accessible(page)
    sign_out(page)

    # The panel's figures after: changed, and the child's record is not found.
    sign_in(page, "councillor")
    page.goto("/participation/figures/")
    # The figure is H03 at the last month end, which the match (50 days ago) now counts.
    assert "(5 or fewer of 40)" in figure(page, "percent-with-iv")
    assert "LCS-424242" not in page.content()
    assert_accessible(page)
    response = page.goto(referral_url)
    assert response.status == 404
    assert "LCS-424242" not in page.content()
