"""Everyone: the header's council and service names are one link (one tab stop), and the
sign-in page leaves focus alone, so the skip link comes first."""

import pytest
from django.urls import reverse

from tests.browser.conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def focused(page) -> dict:
    return page.evaluate(
        "() => ({tag: document.activeElement.tagName, href: document.activeElement.getAttribute('href'),"
        " text: document.activeElement.textContent.trim().replace(/\\s+/g, ' ')})"
    )


def test_sign_in_leaves_focus_alone_and_the_header_home_link_is_one_tab_stop(page):
    page.goto(reverse("login"))
    assert focused(page)["tag"] == "BODY", "something took focus when the page opened"
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Skip to main content"
    page.keyboard.press("Tab")
    home = focused(page)
    assert home["href"] == reverse("home") and home["text"] == "Havering Corporate Parenting Panel"
    page.keyboard.press("Tab")
    assert focused(page)["href"] != reverse("home"), "a second tab stop leads to the same page"
    assert_accessible(page)
