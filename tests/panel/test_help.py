"""Help: the user guides (docs/guide/), each role's first, rendered safely, readable, and
showing only screenshots that the browser tests take."""

import pytest
from django.templatetags.static import static
from django.utils.html import strip_tags

from actions.easyread.readability import check
from panel.guide import GUIDES, IMAGE_DIR, guide_named, image_names, render_guide, render_markdown
from tests.browser.guide_screenshots import all_file_names

MIN_READING_EASE = 60  # Flesch reading ease; 60 and above reads as plain English (about age 12)


@pytest.mark.parametrize(
    ("role", "first"),
    [
        ("panel", "panel-member"),
        ("lead", "subgroup-lead"),
        ("participation", "participation-officer"),
        ("ivstaff", "iv-coordinator"),
        ("admin", "administrator"),
    ],
)
def test_the_help_page_lists_every_guide_with_the_users_own_first(client, users, role, first):
    client.force_login(users[role])
    response = client.get("/help/")
    guides = [guide for guide, _own in response.context["guides"]]
    assert guides[0] == guide_named(first)
    assert sorted(guide.slug for guide in guides) == sorted(guide.slug for guide in GUIDES)
    assert response.content.decode().count("Your role") == 1


def test_a_guide_is_rendered_with_govuk_styles_and_its_screenshots_from_static_files(client, users):
    client.force_login(users["lead"])
    html = client.get("/help/subgroup-lead/").content.decode()
    assert '<h1 class="govuk-heading-xl">' in html
    laptop = static("guide/subgroup-lead-my-actions-laptop.png")
    # A laptop's page shrinks to the column, so it links to itself at full size.
    assert f'<a class="govuk-link" href="{laptop}"><img alt="My actions on a laptop"' in html
    assert 'class="hcp-guide__screenshot hcp-guide__screenshot--phone"' in html


def test_an_unknown_guide_is_not_found(client, users):
    client.force_login(users["panel"])
    assert client.get("/help/no-such-role/").status_code == 404


def test_signed_in_users_have_a_help_link_in_the_header_and_visitors_do_not(client, users):
    assert 'href="/help/"' not in client.get("/accessibility/").content.decode()
    client.force_login(users["panel"])
    assert 'href="/help/"' in client.get("/accessibility/").content.decode()


def test_markdown_is_sanitised_and_links_between_guides_go_to_their_help_pages():
    html = render_markdown(
        "Hello <script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>\n\n"
        "See [the lead's guide](subgroup-lead.md)."
    )
    assert "<script" not in html and "javascript:" not in html and "onerror" not in html
    assert '<a class="govuk-link" href="/help/subgroup-lead/">' in html


@pytest.mark.parametrize("guide", GUIDES, ids=lambda guide: guide.slug)
def test_every_screenshot_a_guide_shows_is_taken_by_a_browser_test_and_committed(guide):
    shown = image_names(guide.path.read_text(encoding="utf-8"))
    assert shown, f"{guide.slug} shows no screenshots"
    not_taken = sorted(shown - all_file_names())
    assert not not_taken, f"{guide.slug} shows screenshots no test takes: {not_taken}"
    missing = sorted(name for name in shown if not (IMAGE_DIR / name).is_file())
    assert not missing, f"run GUIDE_SCREENSHOTS=1 pytest tests/browser/test_guide_journeys.py: {missing}"


@pytest.mark.parametrize("guide", GUIDES, ids=lambda guide: guide.slug)
def test_every_guide_is_plain_english(guide):
    text = strip_tags(render_guide(guide))
    ease = check(text, terms=()).reading_ease
    assert ease >= MIN_READING_EASE, f"{guide.slug}: Flesch reading ease {ease:.0f}, needs {MIN_READING_EASE}"
