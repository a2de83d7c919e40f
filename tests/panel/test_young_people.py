from datetime import date, timedelta

import pytest
from django.urls import reverse

from tests.factories import ActionFactory, FeedbackItemFactory, MilestoneFactory, ProgressUpdateFactory

pytestmark = pytest.mark.django_db


def test_only_what_leads_marked_shareable_is_shown_in_plain_words(client):
    shared = ActionFactory(title="Cooking club for care leavers", shareable=True, status="on_track")
    private = ActionFactory(title="Internal budget review", shareable=False)
    ProgressUpdateFactory(action=shared, shareable=True, status="on_track", done="Ran six cooking sessions.")
    ProgressUpdateFactory(action=shared, shareable=False, done="Discussed a named young person.")
    ProgressUpdateFactory(action=private, shareable=True, done="Reviewed the budget.")
    MilestoneFactory(action=shared, title="Open a second club", due_date=date.today() + timedelta(days=40))

    page = client.get(reverse("young_people")).content.decode()
    assert "Ran six cooking sessions." in page
    assert "Going well" in page  # the status in words, not a colour
    assert "Open a second club" in page
    assert "Discussed a named young person." not in page
    assert "Reviewed the budget." not in page
    assert shared.lead.last_name not in page  # no names of staff


def test_the_easy_read_page_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    for _ in range(15):
        action = ActionFactory(shareable=True)
        ProgressUpdateFactory(action=action, shareable=True)
        MilestoneFactory(action=action)
    # themes, their commitments (prefetch), shareable updates, answered feedback,
    # upcoming milestones
    with django_assert_max_num_queries(5):
        assert client.get(reverse("young_people")).status_code == 200


def test_answered_you_said_we_did_items_are_shown_with_what_was_done(client):
    item = FeedbackItemFactory(
        said="More weekend activities", response="Saturday club started", status="responded"
    )
    FeedbackItemFactory(said="An unanswered wish", response="", status="open")
    page = client.get(reverse("young_people")).content.decode()
    assert "More weekend activities" in page and "Saturday club started" in page
    assert item.session.group.name in page
    assert "An unanswered wish" not in page
