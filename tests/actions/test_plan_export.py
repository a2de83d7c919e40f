import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from actions.models import KPI
from tests.actions.conftest import bulk_plan
from tests.factories import ActionFactory, MilestoneFactory, ProgressUpdateFactory

pytestmark = pytest.mark.django_db

# The export's queries, whatever the number of actions:
#  1 session, 2 user, 3 the user's groups (django-rules, for the access check),
#  4 the actions (joined and annotated), 5 their linked KPIs (prefetched),
#  6-8 saving the session (savepoint, update, release).
EXPORT_QUERIES = 8


def read_csv(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("size", [60, 2000])
def test_the_export_runs_a_fixed_number_of_queries(
    client, panel_user, django_assert_max_num_queries, size, fmt
):
    actions = bulk_plan(size)
    actions[0].kpis.set(KPI.objects.filter(code__in=["W01", "W02"]))
    client.force_login(panel_user)
    with django_assert_max_num_queries(EXPORT_QUERIES):
        response = client.get(reverse("action_plan_export", args=[fmt]))
    assert response.status_code == 200
    if fmt == "csv":
        assert len(read_csv(response)) == size
    else:
        assert openpyxl.load_workbook(io.BytesIO(response.content)).active.max_row == size + 1


def test_the_csv_holds_each_actions_plan_and_progress(client, panel_user, lead_user):
    action = ActionFactory(lead=lead_user, title="Recruit mentors", status="some_slippage")
    action.kpis.set(KPI.objects.filter(code__in=["I02", "I03"]))
    MilestoneFactory(action=action, completed_on=action.start_date)
    MilestoneFactory(action=action)
    ProgressUpdateFactory(action=action, done="Ten mentors recruited.", next_steps="Match them.")
    client.force_login(panel_user)
    response = client.get(reverse("action_plan_export", args=["csv"]))
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment;" in response["Content-Disposition"]
    [row] = read_csv(response)
    assert row["Action"] == "Recruit mentors"
    assert row["Lead"] == lead_user.get_full_name()
    assert row["Status"] == "Some slippage"
    assert row["RAG"] == "Amber"
    assert row["Latest progress"] == "Ten mentors recruited."
    assert row["Next steps"] == "Match them."
    assert (row["Milestones complete"], row["Milestones"]) == ("1", "2")
    assert row["Linked KPIs"] == "I02, I03"
    assert row["Due date"] == action.due_date.isoformat()


def test_the_export_holds_only_the_filtered_actions(client, panel_user):
    ActionFactory(title="Kept", status="off_track")
    ActionFactory(title="Left out", status="on_track")
    client.force_login(panel_user)
    response = client.get(reverse("action_plan_export", args=["csv"]), {"status": "off_track"})
    assert [row["Action"] for row in read_csv(response)] == ["Kept"]


def test_cells_that_a_spreadsheet_would_run_are_escaped(client, panel_user):
    risky = ["=1+1", "+SUM(A1)", "-2", "@cmd", "\tTabbed", "\rReturned"]
    for text in risky:
        action = ActionFactory(title=text)
        ProgressUpdateFactory(action=action, done=text)
    client.force_login(panel_user)

    rows = read_csv(client.get(reverse("action_plan_export", args=["csv"])))
    assert sorted(row["Action"] for row in rows) == sorted("'" + text for text in risky)
    assert all(row["Latest progress"].startswith("'") for row in rows)

    response = client.get(reverse("action_plan_export", args=["xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    headers = [cell.value for cell in sheet[1]]
    column = headers.index("Action")
    cells = [row[column] for row in sheet.iter_rows(min_row=2)]
    assert all(cell.data_type == "s" and cell.value.startswith("'") for cell in cells)
