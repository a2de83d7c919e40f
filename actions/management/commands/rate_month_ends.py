"""``manage.py rate_month_ends [--months N] [--again]``: fill the table of the plan's ratings
at each closed month end (``actions.month_ends``) from the audit history."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from actions import month_ends


class Command(BaseCommand):
    help = "Rate the plan at the end of each closed month from the audit history, for the dashboard's chart."

    def add_arguments(self, parser):
        parser.add_argument("--months", type=int, default=24, help="how many closed months back (default 24)")
        parser.add_argument("--again", action="store_true", help="rate those already kept again too")

    def handle(self, *args, months, again, **options):
        rated = month_ends.rate_closed_months(today=timezone.localdate(), months=months, again=again)
        self.stdout.write(f"Rated {rated} month end(s).")
