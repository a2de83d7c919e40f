"""Access checks for views: every view calls one of these on its first line.

django-rules decides. Each app's ``rules.py`` registers named rules ("actions.view_plan",
"panel.manage_meetings"…); the model permissions that migrations grant to the role groups
are for the Django admin only, and no rule shares a name with one, so neither answers for
the other. A refusal is 403 for what the user may know exists but not use, and 404 for
records whose very existence is private (``hidden=True``), as if there were no such record.
"""

from typing import TypeVar

import rules
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

M = TypeVar("M", bound=Model)


def allowed(user, perm: str, obj=None) -> bool:
    """Whether the rules grant ``perm`` (on ``obj``); for showing or hiding links and buttons.

    Asks the rules alone: ``user.has_perm`` would also load every model permission of the
    user, two more queries on each page.
    """
    return rules.has_perm(perm, user, obj)


def require(user, perm: str, obj=None, *, hidden: bool = False) -> None:
    """403 (404 when ``hidden``) unless the rules grant ``perm`` (on ``obj``)."""
    if not allowed(user, perm, obj):
        raise Http404 if hidden else PermissionDenied


def get_object_for(user, perm: str, queryset: type[M] | QuerySet[M], *, hidden: bool = False, **lookup) -> M:
    """The object ``lookup`` finds in ``queryset``, if the rules grant ``perm``.

    The rule is asked first, so a refused user learns nothing from the answer: 403 (404 when
    ``hidden``). 404 when there is no such object. Rules about the object itself (is this
    the action's lead?) follow with ``require(user, perm, obj)``.
    """
    require(user, perm, hidden=hidden)
    return get_object_or_404(queryset, **lookup)
