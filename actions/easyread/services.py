"""Writes for easy-read texts: save (checked for readability), approve, take off the page.

A text that fails the readability check is not saved; the ValidationError carries one
message per thing to change, keyed by the form field.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from actions.models import Action, Commitment, EasyReadText, JargonTerm, ProgressUpdate
from core.records import save_with_who_and_when

from .readability import Readability, Term, check

MAX_LENGTH = 1000
WROTE_IT = (
    "You wrote these words, so someone else approves them: another participation officer or an administrator"
)
SUBJECT_FIELDS = {Commitment: "commitment", Action: "action", ProgressUpdate: "update"}


def jargon_terms() -> list[Term]:
    return [Term(term, plain) for term, plain in JargonTerm.objects.values_list("term", "plain_words")]


def readability_check(*, text: str, field: str = "text", terms: list[Term] | None = None) -> Readability:
    """Raise a ValidationError keyed by ``field`` listing what to change, or return the figures."""
    text = text.strip()
    if not text:
        raise ValidationError({field: "Write the words young people will read"})
    if len(text) > MAX_LENGTH:
        raise ValidationError({field: f"Keep it to {MAX_LENGTH} characters or fewer; it has {len(text)}"})
    result = check(text, terms=jargon_terms() if terms is None else terms)
    if not result.ok:
        raise ValidationError({field: result.problems})
    return result


def is_shared_by_lead(subject) -> bool:
    """Actions and updates reach young people only if their lead marked them shareable."""
    if isinstance(subject, ProgressUpdate):
        return subject.shareable and subject.action.shareable
    if isinstance(subject, Action):
        return subject.shareable
    return True


def easy_read_for(subject) -> EasyReadText | None:
    return EasyReadText.objects.filter(**{SUBJECT_FIELDS[type(subject)]: subject}).first()


@transaction.atomic
def easy_read_save(*, subject, user, text: str) -> EasyReadText:
    """Save new wording. It waits for a participation officer's approval; words already
    approved stay on the page until then."""
    readability_check(text=text)
    field = SUBJECT_FIELDS[type(subject)]
    item, created = EasyReadText.objects.select_for_update().get_or_create(
        **{field: subject},
        defaults={"text": text.strip(), "written_by": user, "written_at": timezone.now()},
    )
    if not created and item.text != text.strip():
        save_with_who_and_when(item, act="written", user=user, text=text.strip())
    return item


@transaction.atomic
def easy_read_approve(*, item: EasyReadText, user) -> EasyReadText:
    """Put the latest wording on the young people's page, checked again (the jargon list may
    have grown since it was written). Approved by someone other than its writer: the page
    is public, so two people read every word before young people do."""
    item = EasyReadText.objects.select_for_update().get(pk=item.pk)
    if not is_shared_by_lead(item.subject):
        raise ValidationError("Its lead has not marked it as one to share with young people")
    if item.written_by_id == user.pk:
        raise ValidationError(WROTE_IT)
    readability_check(text=item.text)
    return save_with_who_and_when(item, act="approved", user=user, published_text=item.text)


@transaction.atomic
def easy_read_withdraw(*, item: EasyReadText, user) -> EasyReadText:
    """Take it off the young people's page at once; the wording is kept to approve again."""
    item = EasyReadText.objects.select_for_update().get(pk=item.pk)
    return save_with_who_and_when(item, act="approved", user=user, published_text="")
