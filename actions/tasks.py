from celery import shared_task
from django.utils import timezone

from . import month_ends


@shared_task
def rate_closed_months() -> int:
    """Keep the plan's ratings at the end of each closed month (the dashboard's chart) that
    is not kept yet: the month just closed, or one forgotten by a back-dated change."""
    return month_ends.rate_closed_months(today=timezone.localdate())
