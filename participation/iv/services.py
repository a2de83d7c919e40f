"""Writes for the Independent Visitor service: volunteers, referrals and their workflow,
visits, reviews, the log of who viewed a child's record, and anonymisation.

The workflow has one table of allowed moves (ALLOWED_MOVES) and one service that
makes a move (referral_move). A refused move raises a ValidationError with a message
and changes nothing.
"""

import re
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import CharField, F, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from core.formatting import uk_date
from core.versioning import bump, check_version

from ..models import Match, RecordView, Referral, ReferralEvent, Review, Visit, Volunteer
from ..services import raise_if

State = Referral.State

ALLOWED_MOVES: dict[str, tuple[str, ...]] = {
    State.RECEIVED: (State.ELIGIBILITY_CHECKED, State.DECLINED, State.WITHDRAWN),
    State.ELIGIBILITY_CHECKED: (State.AWAITING_MATCH, State.DECLINED, State.WITHDRAWN),
    State.AWAITING_MATCH: (State.MATCHED, State.DECLINED, State.WITHDRAWN),
    State.MATCHED: (State.ACTIVE, State.ENDED, State.WITHDRAWN),
    State.ACTIVE: (State.ENDED,),
    State.ENDED: (),
    State.DECLINED: (),
    State.WITHDRAWN: (),
}

# What each move is called on a button and in messages.
MOVE_LABELS = {
    State.ELIGIBILITY_CHECKED: "Record eligibility check",
    State.AWAITING_MATCH: "Add to the waiting list for a match",
    State.MATCHED: "Match with a volunteer",
    State.ACTIVE: "Mark the match active",
    State.ENDED: "End the match",
    State.DECLINED: "Decline the referral",
    State.WITHDRAWN: "Withdraw the referral",
}

CHILD_REFERENCE = re.compile(r"^[A-Z0-9][A-Z0-9/-]{2,29}$")
MAX_VISIT_MINUTES = 12 * 60


def _fmt(day: date) -> str:
    return f"{uk_date(day)}"


def allowed_moves(referral: Referral) -> tuple[str, ...]:
    return ALLOWED_MOVES[referral.state]


def move_refusal(referral: Referral, to_state: str) -> str | None:
    """Why the referral cannot move to ``to_state`` from where it is, or None if it can."""
    current = Referral.State(referral.state)
    allowed = ALLOWED_MOVES[current]
    if to_state in allowed:
        return None
    if not allowed:
        return f"This referral is {current.label.lower()}; it cannot move any further."
    target = Referral.State(to_state).label.lower() if to_state in State.values else repr(to_state)
    return (
        f"A referral that is {current.label.lower()} cannot move to {target}. "
        f"It can move to: {', '.join(Referral.State(s).label.lower() for s in allowed)}."
    )


def _not_future(day: date | None, message: str) -> str | None:
    if day is not None and day > timezone.localdate():
        return message
    return None


# --- Volunteers ---------------------------------------------------------------------------

VOLUNTEER_FIELDS = (
    "name",
    "email",
    "phone",
    "address",
    "status",
    "area",
    "interests",
    "dbs_issued_on",
    "dbs_expires_on",
    "first_reference_on",
    "second_reference_on",
    "training_completed_on",
    "independence_declared_on",
    "notes",
)


def _volunteer_errors(volunteer: Volunteer) -> dict[str, str]:
    errors = {}
    today = timezone.localdate()
    if not volunteer.name.strip():
        errors["name"] = "Enter the volunteer's name"
    for field, words in (
        ("dbs_issued_on", "DBS issue date"),
        ("first_reference_on", "date of the first reference"),
        ("second_reference_on", "date of the second reference"),
        ("training_completed_on", "training date"),
        ("independence_declared_on", "declaration date"),
    ):
        if message := _not_future(getattr(volunteer, field), f"The {words} must be today or in the past"):
            errors[field] = message
    issued, expires = volunteer.dbs_issued_on, volunteer.dbs_expires_on
    if bool(issued) != bool(expires):
        errors["dbs_expires_on" if issued else "dbs_issued_on"] = (
            "Enter both the date the DBS check was issued and when it is due for renewal"
        )
    elif issued and expires <= issued:
        errors["dbs_expires_on"] = "The DBS renewal date must be after the date it was issued"
    if volunteer.status in Volunteer.MATCHABLE_STATUSES and "dbs_expires_on" not in errors:
        missing = volunteer.missing_checks()
        if missing:
            errors["status"] = f"Before approving this volunteer, record {', '.join(missing)}"
        elif not volunteer.dbs_in_date(today):
            errors["status"] = "The DBS check is out of date: renew it before approving this volunteer"
    return errors


@transaction.atomic
def volunteer_save(*, volunteer: Volunteer | None = None, user, **fields) -> Volunteer:
    """Create a volunteer (``volunteer=None``) or change one."""
    unknown = set(fields) - set(VOLUNTEER_FIELDS)
    if unknown:
        raise TypeError(f"unknown volunteer fields {sorted(unknown)}")
    volunteer = volunteer or Volunteer()
    for field, value in fields.items():
        setattr(volunteer, field, value.strip() if isinstance(value, str) else value)
    raise_if(_volunteer_errors(volunteer))
    volunteer.save()
    return volunteer


# --- Referrals ----------------------------------------------------------------------------

REFERRAL_FIELDS = (
    "child_reference",
    "date_of_birth",
    "legal_status",
    "placement",
    "referrer_name",
    "referrer_team",
    "needs",
    "preferences",
    "child_wishes",
    "child_objects",
    "received_on",
)


def _referral_errors(referral: Referral) -> dict[str, str]:
    errors = {}
    reference = referral.child_reference
    if not CHILD_REFERENCE.match(reference) or not any(c.isdigit() for c in reference):
        errors["child_reference"] = (
            "Enter the child's reference from the social-care system (letters, numbers, hyphens "
            "or slashes, with at least one number), never their name"
        )
    elif (
        Referral.objects.filter(child_reference=reference)
        .exclude(state__in=Referral.CLOSED_STATES)
        .exclude(pk=referral.pk)
        .exists()
    ):
        errors["child_reference"] = f"{reference} already has an open referral"
    dob, received = referral.date_of_birth, referral.received_on
    if message := _not_future(received, "The date the referral was received must be today or in the past"):
        errors["received_on"] = message
    if dob is None:
        errors["date_of_birth"] = "Enter the child's date of birth"
    elif dob >= received:
        errors["date_of_birth"] = "The date of birth must be before the date the referral was received"
    else:
        age = referral.age_on(received)
        if age >= 25:
            errors["date_of_birth"] = f"The young person must be under 25 when referred (they were {age})"
        elif referral.legal_status == Referral.LegalStatus.LOOKED_AFTER and age >= 18:
            errors["legal_status"] = (
                f"A statutory (looked-after) referral must be for a child under 18 (they were {age}); "
                "record a care leaver aged 18 to 25 under Havering's extension"
            )
        elif referral.legal_status == Referral.LegalStatus.CARE_LEAVER and age < 18:
            errors["legal_status"] = (
                f"A care leaver must be 18 or over when referred (they were {age}); "
                "record a younger child as looked after"
            )
    if referral.pk and referral.state != State.RECEIVED:
        first_event = referral.events.exclude(to_state=State.RECEIVED).order_by("on").first()
        if first_event and received > first_event.on:
            errors["received_on"] = (
                f"The referral cannot be received after its first step ({_fmt(first_event.on)})"
            )
    return errors


def _set_referral_fields(referral: Referral, fields: dict) -> None:
    unknown = set(fields) - set(REFERRAL_FIELDS)
    if unknown:
        raise TypeError(f"unknown referral fields {sorted(unknown)}")
    for field, value in fields.items():
        setattr(referral, field, value.strip() if isinstance(value, str) else value)
    referral.child_reference = referral.child_reference.upper()


@transaction.atomic
def referral_create(*, user, **fields) -> Referral:
    referral = Referral(created_by=user)
    _set_referral_fields(referral, fields)
    raise_if(_referral_errors(referral))
    referral.state = State.RECEIVED
    referral.state_changed_on = referral.received_on
    referral.save()
    ReferralEvent.objects.create(referral=referral, to_state=State.RECEIVED, on=referral.received_on, by=user)
    return referral


@transaction.atomic
def _referral_changes(referral: Referral) -> tuple[str, datetime, list[str]]:
    """Who changed ``referral`` last and how, for ``check_version``: a move says who made it
    and where the referral is now; an edit of its details says only when (referrals keep
    no field history: a child's details are not copied)."""
    event = referral.events.select_related("by").order_by("-created_at", "-pk").first()
    if event is None or event.created_at < referral.updated_at - timedelta(seconds=5):
        return "", referral.updated_at, []
    who = (event.by.get_full_name() or event.by.get_username()) if event.by else ""
    return (
        who,
        event.created_at,
        [f"It is now {event.get_to_state_display().lower()} (from {_fmt(event.on)})."],
    )


def referral_update(*, referral: Referral, user, version: int | None = None, **fields) -> Referral:
    """Change a referral's details; refused if it changed since the form read it at
    ``version``. Referrals keep no field history (a child's details are not copied), so
    the refusal says when, not what."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    check_version(referral, version, noun="referral", changes=lambda: _referral_changes(referral))
    if referral.is_closed:
        raise ValidationError(
            f"This referral is {referral.get_state_display().lower()}; it cannot be changed"
        )
    _set_referral_fields(referral, fields)
    raise_if(_referral_errors(referral))
    if referral.state == State.RECEIVED:
        referral.state_changed_on = referral.received_on
        referral.events.filter(to_state=State.RECEIVED).update(on=referral.received_on)
    bump(referral)
    referral.save()
    return referral


def _move_errors(
    *,
    referral: Referral,
    to_state: str,
    on: date,
    volunteer: Volunteer | None,
    introduction_on: date | None,
    end_reason: str,
    reason: str,
) -> dict[str, str]:
    errors = {}
    if on > timezone.localdate():
        errors["on"] = "The date must be today or in the past"
    elif on < referral.state_changed_on:
        errors["on"] = (
            f"The date cannot be before the referral's last step ({_fmt(referral.state_changed_on)})"
        )
    if to_state == State.MATCHED:
        if referral.child_objects:
            errors["volunteer"] = (
                "The child has objected to having an Independent Visitor, so no match can be made "
                "(Children Act 1989 s23ZB). Update the child's wishes first if they have changed"
            )
        elif volunteer is None:
            errors["volunteer"] = "Choose the volunteer"
        elif volunteer.status not in Volunteer.MATCHABLE_STATUSES:
            errors["volunteer"] = f"{volunteer} is not an approved volunteer"
        elif not (volunteer.dbs_in_date(on) and volunteer.dbs_in_date(timezone.localdate())):
            errors["volunteer"] = f"{volunteer}'s DBS check is out of date"
        if on < referral.received_on:
            errors["on"] = (
                f"A match date cannot be before the referral was received ({_fmt(referral.received_on)})"
            )
        if introduction_on is None:
            errors["introduction_on"] = "Enter the date of the introduction"
        elif introduction_on < on:
            errors["introduction_on"] = "The introduction cannot be before the match"
        elif introduction_on > timezone.localdate():
            # A match's dates run in order up to today: referral, match, introduction, visits.
            errors["introduction_on"] = (
                "The introduction date must be today or in the past: make the match once they have met"
            )
    if to_state == State.ACTIVE and on < referral.match.introduction_on:
        errors["on"] = (
            f"The match cannot become active before the introduction ({_fmt(referral.match.introduction_on)})"
        )
    if to_state == State.ENDED and end_reason not in Referral.EndReason.values:
        errors["end_reason"] = "Choose why the match ended"
    if to_state in (State.DECLINED, State.WITHDRAWN) and not reason.strip():
        errors["reason"] = f"Say why the referral is {Referral.State(to_state).label.lower()}"
    return errors


@transaction.atomic
def referral_move(
    *,
    referral: Referral,
    user,
    to_state: str,
    on: date,
    volunteer: Volunteer | None = None,
    introduction_on: date | None = None,
    end_reason: str = "",
    reason: str = "",
    version: int | None = None,
) -> Referral:
    """Move a referral one step through its workflow (a match made, started or ended with
    it), or refuse with a message; refused too if it changed since the form read it at
    ``version``."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    check_version(referral, version, noun="referral", changes=lambda: _referral_changes(referral))
    if refusal := move_refusal(referral, to_state):
        raise ValidationError(refusal)
    current = referral.state
    if volunteer is not None:
        volunteer = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    raise_if(
        _move_errors(
            referral=referral,
            to_state=to_state,
            on=on,
            volunteer=volunteer,
            introduction_on=introduction_on,
            end_reason=end_reason,
            reason=reason,
        )
    )
    if to_state == State.MATCHED:
        Match.objects.create(
            referral=referral, volunteer=volunteer, matched_on=on, introduction_on=introduction_on
        )
        if volunteer.status == Volunteer.Status.APPROVED:
            volunteer.status = Volunteer.Status.ACTIVE
            volunteer.save(update_fields=["status", "updated_at"])
    elif to_state == State.ACTIVE:
        Match.objects.filter(referral=referral).update(started_on=on)
    if to_state in Referral.CLOSED_STATES:
        referral.closed_on = on
        referral.closure_reason = reason.strip()
        referral.end_reason = end_reason if to_state == State.ENDED else ""
        Match.objects.filter(referral=referral).update(ended_on=on)
    ReferralEvent.objects.create(
        referral=referral, from_state=current, to_state=to_state, on=on, by=user, note=reason.strip()
    )
    referral.state = to_state
    referral.state_changed_on = on
    bump(referral)
    referral.save()
    return referral


# --- Visits and reviews -------------------------------------------------------------------


def _matched(referral: Referral, what: str) -> Match:
    if referral.state not in Referral.MATCHED_STATES:
        raise ValidationError(f"{what} can only be recorded for a matched or active referral")
    return referral.match


@transaction.atomic
def visit_log(
    *, referral: Referral, user, visited_on: date, duration_minutes: int, kind: str, notes: str = ""
) -> Visit:
    match = _matched(referral, "Visits")
    errors = {}
    if visited_on < match.matched_on:
        errors["visited_on"] = f"A visit cannot be before the match ({_fmt(match.matched_on)})"
    elif visited_on < match.introduction_on:
        errors["visited_on"] = f"A visit cannot be before the introduction ({_fmt(match.introduction_on)})"
    elif message := _not_future(visited_on, "The date of the visit must be today or in the past"):
        errors["visited_on"] = message
    if (
        isinstance(duration_minutes, bool)
        or not isinstance(duration_minutes, int)
        or not 1 <= duration_minutes <= MAX_VISIT_MINUTES
    ):
        errors["duration_minutes"] = f"Enter the duration in whole minutes, from 1 to {MAX_VISIT_MINUTES}"
    raise_if(errors)
    return Visit.objects.create(
        match=match,
        visited_on=visited_on,
        duration_minutes=duration_minutes,
        kind=kind,
        notes=notes.strip(),
        created_by=user,
    )


@transaction.atomic
def review_record(
    *, referral: Referral, user, held_on: date, continue_match: bool, notes: str = ""
) -> Review:
    match = _matched(referral, "Reviews")
    errors = {}
    if held_on < match.matched_on:
        errors["held_on"] = f"A review cannot be before the match ({_fmt(match.matched_on)})"
    elif message := _not_future(held_on, "The date of the review must be today or in the past"):
        errors["held_on"] = message
    raise_if(errors)
    return Review.objects.create(
        match=match, held_on=held_on, continue_match=continue_match, notes=notes.strip(), reviewed_by=user
    )


# --- The record-view log and anonymisation ------------------------------------------------


# RecordView.view's length: a page name built from the address (a move's state) is cut to fit.
VIEW_NAME_CHARS = 60


def record_view_log(*, user, referral: Referral, view: str) -> None:
    """Note that ``user`` saw this child's record through ``view``. Called by each view that shows one."""
    record_views_log(user=user, referrals=[referral], view=view)


def record_views_log(*, user, referrals, view: str) -> int:
    """Note that ``user`` saw these children's references on a list (one row each, one query)."""
    rows = [
        RecordView(
            user=user,
            username=user.get_username(),
            referral=referral,
            record=f"Referral {referral.pk}",
            view=view[:VIEW_NAME_CHARS],
        )
        for referral in {referral.pk: referral for referral in referrals if referral is not None}.values()
    ]
    RecordView.objects.bulk_create(rows)
    return len(rows)


@transaction.atomic
def referrals_anonymise_closed(*, today: date | None = None) -> int:
    """Strip what identifies the child from referrals closed longer than IV_RETENTION_DAYS.

    What the panel's figures need stays (legal status, placement, dates, state, end
    reason); the reference, date of birth and every free-text note go. Safe to run twice.
    """
    today = today or timezone.localdate()
    cutoff = today - timedelta(days=settings.IV_RETENTION_DAYS)
    due = Referral.objects.filter(
        state__in=Referral.CLOSED_STATES, closed_on__lt=cutoff, anonymised_at__isnull=True
    )
    old_references = dict(due.values_list("pk", "child_reference"))
    ids = list(old_references)
    if not ids:
        return 0
    _admin_log_scrub(old_references)
    ReferralEvent.objects.filter(referral_id__in=ids).update(note="")
    Visit.objects.filter(match__referral_id__in=ids).update(notes="")
    Review.objects.filter(match__referral_id__in=ids).update(notes="")
    Referral.objects.filter(pk__in=ids).update(
        child_reference=Concat(Value("ANON-"), Cast("pk", output_field=CharField())),
        date_of_birth=None,
        referrer_name="",
        referrer_team="",
        needs="",
        preferences="",
        child_wishes="",
        closure_reason="",
        anonymised_at=timezone.now(),
    )
    return len(ids)


def _admin_log_scrub(old_references: dict[int, str]) -> None:
    """The Django admin's history names records by their str(), so a referral's reference
    (and a match's, which includes it) would outlive anonymisation there."""
    referral_type = ContentType.objects.get_for_model(Referral)
    match_type = ContentType.objects.get_for_model(Match)
    event_type = ContentType.objects.get_for_model(ReferralEvent)
    ids = list(old_references)
    LogEntry.objects.filter(content_type=referral_type, object_id__in=[str(pk) for pk in ids]).update(
        object_repr=Concat(Value("ANON-"), F("object_id"))
    )
    for content_type, queryset in (
        (match_type, Match.objects.filter(referral_id__in=ids)),
        (event_type, ReferralEvent.objects.filter(referral_id__in=ids)),
    ):
        object_ids = [str(pk) for pk in queryset.values_list("pk", flat=True)]
        LogEntry.objects.filter(content_type=content_type, object_id__in=object_ids).update(
            object_repr=Concat(Value(f"Anonymised {content_type.model} "), F("object_id"))
        )
    # Free text the admin wrote into a change message: the reference as a whole only, so that
    # anonymising "AB1" leaves another child's "AB12" or "AB1/2" as it was.
    for pk, reference in old_references.items():
        whole = re.compile(rf"(?<![A-Za-z0-9/-]){re.escape(reference)}(?![A-Za-z0-9/-])")
        for entry in LogEntry.objects.filter(change_message__contains=reference):
            scrubbed = whole.sub(f"ANON-{pk}", entry.change_message)
            if scrubbed != entry.change_message:
                entry.change_message = scrubbed
                entry.save(update_fields=["change_message"])
