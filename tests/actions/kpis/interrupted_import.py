"""Run a confirmed KPI import against the database in DATABASE_URL, in a process of its
own, as a worker would. ``run MARKER``: upload and check a file, confirm it, and once its
write has begun, create MARKER and pause 4 s (the test restarts PostgreSQL then). ``again``:
confirm the stored import a second time. Prints the import's state and how many figures
are stored.
"""

import json
import os
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "havering_cp.settings_test")

import django

django.setup()

from django.conf import settings  # noqa: E402

# The test settings give each process a media folder of its own; both runs need the same.
settings.MEDIA_ROOT = os.environ["IMPORT_MEDIA_ROOT"]

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402

from actions.kpis import services  # noqa: E402
from actions.models import KPIImport, KPIValue  # noqa: E402
from tests.factories import UserFactory  # noqa: E402

CODES = ["W01", "W02", "W03", "I01", "I02", "I03", "S01", "S02", "S03", "S04"]
MONTHS = 300  # 10 measures × 25 years of months: 3,000 figures


def figures_csv() -> bytes:
    lines = ["kpi_code,period_end,value"]
    lines += [
        f"{code},{date(2000 + m // 12, m % 12 + 1, 28)},{60 + (m % 5)}"
        for code in CODES
        for m in range(MONTHS)
    ]
    return "\n".join(lines).encode()


def report(kpi_import: KPIImport) -> None:
    kpi_import.refresh_from_db()
    print(
        json.dumps(
            {"state": kpi_import.state, "errors": kpi_import.errors, "values": KPIValue.objects.count()}
        )
    )


if __name__ == "__main__":
    if sys.argv[1] == "run":
        marker = Path(sys.argv[2])
        admin = UserFactory(username="import-admin", role="Administrator")
        kpi_import = services.kpi_import_upload(
            uploaded_file=SimpleUploadedFile("figures.csv", figures_csv()), user=admin
        )
        assert kpi_import.state == KPIImport.State.PREVIEWED, kpi_import.errors[:3]
        write_staged = services.write_staged

        def write_slowly(*args, **kwargs):
            marker.write_text("writing")
            time.sleep(4)
            return write_staged(*args, **kwargs)

        services.write_staged = write_slowly
        services.BOOKKEEPING_PAUSE_SECONDS = 1
        services.kpi_import_confirm(kpi_import=kpi_import, user=admin)
    else:
        kpi_import = KPIImport.objects.get()
        services.kpi_import_confirm(kpi_import=kpi_import, user=kpi_import.uploaded_by)
    report(kpi_import)
