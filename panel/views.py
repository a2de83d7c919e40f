import logging

from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from havering_cp.celery import app as celery_app

logger = logging.getLogger(__name__)


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.exception("Health check: database unreachable")
        return False


def _broker_ok() -> bool:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
        return True
    except Exception:
        logger.exception("Health check: broker unreachable")
        return False


@require_GET
@never_cache
def healthz(request):
    """Reachability of the database and the broker, for load balancers and monitoring.

    Says only "ok" or "unreachable" for each: no hosts, versions or errors.
    """
    checks = {"database": _database_ok(), "broker": _broker_ok()}
    healthy = all(checks.values())
    return JsonResponse(
        {
            "status": "ok" if healthy else "unavailable",
            "checks": {name: "ok" if ok else "unreachable" for name, ok in checks.items()},
        },
        status=200 if healthy else 503,
    )


def accessibility(request):
    return render(request, "panel/accessibility.html")
