"""The National Framework page as a panel member finds it: from the dashboard, with DfE's
real figures imported, at desktop width and at 320 px (tables scroll in their own region),
axe-clean; then an indicator's page with its neighbours' table."""

import pytest
from playwright.sync_api import expect

from actions.kpis.neighbours import DATA
from actions.kpis.services import kpi_import_from_path
from tests.browser.conftest import assert_accessible, follow, sign_in
from tests.browser.test_reflow import ZOOMED, _overflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def published():
    for name in ("la_cla_placement_stability.csv", "csww_indicators_2017_to_2025.csv"):
        assert kpi_import_from_path(path=DATA / name, dry_run=False).state == "done"


def test_the_framework_page_from_the_dashboard_at_any_width(page, users, published):
    sign_in(page, users["panel"].username)
    page.goto("/panel/")
    follow(page.get_by_role("link", name="the National Framework indicators"))
    expect(page.locator(".govuk-service-navigation__item--active")).to_contain_text("Performance")
    expect(page.get_by_role("heading", name="National Framework indicators", level=1)).to_be_visible()
    row = page.locator('[data-hcp-indicator="NF45"]')
    expect(row).to_contain_text("12% (31 of 268)")
    expect(page.locator('[data-hcp-indicator="NF46"]')).to_contain_text("Not loaded yet")
    assert_accessible(page)

    page.set_viewport_size(ZOOMED)
    page.reload()
    found = _overflow(page)
    assert found["scrollWidth"] <= found["viewport"], found["wide"]
    assert_accessible(page)

    follow(row.get_by_role("link"))
    expect(page.locator("[data-hcp-benchmark]")).to_contain_text("Bexley")
    found = _overflow(page)
    assert found["scrollWidth"] <= found["viewport"], found["wide"]
    assert_accessible(page)
