"""#22.2: a build cut off by the database going away at the PDF step is taken back by its
own retry at once, not left "Being built" until its lease lapses."""

from datetime import date

import pytest
from django.db import InterfaceError, OperationalError, connection

from panel import reports
from panel.models import ProgressReport
from panel.snapshot import build_snapshot
from tests.servers import drop_database_connection


@pytest.mark.django_db(transaction=True)
def test_the_retry_of_a_build_cut_off_at_the_pdf_step_takes_the_report_back(monkeypatch):
    report = ProgressReport.objects.create(
        kind="monthly", period_start=date(2025, 4, 1), period_end=date(2025, 4, 30)
    )
    print_pdf = reports.report_pdf
    cut_off = []

    def the_database_goes_away_while_printing(**arguments):
        if not cut_off:
            cut_off.append(True)
            drop_database_connection()
        return print_pdf(**arguments)

    monkeypatch.setattr(reports, "report_pdf", the_database_goes_away_while_printing)
    with pytest.raises((OperationalError, InterfaceError)):
        reports.build_report(report_id=report.pk, snapshot_builder=build_snapshot, owner="task-1")
    connection.close()  # as Celery does between a task and its retry
    assert ProgressReport.objects.get(pk=report.pk).state == ProgressReport.State.BUILDING

    another_task = reports.build_report(report_id=report.pk, snapshot_builder=build_snapshot, owner="task-2")
    the_retry = reports.build_report(report_id=report.pk, snapshot_builder=build_snapshot, owner="task-1")

    assert (another_task, the_retry) == (False, True)  # the lease is still held, by task-1
    report.refresh_from_db()
    assert (report.state, report.attempts) == (ProgressReport.State.READY, 2)
