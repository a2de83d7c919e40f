"""Participation pages: groups, sessions, "You said, we did", and the panel's figures.

Every role reads them; participation officers and administrators write. The figures
page shows aggregates only, for the panel.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone

from actions.extensions import PageSection
from core.access import allowed, get_object_for, require
from core.forms import save_or_show_errors

from . import services
from .forms import FeedbackFilterForm, FeedbackForm, SessionForm
from .iv.selectors import NATIONAL_ASPIRATION_PERCENT, iv_panel_figures
from .models import FeedbackItem, ParticipationGroup, ParticipationSession
from .selectors import (
    feedback_for_action,
    feedback_overdue_before,
    feedback_tracker,
    groups_overview,
    participation_panel_figures,
    reach_by_quarter,
)

PAGE_SIZE = 25


def _session_for(user, pk: int, *, perm: str = "participation.read_participation") -> ParticipationSession:
    return get_object_for(
        user, perm, ParticipationSession.objects.select_related("group", "created_by"), pk=pk
    )


@login_required
def groups(request):
    require(request.user, "participation.read_participation")
    today = timezone.localdate()
    return render(
        request,
        "participation/groups.html",
        {
            "groups": groups_overview(today=today),
            "quarters": reach_by_quarter(today=today),
            "can_write": allowed(request.user, "participation.log_participation"),
            "exact": allowed(request.user, "participation.log_participation"),
        },
    )


@login_required
def group(request, slug):
    group = get_object_for(
        request.user,
        "participation.read_participation",
        ParticipationGroup.objects.select_related("facilitator"),
        slug=slug,
    )
    today = timezone.localdate()
    page = Paginator(group.sessions.order_by("-held_on", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    open_items = feedback_tracker(today=today, group=group).filter(status__in=FeedbackItem.OPEN_STATUSES)
    return render(
        request,
        "participation/group.html",
        {
            "group": group,
            "page_obj": page,
            "quarters": reach_by_quarter(today=today, group=group),
            "open_items": open_items,
            "overdue_before": feedback_overdue_before(today=today),
            "can_write": allowed(request.user, "participation.log_participation"),
            "exact": allowed(request.user, "participation.log_participation"),
        },
    )


@login_required
def session_new(request):
    require(request.user, "participation.log_participation")
    initial = {}
    if slug := request.GET.get("group"):
        initial["group"] = ParticipationGroup.objects.filter(slug=slug, is_active=True).first()
    form = SessionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        session = save_or_show_errors(form, services.session_log, user=request.user)
        if session:
            messages.success(request, "Session saved.")
            return redirect(session)
    return render(request, "participation/session_form.html", {"form": form, "session": None})


@login_required
def session(request, pk):
    session = _session_for(request.user, pk)
    items = session.feedback_items.select_related("theme", "action")
    return render(
        request,
        "participation/session.html",
        {
            "session": session,
            "items": items,
            "overdue_before": feedback_overdue_before(today=timezone.localdate()),
            "can_write": allowed(request.user, "participation.log_participation"),
            "exact": allowed(request.user, "participation.log_participation"),
        },
    )


@login_required
def session_edit(request, pk):
    session = _session_for(request.user, pk, perm="participation.log_participation")
    initial = {
        field: getattr(session, field)
        for field in ("group", "kind", "held_on", "title", "in_care", "care_leavers", "others", "notes")
    }
    form = SessionForm(request.POST or None, initial=initial)
    if (
        request.method == "POST"
        and form.is_valid()
        and save_or_show_errors(form, services.session_update, session=session, user=request.user)
    ):
        messages.success(request, "Session updated.")
        return redirect(session)
    return render(request, "participation/session_form.html", {"form": form, "session": session})


@login_required
def feedback_new(request, pk):
    session = _session_for(request.user, pk, perm="participation.log_participation")
    form = FeedbackForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and save_or_show_errors(form, services.feedback_add, session=session, user=request.user)
    ):
        messages.success(request, "Feedback saved.")
        return redirect(session)
    return render(
        request, "participation/feedback_form.html", {"form": form, "session": session, "item": None}
    )


@login_required
def feedback_edit(request, pk):
    item = get_object_for(
        request.user,
        "participation.log_participation",
        FeedbackItem.objects.select_related("session__group", "theme", "action"),
        pk=pk,
    )
    initial = {
        field: getattr(item, field)
        for field in ("said", "theme", "action", "response", "status", "reported_back_on")
    }
    form = FeedbackForm(request.POST or None, initial=initial)
    if (
        request.method == "POST"
        and form.is_valid()
        and save_or_show_errors(form, services.feedback_update, item=item, user=request.user)
    ):
        messages.success(request, "Feedback updated.")
        return redirect("participation:feedback")
    return render(
        request, "participation/feedback_form.html", {"form": form, "session": item.session, "item": item}
    )


@login_required
def feedback(request):
    require(request.user, "participation.read_participation")
    today = timezone.localdate()
    filters = FeedbackFilterForm(request.GET)
    items = feedback_tracker(today=today, **filters.filters())
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "participation/feedback.html",
        {
            "filters": filters,
            "open_days": settings.FEEDBACK_OPEN_DAYS,
            "page_obj": page,
            "overdue_before": feedback_overdue_before(today=today),
            "can_write": allowed(request.user, "participation.log_participation"),
            "exact": allowed(request.user, "participation.log_participation"),
        },
    )


@login_required
def figures(request):
    """Participation and Independent Visitor figures for the panel: aggregates only."""
    require(request.user, "participation.read_participation")
    today = timezone.localdate()
    return render(
        request,
        "participation/figures.html",
        {
            "iv": iv_panel_figures(as_of=today),
            "participation": participation_panel_figures(as_of=today),
            "aspiration": NATIONAL_ASPIRATION_PERCENT,
        },
    )


def action_feedback_section(*, request, action) -> PageSection | None:
    """ "You said, we did" on an action's page: the feedback the action answers."""
    if request is None or not allowed(request.user, "participation.read_participation"):
        return None
    items = feedback_for_action(action=action)
    if not items:
        return None
    return PageSection(
        "participation/_action_feedback.html",
        {"feedback_items": items, "overdue_before": feedback_overdue_before(today=timezone.localdate())},
    )
