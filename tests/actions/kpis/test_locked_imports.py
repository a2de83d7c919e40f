"""Imports and figures in locked periods (those of an issued report): refused unless an
administrator gives a reason, and then every change is recorded."""

from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command

from actions.kpis import importing, services
from actions.models import KPI, KPIImport, KPIValue, KPIValueAmendment
from tests.actions.kpis.spreadsheets import LONG_HEADER, csv_bytes, xlsx_bytes
from tests.factories import KPIPeriodLockFactory, KPIValueFactory, UserFactory

pytestmark = pytest.mark.django_db

APRIL, MAY = date(2025, 4, 30), date(2025, 5, 31)
REASON = "Corrected after the data team's audit of April's health assessments"
ROWS = [
    LONG_HEADER,
    ["W01", "2025-04-30", "72", "36", "50", "", "Corrected"],  # changes a locked figure
    ["W01", "2025-04-30", "88.5", "", "", "England", ""],  # adds one to a locked period
    ["W02", "2025-04-30", "80", "", "", "", ""],  # as it is: unchanged
    ["W01", "2025-05-31", "74", "", "", "", ""],  # May is not locked
]


@pytest.fixture
def april_locked():
    """April's report is issued, with two of its figures in it."""
    KPIValueFactory(kpi=KPI.objects.get(code="W01"), period_end=APRIL, value=Decimal("70"), note="")
    KPIValueFactory(
        kpi=KPI.objects.get(code="W02"),
        period_end=APRIL,
        value=Decimal("80"),
        numerator=None,
        denominator=None,
    )
    return KPIPeriodLockFactory()


def path_of(tmp_path, rows, name="figures.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(csv_bytes(rows) if name.endswith(".csv") else xlsx_bytes(rows))
    return path


def figures() -> dict:
    return {
        (v.kpi.code, v.period_end, v.area): (v.value, v.numerator, v.denominator, v.note)
        for v in KPIValue.objects.select_related("kpi")
    }


def run(tmp_path, *, user, reason="", rows=ROWS, dry_run=False, name="figures.csv") -> KPIImport:
    """As the import page and its worker do: stored, checked, confirmed, written."""
    kpi_import = KPIImport.objects.create(
        file_name=name,
        uploaded_by=user,
        source=KPIImport.Source.WEB,
        amendment_reason=reason,
        state=KPIImport.State.RUNNING,
    )
    return services._process(
        kpi_import, path_of(tmp_path, rows, name), apply=not dry_run, accept_warnings=True
    )


def test_someone_who_may_import_but_is_no_administrator_cannot_change_a_locked_figure(tmp_path, april_locked):
    clerk = UserFactory(username="clerk")
    clerk.user_permissions.add(Permission.objects.get(codename="import_kpi_data"))
    before = figures()
    kpi_import = run(tmp_path, user=clerk, reason=REASON)
    assert kpi_import.state == KPIImport.State.FAILED
    assert kpi_import.error_count == 2
    assert kpi_import.errors[0] == {
        "row": 2,
        "column": "B (period_end)",
        "message": "Figures for periods in an issued report are locked (Monthly progress report, April 2025 "
        "issued): this row would change W01 for 30 Apr 2025 (Havering) from 70 to 72. Only an "
        "administrator can change them, giving a reason.",
    }
    assert kpi_import.errors[1]["row"] == 3
    assert "would add W01 for 30 Apr 2025 (England) (88.5)" in kpi_import.errors[1]["message"]
    assert figures() == before  # May's figure is not written either: all or nothing
    assert not KPIValueAmendment.objects.exists()


def test_an_administrator_without_a_reason_is_refused_and_told_to_give_one(
    tmp_path, april_locked, admin_user
):
    before = figures()
    kpi_import = run(tmp_path, user=admin_user, reason="   ")
    assert kpi_import.state == KPIImport.State.FAILED
    assert [error["row"] for error in kpi_import.errors] == [2, 3]
    assert kpi_import.errors[0]["message"].endswith(
        "To change them, upload the file again with a reason for changing figures in issued reports."
    )
    assert figures() == before
    assert not KPIValueAmendment.objects.exists()


def test_the_preview_refuses_too_so_nothing_waits_for_a_confirmation_that_would_fail(
    tmp_path, april_locked, admin_user
):
    kpi_import = run(tmp_path, user=admin_user, dry_run=True)
    assert kpi_import.state == KPIImport.State.FAILED
    assert kpi_import.error_count == 2


def test_an_administrator_with_a_reason_writes_and_each_locked_change_is_recorded(
    tmp_path, april_locked, admin_user
):
    preview = run(tmp_path, user=admin_user, reason=REASON, dry_run=True)
    assert preview.state == KPIImport.State.PREVIEWED, preview.errors
    assert (preview.rows_created, preview.rows_updated, preview.rows_unchanged) == (2, 1, 1)
    assert preview.rows_locked == 2
    assert [(s["row"], s["lock"]) for s in preview.preview["locked"]] == [
        (2, "Monthly progress report, April 2025 issued"),
        (3, "Monthly progress report, April 2025 issued"),
    ]
    assert preview.preview["locked"][0]["old"]["value"] == "70"
    assert preview.preview["locked"][1]["old"] is None
    assert not KPIValueAmendment.objects.exists()

    kpi_import = run(tmp_path, user=admin_user, reason=REASON)
    assert kpi_import.state == KPIImport.State.DONE, kpi_import.errors
    assert (kpi_import.rows_created, kpi_import.rows_updated, kpi_import.rows_locked) == (2, 1, 2)
    assert figures()[("W01", APRIL, "havering")] == (Decimal("72.0000"), 36, 50, "Corrected")
    amendments = {a.kpi_value.area: a for a in KPIValueAmendment.objects.select_related("kpi_value")}
    assert set(amendments) == {"havering", "england"}
    changed = amendments["havering"]
    assert (changed.old_value, changed.old_numerator, changed.old_denominator, changed.old_note) == (
        Decimal("70.0000"),
        36,
        50,
        "",
    )
    assert (changed.new_value, changed.new_numerator, changed.new_denominator, changed.new_note) == (
        Decimal("72.0000"),
        36,
        50,
        "Corrected",
    )
    assert (changed.reason, changed.changed_by, changed.source, changed.source_import) == (
        REASON,
        admin_user,
        "import",
        kpi_import,
    )
    added = amendments["england"]
    assert added.old_value is None and added.new_value == Decimal("88.5000")


def test_unchanged_figures_in_a_locked_period_pass_silently(tmp_path, april_locked, lead_user):
    # Nobody may change April, but importing it as it stands changes nothing.
    rows = [LONG_HEADER, ["W02", "2025-04-30", "80"], ["W01", "2025-05-31", "74"]]
    kpi_import = run(tmp_path, user=lead_user, rows=rows)
    assert kpi_import.state == KPIImport.State.DONE, kpi_import.errors
    assert (kpi_import.rows_created, kpi_import.rows_unchanged, kpi_import.rows_locked) == (1, 1, 0)
    assert not KPIValueAmendment.objects.exists()


def test_a_locked_figure_in_a_wide_file_is_refused_at_its_column(tmp_path, april_locked, lead_user):
    rows = [["kpi_code", "Mar 2025", "Apr 2025"], ["W01", 69, 71]]
    kpi_import = run(tmp_path, user=lead_user, rows=rows, name="wide.xlsx")
    assert kpi_import.state == KPIImport.State.FAILED
    assert [(e["row"], e["column"]) for e in kpi_import.errors] == [(2, "C (Apr 2025)")]


def test_a_report_issued_between_preview_and_confirmation_is_respected(tmp_path, admin_user):
    KPIValueFactory(kpi=KPI.objects.get(code="W01"), period_end=APRIL, value=Decimal("70"))
    rows = [LONG_HEADER, ["W01", "2025-04-30", "72"]]
    preview = run(tmp_path, user=admin_user, rows=rows, dry_run=True)
    assert preview.state == KPIImport.State.PREVIEWED and preview.rows_locked == 0
    KPIPeriodLockFactory()
    kpi_import = run(tmp_path, user=admin_user, rows=rows)
    assert kpi_import.state == KPIImport.State.FAILED
    assert KPIValue.objects.get(kpi__code="W01").value == Decimal("70")


def test_a_figure_the_portal_derives_in_a_locked_period_is_neither_changed_nor_refused(tmp_path, lead_user):
    KPIValue.objects.create(
        kpi=KPI.objects.get(code="H03"), period_end=APRIL, area="england", value=5, is_derived=True
    )
    KPIPeriodLockFactory()
    rows = [LONG_HEADER, ["H03", "2025-04-30", "7", "", "", "England", ""]]
    kpi_import = run(tmp_path, user=lead_user, rows=rows)
    assert kpi_import.state == KPIImport.State.DONE, kpi_import.errors
    assert kpi_import.rows_unchanged == 1


def test_the_command_needs_a_reason_to_change_locked_figures(tmp_path, april_locked):
    path = path_of(tmp_path, ROWS)
    err = StringIO()
    with pytest.raises(CommandError, match="2 problem"):
        call_command("import_kpi_data", str(path), stderr=err)
    assert 'run the command again with --reason "why"' in err.getvalue()
    assert not KPIValueAmendment.objects.exists()

    out = StringIO()
    call_command("import_kpi_data", str(path), "--reason", REASON, stdout=out)
    assert "2 of them in issued reports" in out.getvalue()
    amendment = KPIValueAmendment.objects.filter(old_value__isnull=False).get()
    assert (amendment.reason, amendment.changed_by, amendment.source_import.source) == (
        REASON,
        None,
        "command",
    )


# PostgreSQL, preview: (savepoint), drop and create the stage table, COPY, ANALYZE, the
# locks, the staged figures in locked periods, the counts, two samples, drop (release).
# Write: (savepoint), lock the locks table, the locks, drop and create the stage table,
# COPY, ANALYZE, the staged figures in locked periods, the merge with its amendments,
# drop (release).
# Each includes two for unusual figures: the earlier figures, and the KPIs (as there are some).
PREVIEW_QUERIES, WRITE_QUERIES = 14, 13


@pytest.mark.parametrize("months", [2, 12])
def test_the_lock_check_takes_the_same_queries_whatever_the_rows_and_locks(
    tmp_path, admin_user, months, django_assert_num_queries
):
    """The locks are read once per import, never per row or per lock."""
    kpis = list(KPI.objects.filter(code__in=["W01", "W02", "S01"]))
    periods = [date(2024, month, 28) for month in range(1, months + 1)]
    KPIValue.objects.bulk_create(
        KPIValue(kpi=kpi, period_end=period, area=area, value=70)
        for kpi in kpis
        for period in periods
        for area in ("havering", "england")
    )
    for period in periods:
        KPIPeriodLockFactory(period_start=period.replace(day=1), period_end=period)
    rows = [LONG_HEADER] + [
        [kpi.code, period.isoformat(), "71", "", "", area, ""]
        for kpi in kpis
        for period in periods
        for area in ("", "England")
    ]
    checked = importing.check_table(
        services.open_table(path_of(tmp_path, rows), file_name="figures.csv", max_bytes=10**7)
    )
    rule = importing.LockRule(allowed=True, reason=REASON)
    with django_assert_num_queries(PREVIEW_QUERIES) as preview:
        importing.preview_staged(checked, rule=rule)
    with django_assert_num_queries(WRITE_QUERIES) as write:
        outcome = importing.write_staged(checked, kpi_import_id=None, user_id=admin_user.pk, rule=rule)
    checked.close()
    for captured in (preview, write):
        reads_of_locks = [q for q in captured.captured_queries if 'FROM "actions_kpiperiodlock"' in q["sql"]]
        assert len(reads_of_locks) == 1
    assert (outcome.updated, outcome.locked) == (len(rows) - 1, len(rows) - 1)
    assert KPIValueAmendment.objects.count() == len(rows) - 1


def test_an_import_of_unlocked_periods_only_adds_reading_the_locks(tmp_path, django_assert_num_queries):
    """The fast path: an import that touches no locked period reads the locks once and
    locks their table; that is all the lock check costs it."""
    KPIPeriodLockFactory()  # April 2025; the file is about 2024
    rows = [LONG_HEADER] + [["W01", date(2024, month, 28).isoformat(), "70"] for month in range(1, 13)]
    checked = importing.check_table(
        services.open_table(path_of(tmp_path, rows), file_name="figures.csv", max_bytes=10**7)
    )
    # (savepoint), lock the locks table, the locks, drop and create the stage table, COPY,
    # the merge, drop (release): 7 before locks existed. Then one looks for earlier figures,
    # to flag unusual ones (there are none here).
    with django_assert_num_queries(10):
        outcome = importing.write_staged(checked, kpi_import_id=None, user_id=None)
    checked.close()
    assert outcome.created == 12
