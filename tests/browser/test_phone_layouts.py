"""What a person must reach on a phone is there without scrolling sideways (320 CSS px)."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from actions.roles import Role
from tests.browser.conftest import assert_accessible, sign_in
from tests.factories import ActionFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NARROW = {"width": 320, "height": 640}


def _right_edge_inside_viewport(locator) -> bool:
    return locator.evaluate(
        "(el) => el.getBoundingClientRect().right <= document.documentElement.clientWidth"
    )


def test_each_of_my_actions_shows_its_update_link_at_320_px(page):
    lead = UserFactory(username="lead-phone", role=Role.SUBGROUP_LEAD)
    ActionFactory(lead=lead, title="Hold a takeover day of the panel with young people in care")
    ActionFactory(lead=lead, title="Publish the care leavers' local offer in plain words")
    page.set_viewport_size(NARROW)
    sign_in(page, "lead-phone")
    page.goto(reverse("my_actions"))
    links = page.get_by_role("link", name="Add an update")
    expect(links).to_have_count(2)
    for index in range(2):
        expect(links.nth(index)).to_be_visible()
        assert _right_edge_inside_viewport(links.nth(index)), "the update link is off the right edge"
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
    assert_accessible(page)


def test_the_date_boxes_are_narrow_and_on_one_line_on_a_phone(page):
    UserFactory(username="iv-phone", role=Role.IV_COORDINATOR)
    page.set_viewport_size({"width": 375, "height": 812})
    sign_in(page, "iv-phone")
    page.goto(reverse("participation:iv:referral_new"))
    boxes = [page.locator(f"#id_received_on_{index}").bounding_box() for index in range(3)]
    day, month, year = boxes
    assert day["width"] < 80 and month["width"] < 80 and year["width"] < 110, boxes
    assert day["y"] == month["y"] == year["y"], "the date boxes wrap onto more than one line"
    assert_accessible(page)
