"""Easy-read texts: checked when saved, on the young people's page only once approved,
taken off at once, and every change kept in their history."""

import pytest
from django.core.exceptions import ValidationError

from actions.easyread import services
from actions.easyread.demo import ACTIONS, COMMITMENTS
from actions.easyread.readability import check
from actions.models import Commitment, EasyReadText, JargonTerm
from tests.factories import ActionFactory, ProgressUpdateFactory, UserFactory

pytestmark = pytest.mark.django_db

PLAIN = "We will help you cook and shop. You will learn to save money."


@pytest.fixture
def officer():
    return UserFactory(role="Participation officer")


def test_the_jargon_list_is_seeded_with_the_words_young_people_asked_us_to_drop():
    terms = dict(JargonTerm.objects.values_list("term", "plain_words"))
    for word in ("placement", "LAC", "contact", "respite", "subgroup", "panel", "protocol", "co-produce"):
        assert terms[word]
    assert terms["care plan review"]


def test_text_that_fails_the_check_is_not_saved_and_says_what_to_change(officer):
    commitment = Commitment.objects.get(code="S3")
    with pytest.raises(ValidationError) as caught:
        services.easy_read_save(
            subject=commitment, user=officer, text="We will check your placement is safe."
        )
    problems = caught.value.message_dict["text"]
    assert any("“placement”" in p and "“the home where you live”" in p for p in problems)
    assert not EasyReadText.objects.exists()


def test_a_word_added_to_the_list_in_the_admin_is_refused_from_then_on(officer):
    JargonTerm.objects.create(term="pathway", plain_words="plan")
    with pytest.raises(ValidationError, match="pathway"):
        services.easy_read_save(
            subject=Commitment.objects.get(code="S4"), user=officer, text="A pathway home."
        )


def test_saved_words_wait_for_approval_and_approved_words_stay_up_while_new_ones_wait(officer):
    action = ActionFactory(shareable=True)
    item = services.easy_read_save(subject=action, user=action.lead, text=PLAIN)
    assert not item.is_published and item.waiting_for_approval
    services.easy_read_approve(item=item, user=officer)
    item.refresh_from_db()
    assert item.published_text == PLAIN and item.approved_by == officer
    services.easy_read_save(subject=action, user=action.lead, text="We run a cooking club. It is free.")
    item.refresh_from_db()
    assert item.published_text == PLAIN and item.waiting_for_approval


def test_taking_words_off_the_page_empties_what_young_people_see_and_keeps_history(officer):
    update = ProgressUpdateFactory(action=ActionFactory(shareable=True), shareable=True)
    item = services.easy_read_save(subject=update, user=update.action.lead, text=PLAIN)
    services.easy_read_approve(item=item, user=officer)
    services.easy_read_withdraw(item=item, user=officer)
    item.refresh_from_db()
    assert item.published_text == "" and item.text == PLAIN
    assert [h.published_text for h in item.history.order_by("history_date")] == ["", PLAIN, ""]


def test_words_for_an_update_its_lead_did_not_share_cannot_be_approved(officer):
    update = ProgressUpdateFactory(action=ActionFactory(shareable=True), shareable=False)
    item = services.easy_read_save(subject=update, user=officer, text=PLAIN)
    with pytest.raises(ValidationError, match="lead has not marked it"):
        services.easy_read_approve(item=item, user=officer)
    item.refresh_from_db()
    assert not item.is_published


def test_approval_checks_again_against_the_list_as_it_is_now(officer):
    writer = UserFactory(role="Participation officer")
    item = services.easy_read_save(subject=Commitment.objects.get(code="I3"), user=writer, text=PLAIN)
    JargonTerm.objects.create(term="shop", plain_words="buy things")
    with pytest.raises(ValidationError, match="shop"):
        services.easy_read_approve(item=item, user=officer)


def test_words_are_approved_by_someone_other_than_their_writer(officer):
    commitment = Commitment.objects.get(code="S4")
    item = services.easy_read_save(subject=commitment, user=officer, text=PLAIN)
    with pytest.raises(ValidationError, match="You wrote these words, so someone else approves them"):
        services.easy_read_approve(item=item, user=officer)
    item.refresh_from_db()
    assert not item.is_published
    other = UserFactory(role="Participation officer")
    services.easy_read_approve(item=item, user=other)
    item.refresh_from_db()
    assert item.published_text == PLAIN and item.approved_by == other


def test_rewording_makes_the_new_writer_the_one_who_cannot_approve(officer):
    action = ActionFactory(shareable=True)
    item = services.easy_read_save(subject=action, user=action.lead, text=PLAIN)
    services.easy_read_save(subject=action, user=officer, text="We run a cooking club. It is free.")
    with pytest.raises(ValidationError, match="You wrote these words"):
        services.easy_read_approve(item=item, user=officer)
    services.easy_read_approve(item=item, user=UserFactory(role="Administrator"))


@pytest.mark.parametrize(
    "text", [*COMMITMENTS.values(), *(words for pair in ACTIONS.values() for words in pair)]
)
def test_every_demo_text_passes_the_check(text):
    result = check(text, terms=services.jargon_terms())
    assert result.ok, (text, result.problems)
