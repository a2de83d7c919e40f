"""Synthetic demo data for participation and the Independent Visitor service.

Everything is invented and looks it: sessions are "Demo session 3", volunteers are
"Volunteer Kestrel", children are "DEMO-00042". Deterministic (seeded random), scaled by
``scale``, and idempotent: sessions, feedback and volunteers are matched on their demo
names, and a referral that already exists is left as it is.
"""

import random
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone

from actions.models import Action, Theme
from core.months import previous_month_end

from .derived_kpis import derived_kpis_record
from .models import (
    FeedbackItem,
    Match,
    ParticipationGroup,
    ParticipationSession,
    Referral,
    ReferralEvent,
    Review,
    Visit,
    Volunteer,
    YoungPersonMessage,
)

SESSIONS_PER_GROUP = 8
REFERRALS = 40
VOLUNTEERS = 16
BIRDS = [
    "Kestrel",
    "Heron",
    "Wren",
    "Robin",
    "Swift",
    "Plover",
    "Lapwing",
    "Curlew",
    "Dunlin",
    "Finch",
    "Linnet",
    "Siskin",
    "Merlin",
    "Osprey",
    "Puffin",
    "Redstart",
    "Starling",
    "Teal",
    "Warbler",
    "Nightjar",
]
SAID = (
    ("H", "We want to choose where our reviews are held."),
    ("W", "It takes too long to see someone about how we feel."),
    ("I", "More help with driving lessons and college costs."),
    ("S", "We don't always know who our social worker is."),
    ("T", "Care leavers should not pay council tax."),
    ("I", "More activities in the school holidays."),
    ("H", "Young people should help interview new managers."),
    ("W", "Free gym passes for care leavers."),
    ("S", "Tell us before our placement changes, not after."),
    ("T", "Stop using words like 'placement' and 'contact'."),
)
# "You said, we did" items shared with young people, in easy read that passes the check.
SHARED = {
    "We want to choose where our reviews are held.": (
        "You want to pick where the meetings about your care happen.",
        "Now you can pick the place. Some young people meet at a café or at school.",
    ),
    "It takes too long to see someone about how we feel.": (
        "You said it takes too long to get help with your feelings.",
        "We set up a quick way to see a worker about your feelings.",
    ),
    "More help with driving lessons and college costs.": (
        "You asked for help to pay for driving lessons and college.",
        "We now pay for some driving lessons. We help with college costs too.",
    ),
    "We don't always know who our social worker is.": (
        "You do not always know who your social worker is.",
        "Now you get a card with your worker's name, photo and phone number.",
    ),
    "Stop using words like 'placement' and 'contact'.": (
        "You asked us to stop using words that sound like a form.",
        "We made a list of words to stop using. We check what we write against it.",
    ),
    "More activities in the school holidays.": (
        "You asked for more to do in the school holidays.",
        "We added trips and clubs in every school holiday.",
    ),
}
# Messages from the young people's page (synthetic): days ago, promise, text, closed because.
MESSAGES = (
    (2, "I", "Demo message: can we have a games night at the hub? Lots of us would come.", ""),
    (16, "W", "Demo message: the bus to my college is always late and I miss the start.", ""),
    (30, None, "Demo message: test test", "A test message, not from a young person."),
)
RESPONSE = "Demo response: agreed with the service and reported back to the group."
COHORTS_BY_KIND = {
    ParticipationGroup.Kind.CARE_EXPERIENCED: ((3, 12), (1, 8), (0, 2)),
    ParticipationGroup.Kind.UNIVERSAL: ((0, 3), (0, 2), (8, 30)),
    ParticipationGroup.Kind.PROGRAMME: ((2, 8), (0, 4), (2, 10)),
}


def seed_participation(*, users: dict, scale: int = 1, today: date | None = None) -> None:
    today = today or timezone.localdate()
    seed_sessions_and_feedback(users=users, scale=scale, today=today)
    seed_shared_feedback_and_messages(users=users, today=today)
    seed_independent_visitors(users=users, scale=scale, today=today)
    for months_back in range(12):
        derived_kpis_record(period_end=previous_month_end(today - relativedelta(months=months_back)))


@transaction.atomic
def seed_sessions_and_feedback(*, users: dict, scale: int, today: date) -> None:
    rng = random.Random(5)
    officer = users.get("participation")
    themes = {theme.code: theme for theme in Theme.objects.all()}
    actions = list(Action.objects.order_by("pk")[:20])
    kinds = ParticipationSession.Kind.values
    feedback_number = 0
    for group in ParticipationGroup.objects.filter(is_active=True).order_by("slug"):
        if group.facilitator_id is None and officer is not None:
            group.facilitator = officer
            group.save(update_fields=["facilitator"])
        ranges = COHORTS_BY_KIND[group.kind]
        count = SESSIONS_PER_GROUP * scale
        for n in range(1, count + 1):
            counts = [rng.randint(low, high) for low, high in ranges]
            session, _ = ParticipationSession.objects.update_or_create(
                group=group,
                title=f"Demo session {n}",
                defaults={
                    "kind": kinds[(n + len(group.slug)) % len(kinds)] if n % 3 == 0 else "meeting",
                    "held_on": today - timedelta(days=round(n * 456 / (count + 1)) + rng.randint(0, 6)),
                    "in_care": counts[0],
                    "care_leavers": counts[1],
                    "others": counts[2],
                    "created_by": officer,
                },
            )
            if n % 2:
                continue
            feedback_number += 1
            code, said = SAID[feedback_number % len(SAID)]
            status = FeedbackItem.Status.values[feedback_number % 4]
            answered = status in (FeedbackItem.Status.RESPONDED, FeedbackItem.Status.CLOSED)
            FeedbackItem.objects.update_or_create(
                session=session,
                said=f"Demo feedback {feedback_number}: {said}",
                defaults={
                    "group": group,
                    "raised_on": session.held_on,
                    "theme": themes[code],
                    "action": actions[feedback_number % len(actions)]
                    if actions and feedback_number % 3
                    else None,
                    "status": status,
                    "response": RESPONSE if answered else "",
                    "reported_back_on": min(today, session.held_on + timedelta(days=30))
                    if answered
                    else None,
                },
            )


AREAS = ("Romford", "Hornchurch", "Upminster", "Rainham", "Harold Hill", "Collier Row", "Elm Park")
INTERESTS = (
    "Football, cooking",
    "Drawing, museums",
    "Swimming, board games",
    "Music, going to gigs",
    "Cycling, nature walks",
    "Films, bowling",
    "Reading, the library",
)


def _volunteer_specs(scale: int, today: date) -> list[dict]:
    specs = []
    for n in range(VOLUNTEERS * scale):
        bird = BIRDS[n % len(BIRDS)]
        name = f"Volunteer {bird}" + (f" {n // len(BIRDS) + 1}" if n >= len(BIRDS) else "")
        status = {0: "applicant", 1: "applicant", 7: "paused", 11: "left"}.get(n % 16, "approved")
        issued = None if n % 16 == 0 else today - timedelta(days=200 + (n * 53) % 800)
        if n % 16 in (3, 9):  # renewal falls due within 60 days
            issued = today - relativedelta(years=3) + timedelta(days=10 + 15 * (n % 16 == 9))
        specs.append(
            {
                "name": name,
                "email": f"volunteer.{bird.lower()}{n}@example.org",
                "phone": f"01632 960{n % 1000:03d}",
                "status": status,
                "area": AREAS[n % len(AREAS)],
                "interests": INTERESTS[n % len(INTERESTS)],
                "dbs_issued_on": issued,
                "dbs_expires_on": issued + relativedelta(years=3) if issued else None,
                "first_reference_on": issued,
                "second_reference_on": issued + timedelta(days=7) if issued and n % 16 != 1 else None,
                "training_completed_on": issued + timedelta(days=14) if issued and n % 16 != 1 else None,
                "independence_declared_on": issued,
            }
        )
    return specs


def _referral_plan(i: int, today: date, rng: random.Random) -> dict:
    """What becomes of demo referral ``i``: a spread over every stage of the workflow."""
    kind = i % 20
    care_leaver = i % 5 == 4
    if kind in (0, 1):
        plan = {"state": "received", "received": today - timedelta(days=5 + 7 * kind)}
    elif kind == 2:
        plan = {"state": "eligibility_checked", "received": today - timedelta(days=30)}
    elif kind in (3, 4):
        plan = {
            "state": "awaiting_match",
            "received": today - timedelta(days=45 + 60 * (kind - 3) + rng.randint(0, 30)),
        }
    elif kind == 5:
        plan = {"state": "matched", "received": today - timedelta(days=80), "matched_ago": 12}
    elif kind <= 14:
        plan = {
            "state": "active",
            "received": today - timedelta(days=120 + 70 * (kind - 6) + rng.randint(0, 40)),
        }
        plan["matched_ago"] = (today - plan["received"]).days - rng.randint(30, 100)
    elif kind in (15, 16, 19):
        matched_ago = 500 + 60 * (kind - 15) + rng.randint(0, 200)
        plan = {
            "state": "ended",
            "received": today - timedelta(days=matched_ago + rng.randint(30, 90)),
            "matched_ago": matched_ago,
            "ended_ago": rng.randint(20, 300),
            "end_reason": Referral.EndReason.values[i % len(Referral.EndReason.values)],
        }
    else:
        plan = {
            "state": "declined" if kind == 17 else "withdrawn",
            "received": today - timedelta(days=150 + i),
        }
    age = rng.randint(18, 24) if care_leaver else rng.randint(7, 16)
    plan["dob"] = plan["received"] - relativedelta(years=age, days=rng.randint(10, 300))
    plan["legal_status"] = "care_leaver" if care_leaver else "looked_after"
    return plan


@transaction.atomic
def seed_independent_visitors(*, users: dict, scale: int, today: date) -> None:
    rng = random.Random(47)
    coordinator = users.get("ivstaff")
    volunteers = []
    for spec in _volunteer_specs(scale, today):
        volunteer, _ = Volunteer.objects.update_or_create(name=spec.pop("name"), defaults=spec)
        volunteers.append(volunteer)
    matchable = [v for v in volunteers if v.status in Volunteer.MATCHABLE_STATUSES]
    references = [f"DEMO-{i:05d}" for i in range(1, REFERRALS * scale + 1)]
    existing = set(
        Referral.objects.filter(child_reference__in=references).values_list("child_reference", flat=True)
    )
    plans = {}
    for i, reference in enumerate(references):
        plan = _referral_plan(i, today, rng)  # always drawn, so the sequence does not depend on what exists
        if reference not in existing:
            plans[reference] = plan
    if plans:
        _create_referrals(plans=plans, matchable=matchable, coordinator=coordinator, today=today, rng=rng)
    # Volunteers with a current match are active, whichever run created the match.
    Volunteer.objects.filter(
        status=Volunteer.Status.APPROVED, matches__referral__state__in=Referral.MATCHED_STATES
    ).update(status=Volunteer.Status.ACTIVE)


def _create_referrals(*, plans: dict, matchable: list, coordinator, today: date, rng: random.Random) -> None:
    referrals = Referral.objects.bulk_create(
        [
            Referral(
                child_reference=reference,
                date_of_birth=plan["dob"],
                legal_status=plan["legal_status"],
                placement="out_of_borough"
                if len(reference) % 3 == 0 or reference.endswith(("3", "7"))
                else "in_borough",
                referrer_name="Demo Social Worker",
                referrer_team=f"Demo Children in Care Team {1 + int(reference[-1]) % 3}",
                needs="Demo needs: someone to do activities with at weekends.",
                preferences="Demo preference: enjoys football and drawing.",
                child_wishes="Demo wishes: would like a visitor who likes animals.",
                received_on=plan["received"],
                state=plan["state"],
                state_changed_on=plan["received"],
                created_by=coordinator,
            )
            for reference, plan in plans.items()
        ]
    )
    events, matches, visits, reviews = [], [], [], []
    for n, referral in enumerate(referrals):
        plan = plans[referral.child_reference]
        steps = [("", "received", plan["received"])]
        state = plan["state"]
        checked = plan["received"] + timedelta(days=7)
        if state in ("eligibility_checked", "awaiting_match", "matched", "active", "ended"):
            steps.append(("received", "eligibility_checked", checked))
        if state in ("awaiting_match", "matched", "active", "ended"):
            steps.append(("eligibility_checked", "awaiting_match", checked + timedelta(days=3)))
        if state in ("declined", "withdrawn"):
            steps.append(("received", state, plan["received"] + timedelta(days=10)))
            referral.closed_on = plan["received"] + timedelta(days=10)
            referral.closure_reason = f"Demo reason: referral {state}."
        if "matched_ago" in plan:
            matched_on = today - timedelta(days=plan["matched_ago"])
            introduction_on = matched_on + timedelta(days=7)
            match = Match(
                referral=referral,
                volunteer=matchable[n % len(matchable)],
                matched_on=matched_on,
                introduction_on=introduction_on,
            )
            steps.append(("awaiting_match", "matched", matched_on))
            if state in ("active", "ended"):
                match.started_on = introduction_on
                steps.append(("matched", "active", introduction_on))
            last_day = today
            if state == "ended":
                match.ended_on = last_day = today - timedelta(days=plan["ended_ago"])
                steps.append(("active", "ended", match.ended_on))
                referral.closed_on = match.ended_on
                referral.end_reason = plan["end_reason"]
            if n % 20 == 6:  # one in twenty active matches has slipped: no visit for five weeks
                last_day = today - timedelta(days=35)
            matches.append(match)
            visit_day = introduction_on
            while visit_day <= last_day:
                visits.append(
                    Visit(
                        match=match,
                        visited_on=visit_day,
                        duration_minutes=rng.choice((90, 120, 150, 180)),
                        kind=rng.choice(Visit.Kind.values),
                        created_by=coordinator,
                    )
                )
                visit_day += timedelta(days=rng.randint(12, 19))
            review_day = introduction_on + relativedelta(months=6)
            while review_day <= last_day - timedelta(days=20 * (n % 3)):
                reviews.append(Review(match=match, held_on=review_day, reviewed_by=coordinator))
                review_day += relativedelta(months=6)
        referral.state_changed_on = steps[-1][2]
        events.extend(
            ReferralEvent(referral=referral, from_state=from_state, to_state=to_state, on=on, by=coordinator)
            for from_state, to_state, on in steps
        )
    Referral.objects.bulk_update(referrals, ["state_changed_on", "closed_on", "closure_reason", "end_reason"])
    ReferralEvent.objects.bulk_create(events)
    Match.objects.bulk_create(matches)
    Visit.objects.bulk_create(visits)
    Review.objects.bulk_create(reviews)


@transaction.atomic
def seed_shared_feedback_and_messages(*, users: dict, today: date) -> None:
    """One answered item for each of a few "You said" lines shared in easy read, and a few
    messages in the officers' queue (one overdue, one closed)."""
    officer = users.get("participation")
    answered = (FeedbackItem.Status.RESPONDED, FeedbackItem.Status.CLOSED)
    for said, (easy_said, easy_did) in SHARED.items():
        item = (
            FeedbackItem.objects.filter(said__endswith=said, status__in=answered)
            .order_by("-raised_on", "-pk")
            .first()
        )
        if item is not None:
            item.easy_read_said, item.easy_read_did = easy_said, easy_did
            item.names_no_child = item.shared = True
            item.shared_by = officer
            item.shared_at = item.shared_at or timezone.now()
            item.save()
    themes = {theme.code: theme for theme in Theme.objects.all()}
    for days_ago, code, text, closed_because in MESSAGES:
        received = timezone.now() - timedelta(days=days_ago)
        YoungPersonMessage.objects.get_or_create(
            text=text,
            defaults={
                "theme": themes.get(code),
                "received_at": received,
                "state": YoungPersonMessage.State.CLOSED if closed_because else YoungPersonMessage.State.NEW,
                "close_reason": closed_because,
                "handled_by": officer if closed_because else None,
                "handled_at": received + timedelta(days=1) if closed_because else None,
            },
        )
