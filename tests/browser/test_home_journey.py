import pytest
from playwright.sync_api import expect

from actions.roles import Role
from tests.browser.conftest import assert_accessible, follow, sign_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_panel_member_signs_in_and_sees_the_five_promises(page):
    UserFactory(username="councillor", role=Role.PANEL_MEMBER)
    page.goto("/")
    assert "/accounts/login/" in page.url
    assert_accessible(page)

    sign_in(page, "councillor")
    assert page.url.endswith("/panel/")  # panel members land on their dashboard
    follow(page.get_by_role("link", name="Home", exact=True))
    for name in ("Well", "Inspired", "Safe", "Heard", "Treated Fairly"):
        expect(page.get_by_role("heading", name=name)).to_be_visible()
    expect(page.get_by_text("Organise special 'Takeover Days'")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert_accessible(page)


def test_the_accessibility_statement_is_accessible(page):
    page.goto("/accessibility/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Accessibility statement")
    assert_accessible(page)


def test_the_easy_read_page_for_young_people_is_accessible_without_signing_in(page):
    page.goto("/young-people/")
    assert page.get_by_role("heading", level=1).inner_text() == "Our promises to you"
    assert_accessible(page)
