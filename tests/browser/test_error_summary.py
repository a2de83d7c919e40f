"""Every link in an error summary moves focus to the first input of its field (GOV.UK's
pattern): radios to their first radio, dates to their day box, text to its box."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from actions.roles import Role
from tests.browser.conftest import assert_accessible, follow, sign_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def assert_each_link_focuses_its_field(page) -> int:
    links = page.locator(".govuk-error-summary a")
    count = links.count()
    assert count, "no error summary links"
    for index in range(count):
        target = links.nth(index).get_attribute("href").removeprefix("#")
        links.nth(index).click()
        focused = page.evaluate("document.activeElement && document.activeElement.id")
        assert focused == target, f"link {index + 1} ({target}) left focus on {focused!r}"
        assert page.locator(f"[id='{target}']").evaluate("(el) => el.matches('input, select, textarea')")
    return count


def test_each_error_on_the_referral_form_leads_to_its_first_input(page):
    UserFactory(username="iv-errors", role=Role.IV_COORDINATOR)
    sign_in(page, "iv-errors")
    page.goto(reverse("participation:iv:referral_new"))
    page.locator("#id_date_of_birth_2").fill("12")  # a year of two digits
    follow(page.get_by_role("button", name="Save referral"))
    expect(page).to_have_title(re.compile(r"^Error: "))
    # The reference, the date of birth, legal status and placement (received today by default).
    assert assert_each_link_focuses_its_field(page) == 4
    assert_accessible(page)
