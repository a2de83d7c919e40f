"""The young people's own page: only approved easy read, never staff text; short on first
view; readable as a whole; and "Tell us what you think", safely."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from actions.easyread.readability import check, jargon_found
from actions.easyread.services import jargon_terms
from actions.models import EasyReadText
from panel.demo import seed_all
from panel.views import SAFETY_TEXT
from participation.models import YoungPersonMessage
from tests.conftest import cache_settings
from tests.factories import (
    ActionFactory,
    FeedbackItemFactory,
    ParticipationGroupFactory,
    ProgressUpdateFactory,
)

pytestmark = pytest.mark.django_db


def publish(text, **subject):
    return EasyReadText.objects.create(text=text, published_text=text, **subject)


def main_text(html: str, *, first_view: bool = False) -> str:
    """What a reader sees in the page's main part (with closed "Show more" parts left out)."""
    main = html.split('id="main-content"', 1)[1].split("</main>", 1)[0]
    main = re.sub(r"<(script|style)\b.*?</\1>", " ", main, flags=re.S)
    if first_view:
        main = re.sub(r"<div class=\"govuk-details__text\">.*?</div>\s*</details>", " ", main, flags=re.S)
    main = re.sub(r'<div class="govuk-!-display-none">.*?</div>\s*</div>', " ", main, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", main)
    return " ".join(unescape(text).split())


def test_staff_text_never_appears_only_approved_easy_read(client):
    shared = ActionFactory(title="Run a six-week course", shareable=True, description="Staff notes.")
    publish("A cooking club for you.", action=shared)
    done = ActionFactory(title="Run a six-week course, done", shareable=True, status="completed")
    update = ProgressUpdateFactory(action=done, shareable=True, done="Ran six sessions – behind.")
    publish("We ran six cooking nights.", update=update)
    unapproved = ProgressUpdateFactory(action=done, shareable=True, done="Another staff note.")
    EasyReadText.objects.create(update=unapproved, text="Words not yet approved.")
    private = ProgressUpdateFactory(action=done, shareable=False)
    publish("Words for an update the lead kept private.", update=private)

    page = client.get(reverse("young_people")).content.decode()
    assert "A cooking club for you." in page and "We ran six cooking nights." in page
    for staff_text in ("Run a six-week course", "Ran six sessions", "Staff notes.", "Another staff note."):
        assert staff_text not in page
    assert "Words not yet approved." not in page
    assert "Words for an update the lead kept private." not in page
    assert shared.lead.last_name not in page  # no names of staff


def test_what_we_did_is_newest_first_and_nothing_appears_twice(client):
    action = ActionFactory(shareable=True, status="completed")
    now = timezone.now()
    for days, text in ((30, "Older news."), (2, "Newest news."), (10, "Older news.")):
        update = ProgressUpdateFactory(action=action, shareable=True, created_at=now - timedelta(days=days))
        publish(text, update=update)
    page = client.get(reverse("young_people")).content.decode()
    assert page.count("Older news.") == 1
    assert page.index("Newest news.") < page.index("Older news.")


def test_only_completed_actions_are_what_we_did(client):
    late = ActionFactory(
        shareable=True, status="off_track", due_date=timezone.localdate() - timedelta(days=40)
    )
    publish(
        "We ran two of the four cooking nights.", update=ProgressUpdateFactory(action=late, shareable=True)
    )
    finished = ActionFactory(shareable=True, status="completed")
    publish("We ran all four cooking nights.", update=ProgressUpdateFactory(action=finished, shareable=True))
    did = section(client.get(reverse("young_people")).content.decode(), "did")
    assert "We ran all four cooking nights." in did
    assert "We ran two of the four cooking nights." not in did


def test_what_happens_next_says_a_late_action_is_late_never_a_date_we_will_miss(client):
    today = timezone.localdate()
    overdue = ActionFactory(shareable=True, status="on_track", due_date=today - timedelta(days=60))
    publish("A cooking club for you.", action=overdue)
    off_track = ActionFactory(shareable=True, status="off_track", due_date=today + timedelta(days=60))
    publish("A money club for you.", action=off_track)
    on_time = ActionFactory(shareable=True, status="on_track", due_date=today + timedelta(days=90))
    publish("A film club for you.", action=on_time)
    upcoming = section(client.get(reverse("young_people")).content.decode(), "next")
    for action in (overdue, off_track):
        said = f"This is late. We said we would do it by {action.due_date:%B %Y}."
        assert said in upcoming
    assert upcoming.count("This is late.") == 2
    assert f"by {on_time.due_date:%B %Y}" in upcoming


def section(html: str, heading_id: str) -> str:
    """The words of one section of the page, tags removed."""
    part = html.split(f'aria-labelledby="{heading_id}"', 1)[1].split("</section>", 1)[0]
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", part)).split())


def test_you_said_we_did_shows_only_shared_items_and_unsharing_removes_at_once(client):
    item = FeedbackItemFactory(
        said="Staff record of what was said",
        response="Staff record of what was done",
        status="responded",
        easy_read_said="You asked for more trips.",
        easy_read_did="We booked two trips.",
        names_no_child=True,
        shared=True,
    )
    FeedbackItemFactory(said="Not shared", easy_read_said="Private words.", easy_read_did="Also private.")
    page = client.get(reverse("young_people")).content.decode()
    assert "You asked for more trips." in page and "We booked two trips." in page
    assert "Staff record" not in page and "Private words." not in page
    item.shared = False
    item.save()
    assert "You asked for more trips." not in client.get(reverse("young_people")).content.decode()


def test_the_page_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    for n in range(15):
        action = ActionFactory(shareable=True)
        publish(f"Plan {n}.", action=action)
        publish(f"News {n}.", update=ProgressUpdateFactory(action=action, shareable=True))
    # session (the CSRF token needs none), themes, commitments with their words, updates,
    # shared feedback items, upcoming actions, form choices (themes, groups)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("young_people")).status_code == 200


def test_the_print_view_shows_everything_without_show_more_or_the_form(client):
    action = ActionFactory(shareable=True, status="completed")
    for n in range(5):
        publish(f"News number {n}.", update=ProgressUpdateFactory(action=action, shareable=True))
    normal = client.get(reverse("young_people")).content.decode()
    printed = client.get(reverse("young_people") + "?print=1").content.decode()
    assert "Show more of what we did" in normal and "<details" in normal
    assert "<details" not in printed and "News number 0." in printed
    assert "Tell us what you think" not in printed


@pytest.fixture
def demo(db):
    seed_all(password="demo-password-for-tests")


def test_the_demo_page_reads_easily_as_a_whole_and_uses_no_jargon(client, demo):
    html = client.get(reverse("young_people")).content.decode()
    text = main_text(html)
    result = check(text, terms=[])
    assert result.reading_ease >= 75, result.reading_ease
    assert result.average_sentence_words <= 15, result.average_sentence_words
    whole_body = " ".join(unescape(re.sub(r"<[^>]+>", " ", html.split("<body", 1)[1])).split())
    assert jargon_found(whole_body, jargon_terms()) == []
    # The demo fills every part of the page.
    for heading in ("What we promised", "What we did", "You said, we did", "What happens next"):
        assert heading in text
    assert "Nothing to tell you yet" not in text and "We will say here what is coming up" not in text


def test_the_demo_page_has_at_most_about_600_words_on_first_view(client, demo):
    html = client.get(reverse("young_people")).content.decode()
    first_view = len(main_text(html, first_view=True).split())
    everything = len(main_text(html).split())
    assert first_view <= 600, first_view
    assert everything > first_view  # the rest is behind "Show more"


# --- Tell us what you think -------------------------------------------------------------------


def test_the_safety_text_is_shown_before_and_after_sending(client):
    assert SAFETY_TEXT == (
        "If you are in danger now, call 999. If you are worried about your safety, "
        "talk to your social worker or call Childline on 0800 1111."
    )
    assert SAFETY_TEXT in client.get(reverse("young_people")).content.decode()
    group = ParticipationGroupFactory()
    response = client.post(
        reverse("young_people"), {"text": "More trips please", "group": group.pk}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("young_people_sent")
    assert SAFETY_TEXT in response.content.decode()
    message = YoungPersonMessage.objects.get()
    assert message.text == "More trips please" and message.group == group and message.theme is None


def test_a_message_needs_words_and_at_most_1000_characters(client):
    response = client.post(reverse("young_people"), {"text": ""})
    assert response.status_code == 400 and "Write what you want to tell us" in response.content.decode()
    response = client.post(reverse("young_people"), {"text": "a" * 1001})
    assert response.status_code == 400 and "Your message is too long" in response.content.decode()
    assert not YoungPersonMessage.objects.exists()


def test_a_robot_that_fills_the_hidden_field_is_thanked_and_nothing_is_kept(client):
    response = client.post(reverse("young_people"), {"text": "Buy now", "website": "http://spam.example"})
    assert response.status_code == 302
    assert not YoungPersonMessage.objects.exists()


def test_messages_are_limited_per_browser(client, settings, redis_cache):
    settings.YOUNG_PEOPLE_MESSAGES_PER_HOUR = 2
    for n in range(2):
        assert client.post(reverse("young_people"), {"text": f"Message {n}"}).status_code == 302
    response = client.post(reverse("young_people"), {"text": "One too many"})
    assert response.status_code == 429 and "a lot of messages" in response.content.decode()
    # Another young person in the same children's home: the same address, another browser.
    other = Client().post(reverse("young_people"), {"text": "From the next room"})
    assert other.status_code == 302
    assert YoungPersonMessage.objects.count() == 3


def test_only_messages_sent_count_towards_the_limit(client, settings, redis_cache):
    settings.YOUNG_PEOPLE_MESSAGES_PER_HOUR = 2
    for _ in range(3):
        assert client.post(reverse("young_people"), {"text": ""}).status_code == 400
    for n in range(2):
        assert client.post(reverse("young_people"), {"text": f"Message {n}"}).status_code == 302
    assert YoungPersonMessage.objects.count() == 2


def test_one_address_has_a_higher_ceiling_across_browsers(settings, redis_cache):
    settings.YOUNG_PEOPLE_MESSAGES_PER_HOUR = 2
    settings.YOUNG_PEOPLE_MESSAGES_PER_HOUR_PER_ADDRESS = 3
    sent = [Client().post(reverse("young_people"), {"text": f"Message {n}"}).status_code for n in range(4)]
    assert sent == [302, 302, 302, 429]
    elsewhere = Client().post(reverse("young_people"), {"text": "Elsewhere"}, REMOTE_ADDR="10.0.0.9")
    assert elsewhere.status_code == 302
    assert YoungPersonMessage.objects.count() == 4


def test_an_unreachable_cache_never_stops_a_message(client, settings):
    settings.CACHES = cache_settings("redis://127.0.0.1:1/0")  # nothing listens there
    settings.YOUNG_PEOPLE_MESSAGES_PER_HOUR = 1
    for n in range(3):
        assert client.post(reverse("young_people"), {"text": f"Message {n}"}).status_code == 302
    assert YoungPersonMessage.objects.count() == 3


def test_the_form_needs_a_csrf_token(client):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(reverse("young_people"), {"text": "Hello"}).status_code == 403
    assert not YoungPersonMessage.objects.exists()


def test_stored_text_is_shown_escaped_to_officers(client, users):
    message = YoungPersonMessage.objects.create(text="<script>alert(1)</script> <b>hi</b>")
    client.force_login(users["participation"])
    for url in (reverse("participation:messages"), message.get_absolute_url()):
        page = client.get(url).content.decode()
        assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
