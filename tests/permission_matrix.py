"""The permission matrix's vocabulary, shared by each app's table of cases.

Each app keeps a ``permission_cases.py`` beside its tests with ``build_world(users)``
(the objects its URLs need) and ``CASES`` (one ``Case`` per URL). ``test_permissions``
walks all of them for every role and checks that no named URL is missing.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

ROLES = ("anonymous", "panel", "lead", "other_lead", "participation", "ivstaff", "admin")
SIGNED_IN = ROLES[1:]
LOGIN = 302  # anonymous users are sent to the sign-in page


def expect(default: int, anonymous: int = LOGIN, **by_role: int) -> dict[str, int]:
    """Expected status per role: ``default`` for signed-in roles unless named."""
    unknown = set(by_role) - set(SIGNED_IN)
    if unknown:
        raise ValueError(f"unknown roles {unknown}")
    return {"anonymous": anonymous} | {role: by_role.get(role, default) for role in SIGNED_IN}


def only(allowed: tuple[str, ...], ok: int = 200, refused: int = 403) -> dict[str, int]:
    return expect(refused, **dict.fromkeys(allowed, ok))


@dataclass(frozen=True)
class Case:
    url_name: str
    expected: dict[str, int]
    args: Callable[[dict], list] = field(default=lambda world: [])
    method: str = "get"
    data: Callable[[dict], dict] = field(default=lambda world: {})
    id: str = ""

    @property
    def label(self) -> str:
        return self.id or f"{self.method.upper()} {self.url_name}"
