"""The dashboard's pictures, direction of travel, the RAG rules in words and the KPI
list's filters, as a panel member and as an administrator see them, with axe on each page."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from actions.models import KPI
from tests.browser.conftest import assert_accessible, follow, sign_in
from tests.factories import ActionFactory, KPIValueFactory, MilestoneFactory, ProgressUpdateFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def measures_and_actions():
    w01 = KPI.objects.get(code="W01")  # higher is better: red, worse than last month, better than a year ago
    w01.target, w01.amber_tolerance = Decimal("90"), Decimal("5")
    w01.save()
    for period_end, value in [
        (date(2025, 3, 31), "50"),
        (date(2026, 2, 28), "70"),
        (date(2026, 3, 31), "60"),
    ]:
        KPIValueFactory(
            kpi=w01, period_end=period_end, value=Decimal(value), numerator=None, denominator=None
        )
    s01 = KPI.objects.get(code="S01")  # lower is better: green
    s01.target, s01.amber_tolerance = Decimal("10"), Decimal("2")
    s01.save()
    KPIValueFactory(
        kpi=s01, period_end=date(2026, 3, 31), value=Decimal("9"), numerator=None, denominator=None
    )
    today = timezone.localdate()
    action = ActionFactory(title="Health passports for every child", status="on_track")
    MilestoneFactory(action=action, title="Draft the passport", due_date=today - timedelta(days=10))
    ProgressUpdateFactory(action=action)
    return action


@pytest.mark.parametrize("role", ["panel", "admin"])
def test_charts_direction_of_travel_and_rag_reasons_then_below_target_measures(
    page, users, measures_and_actions, role
):
    sign_in(page, users[role].username)
    page.goto("/panel/")
    expect(page.locator("svg.hcp-rag-bar").first).to_be_visible()
    expect(page.get_by_role("heading", name="The plan's ratings month by month")).to_be_visible()
    expect(page.get_by_role("img", name="The plan's ratings month by month")).to_be_visible()
    expect(page.get_by_text("Worse than last month,").first).to_be_visible()
    expect(page.get_by_text("better than a year ago").first).to_be_visible()
    expect(page.locator("svg.hcp-sparkline__svg").first).to_be_visible()
    assert_accessible(page)

    # A segment of the measures' bar opens the KPI list filtered to it.
    follow(page.get_by_role("link", name="Well measures rated Red: 1"))
    assert "theme=W" in page.url and "rating=red" in page.url
    expect(page.get_by_text("1 of 20 measures")).to_be_visible()
    assert_accessible(page)

    page.goto("/kpis/")
    page.get_by_label("Below target only").check()
    follow(page.get_by_role("button", name="Apply filters"))
    assert "below_target=on" in page.url
    expect(
        page.get_by_role("link", name="W01 Children in care 12 months or more", exact=False)
    ).to_be_visible()
    assert page.get_by_role("link", name="S01", exact=False).count() == 0
    assert_accessible(page)

    follow(page.get_by_role("link", name="W01 Children in care 12 months or more", exact=False))
    expect(
        page.get_by_text("Red: 60% is 30 points below the 90% target, more than the 5-point tolerance.")
    ).to_be_visible()
    expect(
        page.get_by_text("Green at 90% or above. Amber up to 5 points below it; red further below.")
    ).to_be_visible()
    assert_accessible(page)

    page.goto(measures_and_actions.get_absolute_url())
    expect(
        page.get_by_text(
            "Amber: on track by its lead's last update, but milestone ‘Draft the passport’ slipped"
        )
    ).to_be_visible()
    assert_accessible(page)
