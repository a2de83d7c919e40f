"""The young people's page from both sides: an officer writes easy read until it passes
the check, approves it, sees it on the page and takes it off; a young person (no account)
sends a message and the officer turns it into a "You said" item. axe on every page, and
the young people's pages at 320 px wide."""

import pytest
from playwright.sync_api import expect

from actions.roles import Role
from participation.models import FeedbackItem, YoungPersonMessage
from tests.browser.conftest import AXE, assert_accessible, follow, sign_in
from tests.factories import ActionFactory, ProgressUpdateFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SAFETY = (
    "If you are in danger now, call 999. If you are worried about your safety, "
    "talk to your social worker or call Childline on 0800 1111."
)


def assert_fits_320(page) -> None:
    """At 320 CSS pixels nothing makes the page scroll sideways (WCAG 1.4.10 reflow)."""
    page.set_viewport_size({"width": 320, "height": 800})
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px at 320px"
    assert_accessible(page)
    page.set_viewport_size({"width": 1280, "height": 800})


def test_an_officer_writes_easy_read_fixes_it_approves_it_and_takes_it_off(page):
    UserFactory(username="officer", role=Role.PARTICIPATION_OFFICER)
    UserFactory(username="officer-two", role=Role.PARTICIPATION_OFFICER)
    action = ActionFactory(title="Internal cooking course (staff title)", shareable=True)
    ProgressUpdateFactory(action=action, shareable=True, done="Six sessions delivered by the team.")
    sign_in(page, "officer")

    follow(page.get_by_role("link", name="Young people", exact=True))
    assert_accessible(page)
    follow(page.get_by_role("link", name=f"{action.commitment.code}: Internal cooking course (staff title)"))
    assert_accessible(page)
    page.get_by_label("In words young people use").fill(
        "We have set up a comprehensive multidisciplinary programme, co-produced with young people in "
        "placement, so that everybody who wants to can learn to cook and manage their money."
    )
    follow(page.get_by_role("button", name="Save and check"))
    expect(page.get_by_text("There is a problem").first).to_be_visible()
    errors = " ".join(page.locator(".govuk-error-message").all_inner_texts())
    assert "Change “placement” to a plain word young people use, such as “the home where you live”" in errors
    assert "Change “co-produced”" in errors
    assert "This sentence has 28 words (at most 15)" in errors
    assert "Use shorter words instead of" in errors and "“multidisciplinary”" in errors
    assert_accessible(page)

    page.get_by_label("In words young people use").fill(
        "A cooking club for young people. You learn to cook and shop."
    )
    follow(page.get_by_role("button", name="Save and check"))
    expect(page.get_by_text("It passed the reading check and now waits for approval")).to_be_visible()
    # The page is public: the writer cannot approve their own words (four eyes).
    expect(page.get_by_text("You wrote these words, so someone else approves them")).to_be_visible()
    assert page.get_by_role("button", name="Approve for the young people's page").count() == 0
    assert_accessible(page)
    edit_url = page.url
    follow(page.get_by_role("button", name="Sign out"))
    sign_in(page, "officer-two")
    page.goto(edit_url)
    follow(page.get_by_role("button", name="Approve for the young people's page"))
    expect(page.get_by_text("It is on the young people's page now")).to_be_visible()
    assert_accessible(page)

    page.goto("/young-people/")
    expect(page.get_by_text("A cooking club for young people. You learn to cook and shop.")).to_be_visible()
    assert page.get_by_text("Internal cooking course").count() == 0

    page.go_back()
    follow(page.get_by_role("button", name="Take off the young people's page"))
    expect(page.get_by_text("Taken off the young people's page.")).to_be_visible()
    page.goto("/young-people/")
    assert page.get_by_text("A cooking club for young people.").count() == 0


def test_a_young_person_sends_a_message_and_the_officer_turns_it_into_a_you_said_item(
    page, browser, live_server
):
    UserFactory(username="officer", role=Role.PARTICIPATION_OFFICER)
    action = ActionFactory(title="Holiday clubs")

    # A young person, with no account.
    young = browser.new_context(base_url=live_server.url)
    young_page = young.new_page()
    young_page.problems = []
    young_page.on("console", lambda msg: msg.type == "error" and young_page.problems.append(msg.text))
    young_page.add_init_script(path=str(AXE))
    young_page.goto("/young-people/")
    expect(young_page.get_by_text(SAFETY)).to_be_visible()
    assert_accessible(young_page)
    assert_fits_320(young_page)
    young_page.get_by_label("Which promise is it about? (optional)").select_option(label="Inspired")
    young_page.get_by_label("What do you want to tell us?").fill(
        "There is nothing to do in the summer <b>holidays</b>."
    )
    young_page.get_by_label("Are you in one of our groups? (optional)").select_option(
        label="Say It Louder (Children in Care Council)"
    )
    follow(young_page.get_by_role("button", name="Send"))
    expect(young_page.get_by_role("heading", name="Thank you")).to_be_visible()
    expect(young_page.get_by_text(SAFETY)).to_be_visible()
    assert_accessible(young_page)
    assert_fits_320(young_page)
    young.close()

    # The participation officer finds it in the queue.
    sign_in(page, "officer")
    follow(page.get_by_role("link", name="Participation", exact=True))
    expect(page.get_by_text("1 message waiting.")).to_be_visible()  # on the landing page too
    follow(page.get_by_role("link", name="Tell us (1 waiting)"))
    assert_accessible(page)
    follow(page.get_by_role("link", name="There is nothing to do in the summer <b>holidays</b>."))
    assert_accessible(page)
    page.get_by_label("You said").fill("There is nothing to do in the summer holidays.")
    page.get_by_label("Action that answers it (optional)").select_option(
        label=f"{action.commitment.code}: Holiday clubs"
    )
    follow(page.get_by_role("button", name='Turn into a "You said" item'))
    expect(page.get_by_text('Turned into a "You said" item.')).to_be_visible()
    # Back at the queue, for the next message.
    expect(page.get_by_role("heading", name="Messages from young people", level=1)).to_be_visible()
    assert_accessible(page)

    message = YoungPersonMessage.objects.get()
    item = FeedbackItem.objects.get()
    assert message.state == "answered" and message.feedback_item == item
    assert item.theme.name == "Inspired" and item.action == action and item.group.slug == "say-it-louder"
    assert not item.shared

    # Shared in easy read, it reaches the young people's page; un-shared, it leaves at once.
    page.goto(f"/participation/feedback/{item.pk}/share/")
    assert_accessible(page)
    page.get_by_label("You said (easy read)").fill("You said there is nothing to do in the summer.")
    page.get_by_label("We did (easy read)").fill("We are starting holiday clubs.")
    follow(page.get_by_role("button", name="Share with young people"))
    expect(page.get_by_text("Confirm that it names no child").first).to_be_visible()
    expect(page.get_by_text("Use shorter words instead of “holiday”").first).to_be_visible()
    page.get_by_label("We did (easy read)").fill("We are starting a club for the summer.")
    page.get_by_label("I have checked: it names no child").check()
    follow(page.get_by_role("button", name="Share with young people"))
    expect(page.get_by_text("Shared. It is on the young people's page now.")).to_be_visible()
    assert_accessible(page)
    page.goto("/young-people/")
    expect(page.get_by_text("You said there is nothing to do in the summer.")).to_be_visible()
    page.go_back()
    follow(page.get_by_role("button", name="Take off the young people's page"))
    page.goto("/young-people/")
    assert page.get_by_text("You said there is nothing to do in the summer.").count() == 0
