from actions.models import Commitment, EasyReadText
from tests.actions.kpis import permission_cases as kpi_cases
from tests.factories import ActionFactory, MilestoneFactory
from tests.permission_matrix import Case, expect, only

LEADS_AND_ADMIN = ("lead", "other_lead", "admin")
UNKNOWN_ID = 999_999


def build_world(users):
    action = ActionFactory(lead=users["lead"], shareable=True)
    EasyReadText.objects.create(action=action, text="We are starting a cooking club.")
    return {"action": action, "milestone": MilestoneFactory(action=action), **kpi_cases.build_world(users)}


def _action(world):
    return [world["action"].pk]


def _unknown(world):
    return [UNKNOWN_ID]


def _new_action(world):
    return {
        "commitment": Commitment.objects.get(code="H4").pk,
        "title": "Takeover day of the panel",
        "lead": world["users"]["lead"].pk,
        "start_date_0": "1",
        "start_date_1": "4",
        "start_date_2": "2025",
        "due_date_0": "31",
        "due_date_1": "3",
        "due_date_2": "2026",
        "status": "not_started",
    }


def _update(world):
    return {"status": "off_track", "done": "Partners met; funding is delayed."}


def _milestone_ticked(world):
    return {"completed": [world["milestone"].pk]}


def _new_milestone(world):
    return {"title": "Young people consulted", "due_date_0": "1", "due_date_1": "6", "due_date_2": "2030"}


LEAD_OR_ADMIN_WRITES = only(("lead", "admin"), ok=302)

CASES = [
    Case("home", expect(200)),
    # Everyone with a role reads the plan, exports it and opens any action.
    Case("action_plan", expect(200)),
    Case("action_plan_export", expect(200), args=lambda w: ["csv"], id="GET export csv"),
    Case("action_plan_export", expect(200), args=lambda w: ["xlsx"], id="GET export xlsx"),
    Case("action_plan_export", expect(404), args=lambda w: ["pdf"], id="GET export unknown format"),
    Case("action_detail", expect(200), args=_action),
    Case("action_detail", expect(404), args=_unknown, id="GET action_detail unknown id"),
    # "My actions" is for the people who lead actions.
    Case("my_actions", only(LEADS_AND_ADMIN)),
    # Progress and milestones: the action's own lead and administrators only.
    Case("action_add_update", only(("lead", "admin")), args=_action),
    Case("action_add_update", LEAD_OR_ADMIN_WRITES, args=_action, method="post", data=_update),
    Case(
        "action_add_update", expect(404), args=_unknown, method="post", data=_update, id="POST update unknown"
    ),
    Case("action_milestones", only(("lead", "admin")), args=_action),
    Case("action_milestones", LEAD_OR_ADMIN_WRITES, args=_action, method="post", data=_milestone_ticked),
    Case("action_milestone_add", LEAD_OR_ADMIN_WRITES, args=_action, method="post", data=_new_milestone),
    Case(
        "action_milestone_add",
        expect(404),
        args=_unknown,
        method="post",
        data=_new_milestone,
        id="POST milestone unknown",
    ),
    # Administrators manage the plan.
    Case("action_create", only(("admin",))),
    Case("action_create", only(("admin",), ok=302), method="post", data=_new_action),
    Case("action_edit", only(("admin",)), args=_action),
    Case("action_edit", expect(404), args=_unknown, id="GET action_edit unknown id"),
    Case("action_plan_import", only(("admin",))),
    Case("action_plan_import_template", only(("admin",))),
    # Without a valid preview token the administrator is sent back to upload.
    Case("action_plan_import_confirm", only(("admin",), ok=302), method="post"),
    # Easy-read words for young people: participation officers, and the lead of the action.
    Case("easy_read_list", only(("lead", "other_lead", "participation", "admin"))),
    Case(
        "easy_read_edit", only(("lead", "participation", "admin")), args=lambda w: ["action", w["action"].pk]
    ),
    Case(
        "easy_read_edit",
        only(("lead", "participation", "admin"), ok=302),
        args=lambda w: ["action", w["action"].pk],
        method="post",
        data=lambda w: {"text": "We are starting a cooking club. It is free."},
        id="POST easy_read_edit",
    ),
    Case(
        "easy_read_edit",
        only(("participation", "admin")),
        args=lambda w: ["commitment", Commitment.objects.get(code="H4").pk],
        id="GET easy_read_edit commitment",
    ),
    Case(
        "easy_read_edit",
        expect(404, panel=403, ivstaff=403),
        args=lambda w: ["nonsense", w["action"].pk],
        id="GET easy_read_edit unknown kind",
    ),
    Case(
        "easy_read_approve",
        only(("participation", "admin"), ok=302),
        args=lambda w: ["action", w["action"].pk],
        method="post",
    ),
    Case(
        "easy_read_withdraw",
        only(("participation", "admin"), ok=302),
        args=lambda w: ["action", w["action"].pk],
        method="post",
    ),
    *kpi_cases.CASES,
]
