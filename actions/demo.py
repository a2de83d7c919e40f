"""Synthetic demo data for the delivery plan: subgroups, demo leads, about 60 actions
with milestones and a year of progress updates and recorded changes.

Every person is invented ("Demo Lead 3"); organisations are generic. Deterministic
(seeded random, dates relative to today) and idempotent: an action that exists is left
alone, so running it twice leaves the same data.
"""

import random
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from .models import KPI, Action, Commitment, Milestone, ProgressUpdate, Subgroup
from .roles import Role

SUBGROUPS = {
    "W": "Health and Wellbeing Subgroup",
    "I": "Education, Employment and Training Subgroup",
    "S": "Homes and Safety Subgroup",
    "H": "Participation and Voice Subgroup",
    "T": "Equality and Inclusion Subgroup",
}
ORGANISATIONS = {
    "W": ["Health partner (demo)", "Children's Social Care", "Emotional wellbeing service (demo)"],
    "I": ["Virtual School", "Leaving Care Service", "Further education partner (demo)"],
    "S": ["Placements and Sufficiency Team", "Police partner (demo)", "Housing Services"],
    "H": ["Participation Team", "Independent Reviewing Service", "Children's Social Care"],
    "T": ["Children's Social Care", "Workforce Development", "Leaving Care Service"],
}
DEMO_LEADS = 8

# Three actions for each "We will…" commitment, by commitment code.
ACTIONS = {
    "W1": [
        "Bring initial health assessments within 20 working days of entering care",
        "Set up a fast-track route to emotional wellbeing support for children in care",
        "Offer every care leaver a health passport and a summary of their health history",
    ],
    "W2": [
        "Run a six-week cooking and budgeting course for young people preparing to leave care",
        "Give every care leaver at 17 a money skills session with a named worker",
        "Create a 'setting up home' starter guide with young people",
    ],
    "W3": [
        "Hold a mental health awareness week with the Children in Care Council",
        "Train foster carers in recognising low mood and anxiety",
        "Co-produce a wellbeing campaign on social media with care-experienced young people",
    ],
    "I1": [
        "Recruit employer mentors for care leavers aged 16 to 21",
        "Ring-fence council apprenticeships for care-experienced young people",
        "Agree a work experience offer with local colleges and employers",
    ],
    "I2": [
        "Hold an annual achievement awards evening for children in care",
        "Introduce termly recognition letters from the Director of Children's Services",
        "Celebrate exam results with a summer event for young people and carers",
    ],
    "I3": [
        "Offer a named transition worker to every young person from age 16",
        "Provide bursaries and equipment for care leavers in further and higher education",
        "Run drop-in support sessions at the care leavers' hub",
    ],
    "I4": [
        "Scope a community broadcast channel with young people and partners",
        "Pilot a monthly young people's newsletter about events and opportunities",
        "Agree how celebration events are shared across partner channels",
    ],
    "S1": [
        "Map where young people feel unsafe on public transport, with young people",
        "Run travel safety sessions with the transport partner",
        "Review lighting and safety concerns at key bus interchanges",
    ],
    "S2": [
        "Set up quarterly meetings between young people and neighbourhood police officers",
        "Introduce a protocol to reduce police call-outs to children's homes",
        "Link young people with safe community spaces and youth clubs",
    ],
    "S3": [
        "Ask children for feedback at every placement review, in a format they choose",
        "Increase the number of in-house foster carers",
        "Visit every semi-independent placement to check quality against the standards",
    ],
    "S4": [
        "Agree a joint housing protocol for care leavers with Housing Services",
        "Offer supported lodgings places for care leavers aged 18 to 21",
        "Give care leavers priority banding and a tenancy-ready course",
    ],
    "S5": [
        "Make sure every child can name a trusted adult, recorded at their review",
        "Expand the Independent Visitor service to more children",
        "Offer lifelong links with a mentor when a young person leaves care",
    ],
    "H1": [
        "Grow the Children in Care Council's membership, including younger children",
        "Set up a young inspectors programme for services used by children in care",
        "Involve young people on interview panels for key posts",
    ],
    "H2": [
        "Offer children a choice of how to take part in their review",
        "Write review records in plain language addressed to the child",
        "Train independent reviewing officers in child-friendly meetings",
    ],
    "H3": [
        "Invite young people to co-author the strategy foreword",
        "Include young people in the panel's annual review of the plan",
        "Publish an easy-read update on progress every six months",
    ],
    "H4": [
        "Hold a takeover day of the Corporate Parenting Panel",
        "Run a takeover day in Children's Services with young people leading meetings",
        "Agree a yearly calendar of takeover days with partners",
    ],
    "T1": [
        "Publish a calendar of cultural and religious celebrations for carers and staff",
        "Fund celebration events chosen by young people across faiths and cultures",
        "Provide culturally appropriate food and hair and skin care guidance to carers",
    ],
    "T2": [
        "Review policies with young people for language that stigmatises care experience",
        "Set up a way for young people to report discrimination and get a response",
        "Treat care experience as if it were a protected characteristic in council decisions",
    ],
    "T3": [
        "Check that children in care get fair access to leisure passes and activities",
        "Guarantee a laptop and internet access for every child in care of school age",
        "Make sure care leavers know their full local offer and entitlements",
    ],
    "T4": [
        "Train staff and carers in language that includes, co-designed with young people",
        "Add care-experienced voices to the induction of every new social worker",
        "Produce a 'words that matter' guide with the Children in Care Council",
    ],
}

DONE = [
    "Met partners to agree the approach and who does what.",
    "Talked with the Children in Care Council about what they want from this.",
    "Drafted the plan and shared it with the subgroup for comment.",
    "Ran the first sessions; young people's feedback was positive.",
    "Collected figures for the last quarter and shared them with the subgroup.",
    "Agreed funding for the next stage with the service manager.",
    "Reviewed progress with the subgroup and agreed changes to the timetable.",
    "Trained staff and carers; more sessions are booked.",
    "Wrote guidance with young people and tested it with a small group.",
    "Followed up the actions from the last panel meeting.",
]
SLIPPED = [
    "Progress slower than planned: a key post was vacant for two months.",
    "Partner capacity has delayed the start; a new date has been agreed.",
    "Waiting for sign-off from the partnership board before going further.",
]
DEFERRED_NOTE = "Paused by agreement of the subgroup while a service review finishes; new dates to follow."
NEXT_STEPS = [
    "Report back to the subgroup at its next meeting.",
    "Agree the next milestone dates with partners.",
    "Ask young people to review the draft before it is final.",
    "Share the results with the panel in the next progress report.",
    "Book the next round of sessions.",
]
MILESTONES = [
    "Scope agreed with partners",
    "Young people consulted",
    "Plan signed off by the subgroup",
    "First phase delivered",
    "Review of what difference it made",
]


def _at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _user(username: str, first: str, last: str, role: str):
    user, created = get_user_model().objects.get_or_create(
        username=username,
        defaults={"first_name": first, "last_name": last, "email": f"{username}@example.org"},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    user.groups.add(Group.objects.get(name=role))
    return user


def _seed_people(users: dict) -> tuple[list, dict]:
    leads = [users["lead"]] + [
        _user(f"demo-lead-{n}", "Demo", f"Lead {n}", Role.SUBGROUP_LEAD) for n in range(1, DEMO_LEADS + 1)
    ]
    subgroups = {}
    for index, (code, name) in enumerate(SUBGROUPS.items()):
        subgroup, _ = Subgroup.objects.get_or_create(name=name, defaults={"chair": leads[index + 1]})
        subgroup.members.add(*leads[index + 1 :: len(SUBGROUPS)], users["lead"])
        subgroups[code] = subgroup
    return leads, subgroups


def _history(obj, when: datetime, user) -> None:
    """Date the change that the next save records (simple-history reads these)."""
    obj._history_date = when
    obj._history_user = user


def _seed_dates(rng: random.Random, *, today) -> tuple[str, date, date]:
    """What becomes of the action ("steady", "overdue"…) and its start and due dates."""
    start = today - timedelta(days=rng.randint(150, 365))
    due = start + timedelta(days=rng.choice([400, 455, 540, 600]))
    fate = rng.choices(
        ["steady", "slipping", "stale", "overdue", "done", "deferred", "fresh"], [12, 4, 4, 4, 3, 1, 2]
    )[0]
    if fate == "overdue":
        due = today - timedelta(days=rng.randint(10, 90))
        start = min(start, due - timedelta(days=180))
    if fate == "fresh":
        start = today + timedelta(days=rng.randint(7, 60))
        due = start + timedelta(days=365)
    return fate, start, due


def _seed_action(rng: random.Random, *, commitment, title, lead, subgroup, admin, today, kpis) -> None:
    code = commitment.theme.code
    fate, start, due = _seed_dates(rng, today=today)
    action = Action(
        commitment=commitment,
        title=title,
        description=(
            f"{title}. Part of our commitment to {commitment.text[0].lower()}{commitment.text[1:]} "
            f"Led by {lead.get_full_name()}{f' with the {subgroup.name}' if subgroup else ''}."
        ),
        lead=lead,
        lead_organisation=rng.choice(ORGANISATIONS.get(code, ["Children's Social Care"])),
        subgroup=subgroup,
        start_date=start,
        due_date=due,
        status=Action.Status.NOT_STARTED,
        shareable=rng.random() < 0.6,
    )
    _history(action, _at(min(start, today) - timedelta(days=21)), admin)
    action.save()
    if kpis:
        _history(action, _at(min(start, today) - timedelta(days=20)), admin)
        action.kpis.set(rng.sample(kpis, k=min(len(kpis), rng.randint(0, 2))))

    milestones = []
    span = (due - start).days
    picked = sorted(rng.sample(range(len(MILESTONES)), k=rng.randint(2, 4)))
    for n, name in enumerate(MILESTONES[i] for i in picked):
        milestone = Milestone(action=action, title=name, due_date=start + timedelta(days=span * (n + 1) // 5))
        _history(milestone, _at(min(start, today) - timedelta(days=20)), admin)
        milestone.save()
        milestones.append(milestone)
    if fate != "fresh":
        _seed_updates(rng, action=action, milestones=milestones, fate=fate, today=today)


def _seed_status(rng: random.Random, *, fate: str, status: str, day, start, last_day) -> str:
    if fate in ("slipping", "overdue") and day > start + timedelta(days=120):
        return rng.choice([Action.Status.SOME_SLIPPAGE, Action.Status.OFF_TRACK])
    if fate == "done" and day + timedelta(days=35) > last_day:
        return Action.Status.COMPLETED
    if fate == "deferred" and day + timedelta(days=60) > last_day:
        return Action.Status.DEFERRED
    return status


def _seed_update(rng: random.Random, *, action, status: str, day, number: int) -> ProgressUpdate:
    slipped = status in (Action.Status.SOME_SLIPPAGE, Action.Status.OFF_TRACK)
    return ProgressUpdate(
        action=action,
        author=action.lead,
        created_at=_at(day, rng.randint(9, 17)),
        status=status,
        done=DEFERRED_NOTE if status == Action.Status.DEFERRED else rng.choice(SLIPPED if slipped else DONE),
        next_steps="" if status == Action.Status.COMPLETED else rng.choice(NEXT_STEPS),
        evidence_url=(
            f"https://example.org/evidence/demo-{action.pk:04d}-{number}" if rng.random() < 0.3 else ""
        ),
        shareable=rng.random() < 0.4,
    )


def _seed_updates(rng: random.Random, *, action, milestones, fate: str, today) -> None:
    """Monthly-ish updates from the start; stale actions fell silent months ago."""
    lead, start = action.lead, action.start_date
    last_day = today - timedelta(days=rng.randint(75, 140)) if fate == "stale" else today - timedelta(days=3)
    day = start + timedelta(days=rng.randint(10, 30))
    status = Action.Status.ON_TRACK
    updates = []
    while day <= last_day:
        status = _seed_status(rng, fate=fate, status=status, day=day, start=start, last_day=last_day)
        slipped = status in (Action.Status.SOME_SLIPPAGE, Action.Status.OFF_TRACK)
        updates.append(_seed_update(rng, action=action, status=status, day=day, number=len(updates) + 1))
        if action.status != status:
            action.status = status
            _history(action, _at(day, 17), lead)
            action.save()
        for milestone in milestones:
            if (
                milestone.completed_on is None
                and milestone.due_date <= day
                and (not slipped or rng.random() < 0.3)
            ):
                milestone.completed_on = day
                _history(milestone, _at(day, 17), lead)
                milestone.save()
        if status in (Action.Status.COMPLETED, Action.Status.DEFERRED):
            break
        day += timedelta(days=rng.randint(21, 45))
    ProgressUpdate.objects.bulk_create(updates)


@transaction.atomic
def seed_actions(*, users: dict, scale: int = 1) -> int:
    """About 60 actions (three per commitment) times ``scale``. Returns how many were added."""
    rng = random.Random(20250401)
    today = timezone.localdate()
    leads, subgroups = _seed_people(users)
    admin = users["admin"]
    kpis_by_theme = {}
    for kpi in KPI.objects.exclude(theme=None):
        kpis_by_theme.setdefault(kpi.theme_id, []).append(kpi)
    existing = set(Action.objects.values_list("commitment__code", "title"))
    added = 0
    for batch in range(1, scale + 1):
        for commitment in Commitment.objects.select_related("theme"):
            for index, base_title in enumerate(ACTIONS.get(commitment.code, [])):
                title = base_title if batch == 1 else f"{base_title} (demo batch {batch})"
                # Draw the same numbers whether or not the action exists, so a re-run
                # and a first run agree on everything.
                action_rng = random.Random(rng.random())
                if (commitment.code, title) in existing:
                    continue
                # The demo "lead" user leads a few actions of each kind, so signing in
                # as them shows stale and overdue work in "My actions".
                lead = leads[0] if (index == 0 and commitment.position % 2) else action_rng.choice(leads[1:])
                _seed_action(
                    action_rng,
                    commitment=commitment,
                    title=title,
                    lead=lead,
                    subgroup=subgroups.get(commitment.theme.code),
                    admin=admin,
                    today=today,
                    kpis=kpis_by_theme.get(commitment.theme_id, []),
                )
                added += 1
    return added
