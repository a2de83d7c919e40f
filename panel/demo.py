"""Synthetic demo data. Every name here is invented and looks it; nothing is real.

``seed_demo`` runs each app's seeding in dependency order. Each step is idempotent:
running the command twice leaves the same data.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from actions.kpis.demo import seed_kpi_figures
from actions.roles import Role

DEFAULT_DEMO_PASSWORD = "demo-portal-2026"  # noqa: S105 - synthetic demo accounts only


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
    DemoUser("participation", "Demo", "Participation-Officer", Role.PARTICIPATION_OFFICER),
    DemoUser("ivstaff", "Demo", "IV-Coordinator", Role.IV_COORDINATOR),
    DemoUser("admin", "Demo", "Administrator", Role.ADMINISTRATOR, is_staff=True),
)


@transaction.atomic
def seed_users(*, password: str) -> dict[str, object]:
    """One demo user per role, with the given password (reset on every run)."""
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
        users[spec.username] = user
    return users


def seed_all(*, password: str, scale: int = 1) -> dict[str, object]:
    """Every app's demo data, lowest app first. ``scale`` multiplies the volume."""
    users = seed_users(password=password)
    seed_kpi_figures(users=users, scale=scale)
    return users
