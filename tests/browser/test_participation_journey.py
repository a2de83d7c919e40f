"""A participation officer logs a session and what the young people said, linked to an action."""

import pytest
from playwright.sync_api import expect

from actions.roles import Role
from tests.browser.conftest import assert_accessible, follow, sign_in
from tests.factories import ActionFactory, UserFactory
from tests.participation.helpers import days_ago

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_date(page, name: str, day) -> None:
    page.locator(f"#id_{name}_0").fill(str(day.day))
    page.locator(f"#id_{name}_1").fill(str(day.month))
    page.locator(f"#id_{name}_2").fill(str(day.year))


def test_an_officer_logs_a_session_and_a_you_said_we_did_item(page):
    UserFactory(username="officer", role=Role.PARTICIPATION_OFFICER)
    action = ActionFactory(title="Reviews where young people choose")
    sign_in(page, "officer")

    follow(page.get_by_role("link", name="Participation", exact=True))
    assert_accessible(page)
    follow(page.get_by_role("link", name="Say It Louder (Children in Care Council)"))
    assert_accessible(page)
    follow(page.get_by_role("link", name="Log a session for this group"))
    assert_accessible(page)
    page.get_by_label("Takeover day").check()
    fill_date(page, "held_on", days_ago(3))
    page.get_by_label("What it was about (optional)").fill("Panel takeover")
    page.get_by_label("Children in care").fill("-2")
    page.get_by_label("Care leavers").fill("3")
    page.get_by_label("Other young people").fill("0")
    follow(page.get_by_role("button", name="Save session"))
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Children in care").fill("8")
    follow(page.get_by_role("button", name="Save session"))
    expect(page.get_by_text("Session saved.")).to_be_visible()
    assert_accessible(page)

    follow(page.get_by_role("link", name="Add feedback from this session"))
    assert_accessible(page)
    page.get_by_label("You said").fill("We want to choose where our reviews are held.")
    page.get_by_label("Promise (theme) it is about").select_option(label="Heard")
    page.get_by_label("Action that answers it (optional)").select_option(
        label=f"{action.commitment.code}: Reviews where young people choose"
    )
    page.get_by_label("We did (optional)").fill("Reviews can now be held at school or a youth club.")
    page.get_by_label("Responded").check()
    fill_date(page, "reported_back_on", days_ago(1))
    follow(page.get_by_role("button", name="Save feedback"))
    expect(page.get_by_text("Feedback saved.")).to_be_visible()
    expect(page.get_by_text("We want to choose where our reviews are held.")).to_be_visible()
    assert_accessible(page)

    page.goto("/participation/feedback/?status=responded")
    expect(page.get_by_text("We want to choose where our reviews are held.")).to_be_visible()
    assert_accessible(page)
