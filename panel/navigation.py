"""The service navigation: which sections each user sees.

Each item names the rule its page requires (``perm``, asked through ``core.access.allowed``),
so the menu shows exactly the sections a user may open; ``perm=None`` is for every
signed-in user. tests/panel/test_navigation.py opens every item's page as every role.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone

from actions.roles import Role, has_role
from core.access import allowed
from participation.selectors import message_counts


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    # The rule the item's page requires (the view's ``require``); None: any signed-in user.
    perm: str | None = None
    # Prefixes of URL names (e.g. "panel:report_") whose pages mark this item as current.
    sections: tuple[str, ...] = ()
    # Words added to the label, worked out for each page (one query at most).
    status: Callable[[], str] | None = None

    def visible_to(self, user) -> bool:
        return self.perm is None or allowed(user, self.perm)

    def is_current(self, view_name: str) -> bool:
        return self.match_length(view_name) > 0

    def match_length(self, view_name: str) -> int:
        """How closely a page belongs here: its own page most, then the longest section prefix."""
        if view_name == self.url_name:
            return len(view_name) + 1
        return max((len(prefix) for prefix in self.sections if view_name.startswith(prefix)), default=0)


def tell_us_status() -> str:
    """How many messages from young people wait for an answer, and how many are overdue."""
    counts = message_counts(now=timezone.now())
    if not counts["waiting"]:
        return "none waiting"
    overdue = f", {counts['overdue']} overdue" if counts["overdue"] else ""
    return f"{counts['waiting']} waiting{overdue}"


NAV_ITEMS: tuple[NavItem, ...] = (
    NavItem("Home", "home"),
    NavItem("Dashboard", "panel:dashboard", perm="panel.view_dashboard"),
    NavItem(
        "Action plan",
        "action_plan",
        perm="actions.view_plan",
        sections=(
            "action_detail",
            "action_add_update",
            "action_milestones",
            "action_milestone_add",
            "action_create",
            "action_edit",
            "action_plan_import",
            "action_plan_import_confirm",
        ),
    ),
    NavItem("My actions", "my_actions", perm="actions.see_my_actions"),
    NavItem(
        "Performance",
        "kpi_list",
        perm="actions.view_kpis",
        sections=(
            "kpi_detail",
            "kpi_import_list",
            "kpi_import_new",
            "kpi_import_detail",
            "neighbour_model_",  # DfE's statistical-neighbour models: linked from the imports
            # DfE's National Framework indicators: linked from the measures page and the
            # dashboard (the administrator's menu has no room for another item at 1280 px).
            "kpi_framework",
        ),
    ),
    NavItem(
        "Participation",
        "participation:groups",
        perm="participation.read_participation",
        sections=(
            "participation:group",
            "participation:session_new",
            "participation:session",
            "participation:session_edit",
            "participation:feedback_new",
            "participation:feedback",
            "participation:feedback_edit",
        ),
    ),
    # Messages may be about a young person's safety: the officer sees them wait from every page.
    # Administrators open the queue too, from "Young people" (its sections include it).
    NavItem(
        "Tell us",
        "participation:messages",
        perm="participation.watch_messages",
        sections=("participation:message",),
        status=tell_us_status,
    ),
    NavItem(
        "Young people",
        "easy_read_list",
        perm="actions.see_easy_read",
        sections=("easy_read_", "participation:message", "participation:feedback_share"),
    ),
    NavItem(
        "Independent Visitors",
        "participation:iv:home",
        perm="participation.manage_iv",
        sections=("participation:iv:",),
    ),
    NavItem(
        "Meetings",
        "panel:meeting_list",
        perm="panel.read_meetings",
        sections=("panel:meeting_", "panel:panel_action_"),
    ),
    NavItem("Reports", "panel:report_list", perm="panel.read_reports", sections=("panel:report_",)),
)

# Django's admin is a separate tool: it is linked from the header, beside the account
# links, so that the menu fits one line at 1280 px for every role.
ADMIN_ITEM = NavItem("Administration", "admin:index", perm="panel.use_django_admin")


def admin_url(user) -> str | None:
    return reverse(ADMIN_ITEM.url_name) if ADMIN_ITEM.visible_to(user) else None


def nav_for(user, view_name: str) -> list[dict]:
    items = [item for item in NAV_ITEMS if item.visible_to(user)]
    # One current item: where sections overlap, the closest match (feedback_share is "Young
    # people", though it starts like "Participation"'s participation:feedback).
    current = max(items, key=lambda item: item.match_length(view_name), default=None)
    if current is not None and not current.is_current(view_name):
        current = None
    return [
        {
            "label": f"{item.label} ({item.status()})" if item.status else item.label,
            "url": reverse(item.url_name),
            "current": item is current,
        }
        for item in items
    ]


# Where each role lands after signing in: its own work. The first role the user holds wins,
# so an administrator who also leads actions still lands on the dashboard.
LANDING: tuple[tuple[str, str], ...] = (
    (Role.ADMINISTRATOR, "panel:dashboard"),
    (Role.SUBGROUP_LEAD, "my_actions"),
    (Role.PARTICIPATION_OFFICER, "participation:groups"),
    (Role.IV_COORDINATOR, "participation:iv:home"),
    (Role.PANEL_MEMBER, "panel:dashboard"),
)


def landing_url(user) -> str:
    """The page a user lands on after signing in; the home page for a user with no role."""
    for role, url_name in LANDING:
        if has_role(user, role):
            return reverse(url_name)
    return reverse("home")
