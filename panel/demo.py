"""Synthetic demo data. Every name here is invented and looks it; nothing is real.

``seed_demo`` runs each app's seeding in dependency order. Each step is idempotent:
running the command twice leaves the same data.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from accounts import mfa
from actions.demo import seed_actions
from actions.easyread.demo import seed_easy_read
from actions.kpis.demo import seed_dfe_figures, seed_kpi_figures, seed_owners_and_commentary
from actions.roles import Role
from participation.demo import seed_participation

from .models import AgendaItem, Meeting, PanelAction

DEFAULT_DEMO_PASSWORD = "demo-portal-2026"  # noqa: S105 - synthetic demo accounts only
# Every demo user's authenticator key (base32, as apps take it); DEMO_TOTP_SECRET overrides it.
DEFAULT_DEMO_TOTP_SECRET = "HCPDEMOTOTPSECRETHCPDEMO"  # noqa: S105 - synthetic demo accounts only


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: str
    is_staff: bool = False


DEMO_USERS = (
    DemoUser("panel", "Demo", "Panel-Member", Role.PANEL_MEMBER),
    DemoUser("lead", "Demo", "Subgroup-Lead", Role.SUBGROUP_LEAD),
    # Staff, so that they can keep the jargon list in the Django admin.
    DemoUser("participation", "Demo", "Participation-Officer", Role.PARTICIPATION_OFFICER, is_staff=True),
    DemoUser("ivstaff", "Demo", "IV-Coordinator", Role.IV_COORDINATOR),
    DemoUser("admin", "Demo", "Administrator", Role.ADMINISTRATOR, is_staff=True),
)


@transaction.atomic
def seed_users(*, password: str, totp_secret: str = DEFAULT_DEMO_TOTP_SECRET) -> dict[str, object]:
    """One demo user per role, with the given password and authenticator key (reset on every run)."""
    User = get_user_model()
    users = {}
    for spec in DEMO_USERS:
        user, _ = User.objects.update_or_create(
            username=spec.username,
            defaults={
                "first_name": spec.first_name,
                "last_name": spec.last_name,
                "email": f"{spec.username}@example.org",
                "is_staff": spec.is_staff,
                "is_active": True,
            },
        )
        user.set_password(password)
        user.save(update_fields=["password"])
        user.groups.set([Group.objects.get(name=spec.role)])
        mfa.mfa_seed_device(user=user, hex_key=mfa.hex_key_from_base32(totp_secret))
        users[spec.username] = user
    return users


def seed_all(
    *, password: str, scale: int = 1, totp_secret: str = DEFAULT_DEMO_TOTP_SECRET
) -> dict[str, object]:
    """Every app's demo data, lowest app first. ``scale`` multiplies the volume."""
    users = seed_users(password=password, totp_secret=totp_secret)
    seed_actions(users=users, scale=scale)
    seed_easy_read(users=users)
    seed_dfe_figures()
    seed_kpi_figures(users=users, scale=scale)
    seed_participation(users=users, scale=scale)
    seed_meetings(users=users, today=timezone.localdate())
    # Last: the ratings of the measures worked out from participation and IV records too.
    seed_owners_and_commentary(users=users)
    return users


# Panel meetings: about six a year, Thursday evenings, at a made-up venue.
MEETING_DATES = (
    date(2025, 5, 15),
    date(2025, 7, 17),
    date(2025, 9, 18),
    date(2025, 11, 20),
    date(2026, 1, 22),
    date(2026, 3, 19),
    date(2026, 5, 21),
    date(2026, 7, 16),
    date(2026, 9, 17),
    date(2026, 11, 26),
    date(2027, 1, 21),
    date(2027, 3, 18),
)
AGENDA = (
    ("Welcome, apologies and minutes of the last meeting", "Chair"),
    ("Voice of the child: Say It Louder update", "Demo Participation-Officer"),
    ("Performance report and scorecard", "Demo Performance Analyst"),
    ("Action plan: exceptions and slippage", "Subgroup chairs"),
    ("Independent Visitor service update", "Demo IV-Coordinator"),
    ("Any other business", "Chair"),
)
QUESTIONS = (
    ("question", "Why has the share of dental checks fallen since the spring?"),
    ("action", "Bring back a plan for more care leavers in apprenticeships."),
    ("question", "How many young people placed out of borough have an Independent Visitor?"),
    ("action", "Invite Say It Louder to present their survey at the next meeting."),
)


@transaction.atomic
def seed_meetings(*, users: dict, today: date) -> list[Meeting]:
    meetings = []
    owners = [users["lead"], users["participation"], users["ivstaff"], users["admin"]]
    for number, day in enumerate(MEETING_DATES):
        starts_at = timezone.make_aware(datetime.combine(day, time(18, 0)))
        meeting, created = Meeting.objects.get_or_create(
            starts_at=starts_at,
            defaults={"title": "Corporate Parenting Panel", "location": "Demo Town Hall, Committee Room 1"},
        )
        meetings.append(meeting)
        if not created:
            continue
        for position, (title, presenter) in enumerate(AGENDA, start=1):
            AgendaItem.objects.create(meeting=meeting, position=position, title=title, presenter=presenter)
        if day < today:
            kind, text = QUESTIONS[number % len(QUESTIONS)]
            done = day < today - timedelta(days=120)
            PanelAction.objects.create(
                meeting=meeting,
                kind=kind,
                text=text,
                owner=owners[number % len(owners)],
                due_date=day + timedelta(days=56),
                status=PanelAction.Status.DONE if done else PanelAction.Status.OPEN,
                response="Answered at the following meeting (synthetic demo response)." if done else "",
                closed_on=day + timedelta(days=56) if done else None,
            )
    return meetings
