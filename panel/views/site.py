"""The pages every visitor may reach: the health check, signing in, the accessibility statement."""

import logging
import threading
import time

from django.conf import settings
from django.contrib.auth.views import LoginView
from django.db import connection, connections
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.cache import cache_reachable
from havering_cp.celery import app as celery_app

from ..forms import (
    SignInForm,
)
from ..navigation import landing_url

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


# /healthz answers within this, whatever hangs: a check that has not answered by then counts as
# unreachable. (Each has a socket timeout of its own too, so its thread ends soon after.)
HEALTH_CHECK_SECONDS = 2.5


def _health_checks() -> dict[str, bool]:
    checks = {"database": _database_ok, "broker": _broker_ok, "cache": cache_reachable}
    answers: dict[str, bool] = {}

    def run(name, check):
        try:
            answers[name] = bool(check())
        finally:
            connections.close_all()  # this thread's

    threads = [threading.Thread(target=run, args=item, daemon=True) for item in checks.items()]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + HEALTH_CHECK_SECONDS
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    return {name: answers.get(name, False) for name in checks}


@require_GET
@never_cache
def healthz(request):
    """Reachability of the database, the broker and the cache, for load balancers and monitoring.

    503 only when the database is unreachable: without it no page can be served. Without the
    broker (tasks wait in the database for the sweeps) or the cache (pages are computed from
    the database) the portal still serves, so it answers 200 "degraded", naming what is down.
    Says only "ok" or "unreachable" for each: no hosts, versions or errors. Answers within
    HEALTH_CHECK_SECONDS whatever hangs.
    """
    checks = _health_checks()
    if not checks["database"]:
        status = "unavailable"
    elif all(checks.values()):
        status = "ok"
    else:
        status = "degraded"
    return JsonResponse(
        {
            "status": status,
            "checks": {name: "ok" if ok else "unreachable" for name, ok in checks.items()},
        },
        status=503 if status == "unavailable" else 200,
    )


class SignInView(LoginView):
    """Each role lands on its own work (navigation.landing_url), unless ?next= says otherwise."""

    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        return landing_url(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if settings.OIDC_ENABLED:
            url = reverse("oidc_authentication_init")
            next_url = self.get_redirect_url()
            context["single_sign_on_url"] = f"{url}?{urlencode({'next': next_url})}" if next_url else url
        return context


def accessibility(request):
    return render(
        request,
        "panel/accessibility.html",
        {
            "contact_email": settings.ACCESSIBILITY_CONTACT_EMAIL,
            "contact_phone": settings.ACCESSIBILITY_CONTACT_PHONE,
            "contact_team": settings.ACCESSIBILITY_CONTACT_TEAM,
            "reply_days": settings.ACCESSIBILITY_REPLY_DAYS,
        },
    )
