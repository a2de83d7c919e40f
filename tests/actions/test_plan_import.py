import io
from datetime import date, datetime

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from actions.models import DUE_BEFORE_START, Action
from core.formatting import person_name
from tests.actions.kpis import spreadsheets
from tests.factories import ActionFactory, SubgroupFactory

pytestmark = pytest.mark.django_db

COLUMNS = ["id", "commitment", "title", "description", "lead", "lead_organisation", "subgroup"]
HEADER = ",".join([*COLUMNS, "start_date", "due_date", "status", "kpis", "shareable"])


def csv_file(*rows: str, name="plan.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, "\n".join([HEADER, *rows]).encode("utf-8"), content_type="text/csv")


def xlsx_file(rows: list[list]) -> SimpleUploadedFile:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER.replace("_", " ").title().split(","))  # "Start Date" headings are understood too
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("plan.xlsx", buffer.getvalue())


def preview(client, upload):
    return client.post(reverse("action_plan_import"), {"file": upload})


def confirm(client, response):
    return client.post(reverse("action_plan_import_confirm"), {"token": response.context["token"]})


def test_a_plan_is_previewed_without_writing_then_loaded_on_confirmation(admin_client, lead_user):
    SubgroupFactory(name="Care Leavers")
    upload = csv_file(
        f",W1,Health passports,For every care leaver,{lead_user.username},Health partner,Care Leavers,"
        '2025-04-01,2026-03-31,On track,"W01, W02",yes',
        f",H4,Takeover day,,{lead_user.email},,,01/05/2025,31/10/2025,not started,,",
    )
    response = preview(admin_client, upload)
    report = response.context["report"]
    assert [(r.row, r.outcome) for r in report.rows] == [(2, "new"), (3, "new")]
    assert "Load the plan" in response.content.decode()
    assert not Action.objects.exists()

    loaded = confirm(admin_client, response)
    assert loaded["Location"] == reverse("action_plan")
    passports = Action.objects.get(title="Health passports")
    assert passports.commitment.code == "W1"
    assert passports.lead == lead_user
    assert passports.subgroup.name == "Care Leavers"
    assert passports.status == "on_track" and passports.shareable
    assert sorted(passports.kpis.values_list("code", flat=True)) == ["W01", "W02"]
    assert Action.objects.get(title="Takeover day").start_date == date(2025, 5, 1)
    assert passports.history.earliest().history_user.username == "t-admin"


def test_loading_the_same_file_again_changes_nothing(admin_client, lead_user):
    row = f",W1,Health passports,,{lead_user.username},,,2025-04-01,2026-03-31,On track,W01,no"
    confirm(admin_client, preview(admin_client, csv_file(row)))
    again = preview(admin_client, csv_file(row))
    assert [r.outcome for r in again.context["report"].rows] == ["skip"]
    confirm(admin_client, again)
    assert Action.objects.count() == 1


def test_a_row_with_an_id_updates_that_action(admin_client, lead_user):
    action = ActionFactory(title="Old title", lead=lead_user)
    row = f"{action.pk},W2,New title,,{lead_user.username},,,2025-04-01,2026-03-31,Off track,,"
    response = preview(admin_client, csv_file(row))
    assert [r.outcome for r in response.context["report"].rows] == ["update"]
    confirm(admin_client, response)
    action.refresh_from_db()
    assert (action.title, action.status, action.commitment.code) == ("New title", "off_track", "W2")


def test_a_file_with_a_bad_row_writes_nothing_and_says_which_row_column_and_why(
    admin_client, lead_user, panel_user
):
    good = f",W1,Good row,,{lead_user.username},,,2025-04-01,2026-03-31,On track,,"
    upload = csv_file(
        good,
        f",Z9,Unknown commitment,,{lead_user.username},,,2025-04-01,2026-03-31,On track,,",
        ",W1,Unknown lead,,nobody-here,,,2025-04-01,2026-03-31,On track,,",
        f",W1,Bad date,,{lead_user.username},,,2025-02-30,2026-03-31,On track,,",
        f",W1,Due before start,,{lead_user.username},,,2025-04-01,2025-03-01,On track,,",
        f",W1,Bad cells,,{lead_user.username},,,2025-04-01,2026-03-31,Sideways,X99,maybe",
        ",,,,,,,,,,,",  # blank rows are ignored, and do not shift the row numbers
        "",
        ",W1,Unknown id,,t-lead,,,2025-04-01,2026-03-31,On track,,".replace(",W1", "999999,W1", 1),
    )
    response = preview(admin_client, upload)
    html = response.content.decode()
    report = response.context["report"]
    errors = {r.row: dict(r.errors) for r in report.invalid}
    assert [r.row for r in report.rows if r.outcome == "new"] == [2]
    assert errors[3] == {"commitment": "There is no commitment with the code “Z9”."}
    assert "nobody-here" in errors[4]["lead"]
    assert "is not a date" in errors[5]["start_date"]
    assert errors[6] == {"due_date": DUE_BEFORE_START}
    assert set(errors[7]) == {"status", "kpis", "shareable"}
    assert "X99" in errors[7]["kpis"]
    assert "There is no action with the id" in errors[10]["id"]
    assert "Row 3, column commitment: There is no commitment with the code “Z9”." in html
    assert "Load the plan" not in html and not response.context["token"]
    assert not Action.objects.exists()


def test_a_row_is_refused_by_the_services_rules_in_the_services_words(admin_client, lead_user, panel_user):
    """One rule, one message: the import says what the action form says."""
    action = ActionFactory(lead=lead_user, start_date=date(2025, 4, 1), due_date=date(2026, 3, 31))
    upload = csv_file(
        f",W1,Not a lead,,{panel_user.username},,,2025-04-01,2026-03-31,On track,,",
        f"{action.pk},W1,{action.title},,{lead_user.username},,,2025-04-01,2025-03-01,On track,,",
    )
    response = preview(admin_client, upload)
    errors = {r.row: r.errors for r in response.context["report"].invalid}
    assert errors == {
        2: [("lead", f"{person_name(panel_user)} is not a subgroup lead.")],
        3: [("due_date", DUE_BEFORE_START)],
    }
    action.refresh_from_db()
    assert action.due_date == date(2026, 3, 31)
    assert not Action.objects.filter(title="Not a lead").exists()


def test_a_forged_or_stale_confirmation_is_refused(admin_client, lead_user):
    row = f",W1,Health passports,,{lead_user.username},,,2025-04-01,2026-03-31,On track,,"
    token = preview(admin_client, csv_file(row)).context["token"]
    tampered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    response = admin_client.post(reverse("action_plan_import_confirm"), {"token": tampered}, follow=True)
    assert "The preview could not be read" in response.content.decode()
    assert not Action.objects.exists()


def test_a_confirmation_rechecks_the_rows_and_writes_nothing_if_one_went_bad(admin_client, lead_user):
    rows = [
        f",W1,First,,{lead_user.username},,,2025-04-01,2026-03-31,On track,,",
        f",W1,Second,,{lead_user.username},,,2025-04-01,2026-03-31,On track,,",
    ]
    response = preview(admin_client, csv_file(*rows))
    lead_user.is_active = False  # the lead left between preview and confirmation
    lead_user.save()
    again = confirm(admin_client, response)
    assert again.status_code == 200
    assert not again.context["report"].ok
    assert not Action.objects.exists()


def test_an_xlsx_plan_with_date_cells_loads(admin_client, lead_user):
    upload = xlsx_file(
        [
            [
                None,
                "S4",
                "Housing protocol",
                None,
                lead_user.username,
                None,
                None,
                datetime(2025, 4, 1),
                "31/03/2026",
                "On track",
                None,
                None,
            ]
        ]
    )
    response = preview(admin_client, upload)
    assert [(r.outcome, r.errors) for r in response.context["report"].rows] == [("new", [])]
    confirm(admin_client, response)
    action = Action.objects.get()
    assert (action.start_date, action.due_date) == (date(2025, 4, 1), date(2026, 3, 31))


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("plan.pdf", b"%PDF"), "The file must be an .xlsx or .csv file."),
        (SimpleUploadedFile("plan.xlsx", b"not a workbook"), "could not be read"),
        (
            SimpleUploadedFile("plan.csv", b"title,lead\nx,y"),
            "missing: commitment, start_date, due_date, status",
        ),
        (SimpleUploadedFile("plan.csv", HEADER.encode()), "The file has no actions in it"),
        (SimpleUploadedFile("plan.csv", b"\xff\xfe\x00bad"), "UTF-8"),
    ],
)
def test_a_file_that_is_not_a_plan_is_refused_with_a_reason(admin_client, upload, message):
    response = preview(admin_client, upload)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Action.objects.exists()


def test_the_template_lists_the_columns_and_valid_codes(admin_client):
    response = admin_client.get(reverse("action_plan_import_template"))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert [c.value for c in book["Actions"][1]] == HEADER.split(",")
    assert book["Commitments"]["A2"].value == "W1"
    assert book["KPIs"].max_row > 10


def test_a_plan_file_goes_through_the_hardened_opener(admin_client):
    """A sheet whose cells lie far apart (one at XFD1048576) would make the reader ask for
    gigabytes; the plan import refuses it as the KPI import does, writing nothing."""
    xlsx = spreadsheets
    first, far = xlsx.inline("A1", "commitment"), xlsx.inline("XFD1048576", "x")
    far_apart = xlsx.crafted_xlsx(xlsx.sheet(xlsx.row(1, first), xlsx.row(1048576, far)))
    response = preview(admin_client, SimpleUploadedFile("plan.xlsx", far_apart))
    assert "The file could not be read." in response.content.decode()
    assert not Action.objects.exists()


def test_a_plan_saved_as_windows_csv_loads(admin_client, lead_user):
    row_text = f",W1,Café mornings,,{lead_user.username},,,2025-04-01,2026-03-31,Not started,,No"
    upload = SimpleUploadedFile("plan.csv", "\n".join([HEADER, row_text]).encode("cp1252"))
    loaded = confirm(admin_client, preview(admin_client, upload))
    assert loaded["Location"] == reverse("action_plan")
    assert Action.objects.get().title == "Café mornings"
