"""Warming the cache: the pages people open first, computed before anyone asks for them.

The cache keeps what a page shows until a table it rests on changes (``core.cache``), and
every page names the day. So after a deploy, after midnight and after each write, the first
person to open a page computes it while the others wait for it; on a meeting morning that is
everyone signing in at once, with the sign-ins taking the cores. A Celery task
(``panel.tasks.warm_pages``) renders those pages instead, as each role sees them:

- every page below, when a worker starts and every ``CACHE_SECONDS`` less a minute (beat): an
  entry still current is kept for another ``CACHE_SECONDS`` (``core.cache.keeping_alive``)
  rather than left to expire, and the first run after midnight makes the new day's;
- the page a write most often makes stale for the most people (``AFTER_WRITES``: the
  dashboard, as panel members see it) as soon as a write to the portal's tables commits: at
  most one run waits in the queue at a time, and a write during a run queues the next. The
  dashboard's parts are served as they were while they are computed again
  (``stale_while_computing``), so while the worker computes them nobody waits, and a person
  computes them only if they ask in the few milliseconds before the worker starts (a run
  costs about 0.1 s of a core at 10× the demo data).

A page is rendered as a role's view, nobody's: an unsaved user holding that one role, with a
session that is never saved, through the page's own view (so the entries are exactly those a
person of that role would get). The pages write nothing (a test holds them to that; the one
write is the nightly task's, done first if it has not been: rating a month just closed, which
the dashboard would otherwise do itself, and then not keep what it computed) and nothing is
kept for a person; pages that are one person's own ("My actions") are not warmed.

``CACHE_WARMING`` (on by default; off in the test settings) turns all of it off.
"""

import logging
import threading
import time
from dataclasses import dataclass, field
from importlib import import_module
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import RequestFactory
from django.urls import resolve, reverse
from django.utils import timezone

from actions import month_ends
from actions.models import KPI
from actions.roles import Role
from core import cache as data_cache
from core.tasking import send_now

logger = logging.getLogger(__name__)

# Pages shared by everyone with the same view, opened first: the panel's landing page, then
# what panel members read before a meeting.
PAGES = (
    "panel:dashboard",
    "action_plan",
    "kpi_list",
    "panel:report_list",
    "participation:figures",
    "young_people",
)
# Of those, the pages open to everyone, rendered for no one signed in as well.
PUBLIC_PAGES = ("young_people",)
# What a progress update (the commonest write) makes stale for the most people, warmed again
# after writes: the page panel members land on, as they see it.
AFTER_WRITES = ("panel:dashboard",)
AFTER_WRITES_ROLES = (Role.PANEL_MEMBER,)
TASK = "panel.tasks.warm_pages"
AFTER_WRITES_TASK = "panel.tasks.warm_after_writes"
# A run queued after writes that has not started within this long (a worker lost with it) no
# longer stops the next write from queueing another.
QUEUED_FOR_AT_MOST = 60


@dataclass
class Warmed:
    pages: int = 0  # page renders (a role's view of a page)
    refused: int = 0  # a role that may not open the page
    failed: list[str] = field(default_factory=list)
    seconds: float = 0.0


def warming() -> bool:
    """Whether warming is on: it is, unless turned off or there is no cache to warm."""
    return settings.CACHE_WARMING and data_cache.caching()


def role_view(role: str):
    """A user holding ``role`` and nothing else, who is nobody: never saved, with an id no
    account has (0; the database's ids start at 1), so it owns nothing, leads nothing and
    may be asked about its groups."""
    user = get_user_model()(
        id=0, username=f"warming ({role})", is_active=True, is_staff=role != Role.PANEL_MEMBER
    )
    user._group_names_cache = {role}  # what actions.roles.user_roles and django-rules read
    return user


def _paths(names) -> list[str]:
    paths = [reverse(name) for name in names]
    if "kpi_list" in names:  # each measure's page, as the list links to them
        codes = KPI.objects.order_by("code").values_list("code", flat=True)
        paths += [reverse("kpi_detail", args=[code]) for code in codes]
    return paths


def _host() -> str:
    """The portal's own address (a page may build an absolute link: the host must be allowed)."""
    return urlsplit(settings.SITE_URL).netloc or "localhost"


def _render(path: str, user, session_store) -> bool | None:
    """Render ``path`` for ``user`` through its view: True when it rendered, None when the user
    may not open it."""
    request = RequestFactory().get(path, HTTP_HOST=_host())
    request.user = user
    request.session = session_store()
    match = resolve(path)
    try:
        response = match.func(request, *match.args, **match.kwargs)
    except (PermissionDenied, Http404):
        return None
    if hasattr(response, "render"):
        response.render()
    return response.status_code == 200


def warm_pages(names=PAGES, roles=None) -> Warmed:
    """Render the pages ``names`` (URL names) for each of ``roles`` (default every role; and
    the public ones for no one signed in)."""
    warmed = Warmed()
    if not warming():
        return warmed
    started = time.monotonic()
    if "panel:dashboard" in names:
        # What the nightly task does, if it has not yet: a dashboard that had to rate a closed
        # month itself would write, and so not keep what it computed from before the write.
        month_ends.rate_closed_months(today=timezone.localdate())
    with data_cache.keeping_alive():
        _warm(names, roles or Role.values, warmed)
    warmed.seconds = time.monotonic() - started
    return warmed


def _warm(names, roles, warmed: Warmed) -> None:
    session_store = import_module(settings.SESSION_ENGINE).SessionStore
    roles = [role_view(role) for role in roles]
    public = {reverse(name) for name in PUBLIC_PAGES}
    for path in _paths(names):
        for user in [AnonymousUser(), *roles] if path in public else roles:
            try:
                rendered = _render(path, user, session_store)
            except Exception:
                logger.exception("Warming %s as %s failed", path, user)
                rendered = False
            if rendered is None:
                warmed.refused += 1
            elif rendered:
                warmed.pages += 1
            else:
                warmed.failed.append(f"{path} ({user})")


# --- After writes -------------------------------------------------------------------------------


def _queued_key() -> str:
    return f"warm-pages-queued:{data_cache.database_identity()}"


def _queue_after_writes() -> None:
    if not send_now(AFTER_WRITES_TASK):
        cache.delete(_queued_key())  # the next write tries again


def after_tables_changed(sender, tables, **kwargs) -> None:
    """``core.cache.tables_changed``: queue a run unless one is queued and not yet started (a key
    in the cache says so; the run deletes it as it starts, so a write during a run queues the
    next). The request that wrote never waits for the broker: the message is sent from a
    thread."""
    if not warming():
        return
    if not cache.add(_queued_key(), 1, timeout=QUEUED_FOR_AT_MOST):
        return
    threading.Thread(target=_queue_after_writes, name="warm-pages-queue", daemon=True).start()


def warm_after_writes() -> Warmed:
    """The run a write queued: from its start, a write queues the next one."""
    cache.delete(_queued_key())
    return warm_pages(AFTER_WRITES, roles=AFTER_WRITES_ROLES)
