"""Headless Chromium (Debian's, never a downloaded one) driven by Playwright."""

from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect, sync_playwright

from accounts.mfa import mfa_required
from tests.conftest import chromium_path
from tests.factories import TEST_PASSWORD
from tests.mfa import totp_code, totp_device, user_named

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# A click that starts a navigation returns before the new page has loaded, so every check of
# what a page shows is one of Playwright's web-first assertions (expect), which retry until
# they hold; a busy CI machine gets longer than the default 5 s.
expect.set_options(timeout=15_000)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    executable = chromium_path()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    # An init script is injected by the browser itself, so the page's CSP still applies
    # to everything the page does on its own.
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    page.problems = []
    page.on("console", lambda msg: msg.type == "error" and page.problems.append(msg.text))
    page.on("pageerror", lambda exc: page.problems.append(str(exc)))
    yield page
    context.close()


def sign_in(page, username: str, password: str = TEST_PASSWORD) -> None:
    """Sign in as a person would: password, then (for accounts that need it) the app's code."""
    user = user_named(username)
    if user is not None and mfa_required(user):
        totp_device(user)
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    follow(page.get_by_role("button", name="Sign in"))
    if user is not None and "/accounts/mfa/" in page.url:
        page.get_by_label("Code", exact=True).fill(totp_code(user))
        follow(page.get_by_role("button", name="Continue"))


def follow(locator) -> None:
    """Click a link or a form's button and wait until the page it leads to has loaded."""
    with locator.page.expect_navigation():
        locator.click()


def assert_accessible(page) -> None:
    """axe-core's WCAG 2.2 AA rules find nothing, and the page logged no errors (CSP included)."""
    result = _axe_after_load(page)
    violations = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
    ]
    assert not violations, f"{page.url}:\n" + "\n".join(violations)
    assert not page.problems, f"{page.url} logged errors: {page.problems}"


def _axe_after_load(page) -> dict:
    """Run axe once the page has loaded. A link's click() returns before the navigation it
    starts has finished, so axe can meet a document being replaced (its documentElement is
    null, or the context is destroyed); then wait for the new page and run it again."""
    script = (
        # Only violations are read: asking for nothing else makes axe several times faster.
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})"
    )
    for _ in range(2):
        page.wait_for_load_state("load")
        try:
            return page.evaluate(script, WCAG_22_AA)
        except PlaywrightError as error:
            if "documentElement" not in str(error) and "context was destroyed" not in str(error):
                raise
    page.wait_for_load_state("load")
    return page.evaluate(script, WCAG_22_AA)
