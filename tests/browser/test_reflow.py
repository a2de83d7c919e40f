"""Reflow (WCAG 2.2, 1.4.10): every page fits 320 CSS pixels for every role that can open it.

320 × 256 is what a 1280 × 1024 screen shows at 400% zoom. The pages come from the
permission matrix (every GET that answers 200 to the role), so a new page is walked here
as soon as it is in a ``permission_cases.py``. Each page must be no wider than the
viewport (wide tables scroll inside their own labelled region, not the page), and axe
must still pass on it.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import Error as PlaywrightError

from actions.kpis.demo import seed_dfe_figures
from tests.browser.conftest import AXE, assert_accessible, sign_in
from tests.permission_matrix import ROLES
from tests.test_permissions import APPS, CASES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ZOOMED = {"width": 320, "height": 256}


def _world(users):
    world = {"users": users}
    for app in APPS:
        world.update(app.build_world(users))
    # DfE's real files, as the demo loads them: the measures' pages then carry the
    # benchmarking table (London, neighbours, England, rank, quartile) at full width.
    assert seed_dfe_figures() > 0
    return world


def _pages_for(role: str, world) -> list[str]:
    urls = [
        reverse(case.url_name, args=case.args(world))
        for case in CASES
        if case.method == "get" and case.expected[role] == 200
    ]
    return list(dict.fromkeys(urls))


def _overflow(page) -> dict:
    """The page's width, and the outermost elements that stick out of the viewport."""
    return page.evaluate(
        """() => {
          const edge = document.documentElement.clientWidth + 1;
          const sticksOut = (el) => el && el.getBoundingClientRect().right > edge;
          const wide = [...document.querySelectorAll("body *")]
            .filter((el) => sticksOut(el) && !sticksOut(el.parentElement))
            .slice(0, 5)
            .map((el) => `${el.tagName}.${el.className} "${el.textContent.trim().slice(0, 20)}"`);
          return {scrollWidth: document.documentElement.scrollWidth, viewport: window.innerWidth, wide};
        }"""
    )


def _open(page, url: str) -> bool:
    """Open the URL; False if it is not a page (a download, or JSON for a script)."""
    try:
        response = page.goto(url)
    except PlaywrightError as error:
        if "Download is starting" in str(error):
            return False
        raise
    return response.headers.get("content-type", "").startswith("text/html")


def test_every_page_reflows_to_320_css_pixels_for_every_role(browser, live_server, users):
    world = _world(users)
    failures, walked, not_pages, checked = [], 0, set(), set()
    for role in ROLES:
        context = browser.new_context(base_url=live_server.url, viewport=ZOOMED)
        context.add_init_script(path=str(AXE))
        # Chromium asks for /favicon.ico when it shows JSON or a download (pages name their
        # icon); the portal has none at that address, and the 404 would be blamed on the
        # next page.
        context.route("**/favicon.ico", lambda route: route.fulfill(status=204))
        page = context.new_page()
        page.problems = []
        page.on("console", lambda msg, page=page: msg.type == "error" and page.problems.append(msg.text))
        page.on("pageerror", lambda exc, page=page: page.problems.append(str(exc)))
        if role != "anonymous":
            sign_in(page, users[role].username)
            _check_axe(page, failures, role)  # the role's own header and menu
        for url in _pages_for(role, world):
            if url in not_pages or not _open(page, url):
                not_pages.add(url)
                continue
            walked += 1
            width = _overflow(page)
            if width["scrollWidth"] > width["viewport"]:
                failures.append(f"{role} {url}: {width['scrollWidth']} px, too wide: {width['wide']}")
            # axe gives the same answer for the same markup: a page whose main content is
            # exactly as another role saw it (same header and menu, already checked) is not
            # checked again, which halves the test's time.
            content = page.locator("main").evaluate(
                '(main) => main.innerHTML.replace(/name="csrfmiddlewaretoken" value="[^"]*"/g, \'\')'
            )
            if (url, content) not in checked:
                checked.add((url, content))
                _check_axe(page, failures, role)
        context.close()
    assert walked > 100, f"only {walked} pages walked"
    assert not failures, "\n".join(failures)


def _check_axe(page, failures: list, role: str) -> None:
    try:
        assert_accessible(page)
    except AssertionError as error:
        failures.append(f"{role} {page.url}: {error}")
    page.problems.clear()


def test_the_menu_fits_one_line_at_1280_pixels_for_every_role(browser, live_server, users):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 800})
    page = context.new_page()
    lines = {}
    for role in ROLES[1:]:
        context.clear_cookies()
        sign_in(page, users[role].username)
        tops = page.locator(".govuk-service-navigation__item").evaluate_all(
            "(items) => items.map((item) => Math.round(item.getBoundingClientRect().top))"
        )
        assert tops, f"{role} sees no menu"
        lines[role] = len(set(tops))
    context.close()
    assert lines == dict.fromkeys(ROLES[1:], 1)
