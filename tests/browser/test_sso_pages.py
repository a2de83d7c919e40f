"""The single sign-on pages pass axe and fit 320 px with single sign-on on: the sign-in page
with the council button above the partners' form, and the page that says why nobody was
signed in.
(tests/sso/ signs in through a real provider.)"""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIDEWAYS = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


def test_sign_in_and_refusal_pages_are_accessible(page, settings):
    settings.OIDC_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = "portal"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = "http://127.0.0.1:9/authorize"

    page.goto("/accounts/login/")
    button = page.get_by_role("button", name="Sign in with your council account")
    assert button.get_attribute("href") == "/oidc/authenticate/"
    expect(page.get_by_label("Username")).to_be_visible()
    assert_accessible(page)
    page.set_viewport_size({"width": 320, "height": 640})  # WCAG 1.4.10: no sideways scrolling
    assert page.evaluate(SIDEWAYS) <= 0

    response = page.goto("/oidc/callback/?code=unused")
    assert response.status == 403
    expect(page.get_by_role("heading", name="You could not be signed in")).to_be_visible()
    # Chromium reports the page's own 403 on the console; nothing else may be there.
    assert page.problems == ["Failed to load resource: the server responded with a status of 403 (Forbidden)"]
    page.problems.clear()
    assert_accessible(page)
    assert page.evaluate(SIDEWAYS) <= 0
