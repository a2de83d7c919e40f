"""Work every web process would otherwise do on its first requests, done once at start-up.

Importing every view (the URL configuration), filling the tables ``reverse`` reads and
compiling the portal's templates take
about a second and a half; under gunicorn with ``preload_app`` this runs once in the master
process, and every worker starts with the result (the templates stay in the cached loader).
Nothing here touches the database or the cache, so no connection is shared across a fork.
"""

import logging
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.template import TemplateDoesNotExist, TemplateSyntaxError, engines
from django.urls import get_resolver, reverse

logger = logging.getLogger(__name__)


# Apps whose templates every form page renders (the GOV.UK form layouts).
FORM_TEMPLATE_APPS = ("crispy_forms_gds",)


def portal_template_names() -> list[str]:
    """The templates of the project's own folders and of the form layouts, by name."""
    folders = [Path(path) for config in settings.TEMPLATES for path in config.get("DIRS", [])]
    folders += [Path(apps.get_app_config(app).path) / "templates" for app in FORM_TEMPLATE_APPS]
    names = []
    for folder in folders:
        names += [path.relative_to(folder).as_posix() for path in sorted(folder.rglob("*.html"))]
    return names


def warm_up() -> int:
    """Import the views and compile the portal's templates; returns how many were compiled."""
    get_resolver().url_patterns  # noqa: B018 - imports every view module
    reverse("home")  # fills the resolver's tables for reversing names (0.1 s on a first request)
    engine = engines["django"]
    compiled = 0
    for name in portal_template_names():
        try:
            engine.get_template(name)
            compiled += 1
        except (TemplateDoesNotExist, TemplateSyntaxError) as error:  # never stop the server starting
            logger.warning("Could not compile %s at start-up: %s", name, error)
    return compiled
