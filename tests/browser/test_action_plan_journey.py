import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from actions.models import Commitment
from actions.roles import Role
from actions.services import progress_update_create
from tests.browser.conftest import assert_accessible, follow, sign_in
from tests.factories import ActionFactory, MilestoneFactory, ProgressUpdateFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_lead_posts_an_update_that_turns_an_action_red_and_the_panel_sees_it(page, browser, live_server):
    lead = UserFactory(
        username="lead-amira", first_name="Demo", last_name="Lead Amira", role=Role.SUBGROUP_LEAD
    )
    UserFactory(username="councillor", role=Role.PANEL_MEMBER)
    takeover = ActionFactory(
        lead=lead,
        title="Hold a takeover day of the panel",
        commitment=Commitment.objects.get(code="H4"),
        status="on_track",
    )
    MilestoneFactory(action=takeover, title="Date agreed with young people")
    ProgressUpdateFactory(
        action=takeover, created_at=timezone.now() - timedelta(days=90), done="Venue booked."
    )
    ActionFactory(lead=lead, title="Recently updated action", status="on_track")

    # The lead opens "My actions": the stale action comes first.
    sign_in(page, "lead-amira")
    follow(page.get_by_role("link", name="My actions"))
    expect(page.get_by_role("heading", name="My actions", level=1)).to_be_visible()
    first_row = page.locator(".govuk-summary-card").first
    assert "Hold a takeover day of the panel" in first_row.inner_text()
    assert "Stale" in first_row.inner_text()
    assert_accessible(page)

    # ... opens the action, and adds an update that puts it off track.
    follow(page.get_by_role("link", name="Hold a takeover day of the panel", exact=True))
    assert page.locator("main .govuk-tag").first.inner_text() == "Green"
    assert_accessible(page)
    follow(page.get_by_role("link", name="Add a progress update"))
    assert_accessible(page)
    follow(page.get_by_role("button", name="Add update"))  # nothing filled in: refused, explained
    expect(page.get_by_role("alert").get_by_text("Say what was done since the last update.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Off track").check()
    page.get_by_label("What was done").fill("The venue cancelled; looking for another.")
    page.get_by_label("Next steps").fill("Ask the youth council for a room.")
    follow(page.get_by_role("button", name="Add update"))
    expect(page.get_by_text("Your progress update has been added.")).to_be_visible()
    assert page.locator("main .govuk-tag").first.inner_text() == "Red"
    assert page.get_by_text("Status: On track → Off track").count() == 1
    assert_accessible(page)

    # A panel member sees it on the plan.
    page.context.clear_cookies()
    sign_in(page, "councillor")
    follow(page.get_by_role("link", name="Action plan"))
    row = page.locator("tr", has_text="Hold a takeover day of the panel")
    assert "Red" in row.inner_text()
    assert timezone.localdate().strftime("%-d %b %Y") in row.inner_text()
    assert_accessible(page)
    page.get_by_label("Status").select_option("off_track")
    follow(page.get_by_role("button", name="Apply filters"))
    assert re.search(r"status=off_track", page.url)
    expect(page.get_by_role("heading", name="1 action match these filters")).to_be_visible()
    assert_accessible(page)
    follow(page.get_by_role("link", name="Hold a takeover day of the panel", exact=True))
    expect(page.get_by_text("The venue cancelled; looking for another.")).to_be_visible()
    assert page.get_by_role("link", name="Add a progress update").count() == 0
    assert_accessible(page)


def test_an_administrators_plan_pages_are_accessible(page, tmp_path):
    UserFactory(username="plan-admin", role=Role.ADMINISTRATOR)
    lead = UserFactory(username="lead-bo", first_name="Demo", last_name="Lead Bo", role=Role.SUBGROUP_LEAD)
    action = ActionFactory(lead=lead, title="Awards evening")
    MilestoneFactory(action=action, title="Venue booked")
    sign_in(page, "plan-admin")

    page.goto("/plan/new/")
    follow(page.get_by_role("button", name="Save action"))  # empty: every error explained
    expect(page.get_by_role("alert").get_by_text("Enter the action's title.")).to_be_visible()
    assert_accessible(page)

    page.goto(f"/plan/actions/{action.pk}/milestones/")
    assert_accessible(page)
    page.get_by_label("Venue booked").check()
    follow(page.get_by_role("button", name="Save milestones"))
    expect(page.get_by_text("Milestones saved (1 changed).")).to_be_visible()
    page.goto("/plan/import/")
    assert_accessible(page)
    plan = tmp_path / "plan.csv"
    plan.write_text(
        "commitment,title,lead,start_date,due_date,status\n"
        "W1,Health passports,lead-bo,2025-04-01,2026-03-31,On track\n"
        "Z9,Unknown commitment,lead-bo,2025-04-01,2026-03-31,On track\n"
    )
    page.get_by_label("Delivery plan spreadsheet").set_input_files(str(plan))
    follow(page.get_by_role("button", name="Check the file"))
    expect(page.get_by_text("Row 3, column commitment").first).to_be_visible()
    assert_accessible(page)


def test_an_edit_refused_over_a_leads_update_says_what_changed_and_fits_320_pixels(page):
    UserFactory(username="plan-admin", role=Role.ADMINISTRATOR)
    lead = UserFactory(username="lead-cy", first_name="Demo", last_name="Lead", role=Role.SUBGROUP_LEAD)
    action = ActionFactory(lead=lead, title="Awards evening", status="on_track")
    sign_in(page, "plan-admin")
    page.set_viewport_size({"width": 320, "height": 256})
    page.goto(f"/plan/actions/{action.pk}/edit/")
    page.get_by_label("Title").fill("Awards evening 2026")

    progress_update_create(action=action, author=lead, status="off_track", done="The venue fell through.")
    follow(page.get_by_role("button", name="Save action"))

    summary = page.get_by_role("alert")
    expect(
        summary.get_by_text(re.compile(r"This action was changed by Demo Lead at \d\d:\d\d"))
    ).to_be_visible()
    expect(summary.get_by_text("Status: On track → Off track")).to_be_visible()
    expect(page.get_by_label("Title")).to_have_value("Awards evening 2026")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert_accessible(page)
