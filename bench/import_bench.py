"""Benchmark of the KPI import: our importer against django-import-export's own.

    DATABASE_URL=postgres://… python bench/import_bench.py        (or: make bench-import)

Generates long-layout files of synthetic figures for bench-only KPIs (codes BN0000…),
then imports each in a fresh child process, timing the import (open, check every row,
write) and reading the child's peak memory:

- 100,000 rows of .xlsx and 1,000,000 rows of .csv through our importer
  (``services.kpi_import_from_path``: calamine or csv, full validation, COPY and one
  upsert), each into an empty table and then again (every figure unchanged);
- the same 20,000-row .xlsx through our importer and through a plain
  django-import-export ``ModelResource`` with its defaults, as its documentation shows
  (``Dataset().load(…)`` then ``import_data(dataset, dry_run=False)``).

Everything it adds (KPIs, figures, import records, files) is removed at the end.
``--quick`` uses smaller files for a smoke run.
"""

import argparse
import calendar
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "havering_cp.settings")

import django  # noqa: E402

django.setup()

import tablib  # noqa: E402
import xlsxwriter  # noqa: E402
from django.db import connection  # noqa: E402
from import_export import fields, resources  # noqa: E402
from import_export.widgets import ForeignKeyWidget  # noqa: E402

from actions.kpis import services  # noqa: E402
from actions.models import KPI, KPIImport, KPIValue  # noqa: E402

PREFIX = "BN"
AREAS = ("havering", "england", "london", "stat_neighbours")
# The long layout; notes are optional and left out (an empty xlsx cell reads as None,
# which django-import-export would try to store in the NOT NULL note column).
HEADER = ["kpi_code", "period_end", "value", "numerator", "denominator", "area"]
MONTHS = 125


def period_end(month: int) -> date:
    year, month = 2010 + month // 12, month % 12 + 1
    return date(year, month, calendar.monthrange(year, month)[1])


def figures(rows: int):
    """``rows`` distinct figures: KPIs × months × areas, with counts behind each %."""
    kpis = -(-rows // (MONTHS * len(AREAS)))
    produced = 0
    for month in range(MONTHS):
        for k in range(kpis):
            for area in AREAS:
                if produced == rows:
                    return
                denominator = 40 + (k + month) % 60
                numerator = (k * 7 + month * 3) % (denominator + 1)
                value = round(100 * numerator / denominator, 1)
                yield f"{PREFIX}{k:04d}", period_end(month), value, numerator, denominator, area
                produced += 1


def write_xlsx(path: Path, rows: int) -> None:
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet("Figures")
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, HEADER)
    for r, (code, end, value, numerator, denominator, area) in enumerate(figures(rows), start=1):
        sheet.write_string(r, 0, code)
        sheet.write_datetime(r, 1, datetime(end.year, end.month, end.day), date_format)
        sheet.write_number(r, 2, value)
        sheet.write_number(r, 3, numerator)
        sheet.write_number(r, 4, denominator)
        sheet.write_string(r, 5, area)
    workbook.close()


def write_csv(path: Path, rows: int) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write(",".join(HEADER) + "\n")
        for code, end, value, numerator, denominator, area in figures(rows):
            handle.write(f"{code},{end.isoformat()},{value},{numerator},{denominator},{area}\n")


class PlainKPIValueResource(resources.ModelResource):
    """django-import-export out of the box: a ModelResource with its defaults; only
    what it needs to read the same file (the KPI by its code, the natural key)."""

    kpi = fields.Field(attribute="kpi", column_name="kpi_code", widget=ForeignKeyWidget(KPI, field="code"))

    class Meta:
        model = KPIValue
        fields = ("kpi", "period_end", "value", "numerator", "denominator", "area")
        import_id_fields = ("kpi", "period_end", "area")


# --- in the child process -------------------------------------------------------------------


def child(mode: str, path: str) -> None:
    started = time.perf_counter()
    if mode == "ours":
        kpi_import = services.kpi_import_from_path(path=Path(path), dry_run=False)
        assert kpi_import.state == KPIImport.State.DONE, kpi_import.errors[:5]
        counts = {
            "created": kpi_import.rows_created,
            "updated": kpi_import.rows_updated,
            "unchanged": kpi_import.rows_unchanged,
        }
        rows = kpi_import.rows_processed
    else:
        with open(path, "rb") as handle:
            dataset = tablib.Dataset().load(handle.read(), format="xlsx")
        result = PlainKPIValueResource().import_data(dataset, dry_run=False)
        assert not result.has_errors() and not result.has_validation_errors(), (
            "import-export refused the file"
        )
        counts = {
            "created": result.totals["new"],
            "updated": result.totals["update"],
            "unchanged": result.totals["skip"],
        }
        rows = result.total_rows
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"rows": rows, "seconds": seconds, "peak_mb": peak_mb, **counts}))


# --- in the parent ---------------------------------------------------------------------------


def run_child(mode: str, path: Path) -> dict:
    completed = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(path)],
        capture_output=True,
        text=True,
        check=False,
        env=os.environ | {"LOG_LEVEL": "WARNING"},
    )
    if completed.returncode != 0:
        sys.exit(f"{mode} import of {path.name} failed:\n{completed.stderr[-3000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def clear_figures() -> None:
    """Remove the bench's figures, and vacuum: a million freshly deleted rows would
    otherwise sit in the unique index and slow the next run's inserts, which no real
    table would see."""
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM actions_kpivalue WHERE kpi_id IN (SELECT id FROM actions_kpi WHERE code LIKE %s)",
            [f"{PREFIX}%"],
        )
        KPIImport.objects.filter(file_name__startswith="bench-").delete()
        cursor.execute("VACUUM ANALYZE actions_kpivalue")


def clean_up() -> None:
    clear_figures()
    KPI.objects.filter(code__startswith=PREFIX).delete()


def make_kpis(count: int) -> None:
    KPI.objects.bulk_create(
        [
            KPI(code=f"{PREFIX}{k:04d}", name=f"Benchmark measure {k}", unit="percent", polarity="higher")
            for k in range(count)
        ]
    )


def line(label: str, result: dict) -> str:
    rate = result["rows"] / result["seconds"]
    return (
        f"{label:<48} {result['rows']:>9,} rows {result['seconds']:>8.2f} s {rate:>10,.0f} rows/s "
        f"{result['peak_mb']:>7.0f} MB peak   ({result['created']:,} new, {result['updated']:,} changed, "
        f"{result['unchanged']:,} unchanged)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", nargs=2, metavar=("MODE", "PATH"), help=argparse.SUPPRESS)
    parser.add_argument("--quick", action="store_true", help="small files, for a smoke run")
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return

    sizes = {"xlsx": 100_000, "csv": 1_000_000, "compare": 20_000}
    if args.quick:
        sizes = {"xlsx": 10_000, "csv": 50_000, "compare": 2_000}

    clean_up()
    make_kpis(-(-sizes["csv"] // (MONTHS * len(AREAS))))
    results = []
    try:
        with tempfile.TemporaryDirectory(prefix="kpi-bench-") as folder:
            folder = Path(folder)
            files = {
                "xlsx": folder / f"bench-{sizes['xlsx']}.xlsx",
                "csv": folder / f"bench-{sizes['csv']}.csv",
                "compare": folder / f"bench-{sizes['compare']}.xlsx",
            }
            print("Generating files…", flush=True)
            write_xlsx(files["xlsx"], sizes["xlsx"])
            write_csv(files["csv"], sizes["csv"])
            write_xlsx(files["compare"], sizes["compare"])
            for path in files.values():
                print(f"  {path.name}: {path.stat().st_size / 1_000_000:.1f} MB")

            for kind in ("xlsx", "csv"):
                clear_figures()
                first = run_child("ours", files[kind])
                results.append((f"ours, {kind}, into an empty table", first))
                print(line(*results[-1]), flush=True)
                again = run_child("ours", files[kind])
                results.append((f"ours, {kind}, same file again", again))
                print(line(*results[-1]), flush=True)

            clear_figures()
            ours = run_child("ours", files["compare"])
            results.append(("ours, xlsx (side by side)", ours))
            print(line(*results[-1]), flush=True)
            clear_figures()
            plain = run_child("import-export", files["compare"])
            results.append(("django-import-export ModelResource, xlsx", plain))
            print(line(*results[-1]), flush=True)
    finally:
        clean_up()

    by_label = dict(results)
    xlsx, csv_file = by_label["ours, xlsx, into an empty table"], by_label["ours, csv, into an empty table"]
    speed_up = (ours["rows"] / ours["seconds"]) / (plain["rows"] / plain["seconds"])
    print()
    print(f"Targets ({'quick run: sizes reduced' if args.quick else 'full sizes'}):")
    xlsx_ok = xlsx["seconds"] < 10 and xlsx["peak_mb"] < 500
    print(
        f"  {sizes['xlsx']:,}-row xlsx under 10 s and 500 MB: "
        f"{xlsx['seconds']:.1f} s, {xlsx['peak_mb']:.0f} MB  {verdict(xlsx_ok)}"
    )
    csv_ok = csv_file["seconds"] < 60
    print(f"  {sizes['csv']:,}-row csv under 60 s: {csv_file['seconds']:.1f} s  {verdict(csv_ok)}")
    print(
        f"  at least 10× django-import-export on {sizes['compare']:,} rows: "
        f"{speed_up:.0f}×  {verdict(speed_up >= 10)}"
    )


def verdict(ok: bool) -> str:
    return "(met)" if ok else "(NOT met)"


if __name__ == "__main__":
    main()
