from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from panel.models import AgendaItem, Meeting, PanelAction
from tests.browser.conftest import assert_accessible, follow, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_administrator_sets_up_a_meeting_and_its_questions(page, users):
    sign_in(page, users["admin"].username)
    follow(page.get_by_role("link", name="Meetings"))
    assert_accessible(page)
    follow(page.get_by_role("link", name="Add a meeting"))
    assert_accessible(page)
    starts = (timezone.localtime() + timedelta(days=21)).replace(hour=18, minute=0)
    page.get_by_label("Date and time").fill(starts.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Location").fill("Demo Town Hall")
    follow(page.get_by_role("button", name="Save meeting"))
    meeting = Meeting.objects.get()
    assert page.url.endswith(meeting.get_absolute_url())
    assert_accessible(page)

    page.get_by_label("Title").fill("Performance report")
    follow(page.get_by_role("button", name="Add agenda item"))
    assert AgendaItem.objects.get().title == "Performance report"

    page.get_by_role("radio", name="Action").check()
    page.get_by_label("Question or action").fill("Bring back a plan for dental checks.")
    page.get_by_label("Who will answer it").select_option(label=users["lead"].get_full_name())
    follow(page.get_by_role("button", name="Add to the meeting"))
    item = PanelAction.objects.get()
    assert item.owner == users["lead"]
    expect(page.get_by_text("Bring back a plan for dental checks.")).to_be_visible()
    assert_accessible(page)


def test_the_owner_answers_a_question_carried_to_the_next_meeting(page, users):
    earlier = Meeting.objects.create(starts_at=timezone.now() - timedelta(days=40))
    later = Meeting.objects.create(starts_at=timezone.now() + timedelta(days=10))
    PanelAction.objects.create(meeting=earlier, text="Why are PEPs late?", owner=users["lead"])
    sign_in(page, users["lead"].username)
    page.goto(later.get_absolute_url())
    expect(page.get_by_role("cell", name="Action: Why are PEPs late?")).to_be_visible()
    follow(page.get_by_role("link", name="Update Why are PEPs late?"))
    assert_accessible(page)
    page.get_by_role("radio", name="Done").check()
    follow(page.get_by_role("button", name="Save"))
    expect(page.get_by_text("Say what was done or answered").first).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Response").fill("The virtual school added a second officer.")
    follow(page.get_by_role("button", name="Save"))
    assert PanelAction.objects.get().status == "done"
