import csv

from django.core.management.base import BaseCommand, CommandError

from actions.kpis.figures_export import HEADER, UnknownCodes, figure_rows


class Command(BaseCommand):
    help = (
        "Print every stored figure as CSV (kpi_code, period_end, area, la_code, value, numerator, "
        "denominator, symbol, source), for the measures named (all when none)."
    )

    def add_arguments(self, parser):
        parser.add_argument("codes", nargs="*", metavar="CODE", help="Measures' codes, e.g. NF45 S01.")
        parser.add_argument(
            "--source", choices=["dfe", "local"], help="Only figures published by DfE, or only local ones."
        )

    def handle(self, *args, codes: list[str], source: str | None, **options):
        try:
            rows = figure_rows(codes=codes, source=source or "")
        except UnknownCodes as exc:
            raise CommandError(str(exc)) from exc
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(rows)
