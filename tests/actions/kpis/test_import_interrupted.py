"""#22.1: an import cut off by a PostgreSQL restart does not stay "running" for ever.

The import runs in a process of its own against a private PostgreSQL, which the test
restarts for real while the import is writing.
"""

import json
import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import psycopg2
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from actions.kpis import services
from actions.models import KPIImport
from tests.conftest import require_service, wait_for
from tests.servers import private_postgres

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = Path(__file__).with_name("interrupted_import.py")


def _run(env: dict, *args: str) -> dict:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.django_db  # the suite's own database is set up as for every test, though unused
def test_an_import_cut_off_by_a_database_restart_can_be_confirmed_again(tmp_path):
    require_service(os.path.exists("/usr/lib/postgresql/15/bin/initdb"), "needs PostgreSQL's initdb")
    with private_postgres() as (server, restart):
        admin = psycopg2.connect(f"{server}/postgres")
        admin.autocommit = True
        admin.cursor().execute("CREATE DATABASE hcp")
        admin.close()
        env = {
            **os.environ,
            "DATABASE_URL": f"{server}/hcp",
            "DJANGO_SETTINGS_MODULE": "havering_cp.settings_test",
            "IMPORT_MEDIA_ROOT": str(tmp_path / "media"),
        }
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "-v", "0"], env=env, cwd=ROOT, check=True, timeout=600
        )
        marker = tmp_path / "writing"
        running = subprocess.Popen(
            [sys.executable, str(SCRIPT), "run", str(marker)],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        wait_for(lambda: marker.exists() or running.poll() is not None, timeout=180)
        assert marker.exists(), running.communicate()[1][-3000:]
        restart(8)  # down while the write fails and while its failure is recorded
        back = time.monotonic()
        out, err = running.communicate(timeout=180)
        recovered = time.monotonic() - back
        assert running.returncode == 0, err[-3000:]
        first = json.loads(out.strip().splitlines()[-1])
        print(f"the import ended {recovered:.1f} s after the database came back: {first}")

        assert first["state"] == KPIImport.State.PREVIEWED
        assert first["values"] == 0  # nothing half-written
        assert "confirm it again" in first["errors"][0]["message"]
        assert recovered < 60

        again = _run(env, "again")
        assert again["state"] == KPIImport.State.DONE
        assert again["values"] == 3000


@pytest.mark.django_db
def test_the_sweep_ends_a_run_that_timed_out_and_keeps_its_file(settings, tmp_path, users):
    settings.MEDIA_ROOT = tmp_path
    kpi_import = services.kpi_import_upload(
        uploaded_file=SimpleUploadedFile("figures.csv", b"kpi_code,period_end,value\nW01,2025-04-30,70\n"),
        user=users["admin"],
    )
    started = timezone.now() - services.RUN_TIMEOUT - timedelta(minutes=1)
    KPIImport.objects.filter(pk=kpi_import.pk).update(
        state=KPIImport.State.RUNNING, confirmed_at=started, started_at=started
    )
    fresh = services.kpi_import_upload(
        uploaded_file=SimpleUploadedFile("other.csv", b"kpi_code,period_end,value\nW01,2025-05-31,71\n"),
        user=users["admin"],
    )
    KPIImport.objects.filter(pk=fresh.pk).update(state=KPIImport.State.RUNNING, started_at=timezone.now())

    assert services.kpi_imports_stop_timed_out() == 1

    kpi_import.refresh_from_db()
    assert kpi_import.state == KPIImport.State.PREVIEWED and kpi_import.stored_file
    assert "had not finished after 30 minutes" in kpi_import.errors[0]["message"]
    assert KPIImport.objects.get(pk=fresh.pk).state == KPIImport.State.RUNNING
    assert (
        services.kpi_import_confirm(kpi_import=kpi_import, user=users["admin"]).state == KPIImport.State.DONE
    )
