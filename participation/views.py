"""Participation pages: groups, sessions, "You said, we did", and the panel's figures.

Every role reads them; participation officers and administrators write. The figures
page shows aggregates only, for the panel.
"""

from functools import partial

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from actions.extensions import PageSection
from core.access import allowed, get_object_for, require
from core.forms import save_or_show_errors

from . import selectors, services
from .derived_kpis import latest_derived
from .forms import (
    FeedbackFilterForm,
    FeedbackForm,
    FeedbackShareForm,
    MessageCloseForm,
    MessageToFeedbackForm,
    SessionForm,
)
from .iv.selectors import NATIONAL_ASPIRATION_PERCENT, iv_panel_figures
from .models import FeedbackItem, ParticipationGroup, ParticipationSession, YoungPersonMessage
from .selectors import (
    feedback_for_action,
    feedback_overdue_before,
    feedback_tracker,
    groups_overview,
    message_counts,
    participation_panel_figures,
    reach_by_quarter,
)

PAGE_SIZE = 25


def _session_for(user, pk: int, *, perm: str = "participation.read_participation") -> ParticipationSession:
    return get_object_for(
        user, perm, ParticipationSession.objects.select_related("group", "created_by"), pk=pk
    )


def _officer_flags(user) -> dict[str, bool]:
    """Officers who log participation may write here. Staff see headcounts as recorded; panel
    members see 1 to 5 young people as the disclosure words (``headcount`` filter)."""
    return {
        "can_write": allowed(user, "participation.log_participation"),
        "small_numbers": allowed(user, "actions.see_small_numbers"),
    }


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
            **_officer_flags(request.user),
            # The officer lands here: messages from young people waiting for an answer.
            "tell_us": message_counts(now=timezone.now())
            if allowed(request.user, "participation.log_participation")
            else None,
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
            **_officer_flags(request.user),
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
            _warn_if_nobody_came(request, session)
            return redirect(session)
    return render(request, "participation/session_form.html", {"form": form, "session": None})


def _warn_if_nobody_came(request, session: ParticipationSession) -> None:
    """A session of 0 young people may be real (nobody came) but is more often numbers not
    yet filled in: it is saved, and the officer told so."""
    if not (session.in_care or session.care_leavers or session.others):
        messages.warning(
            request,
            "No young people are recorded at this session (0 children in care, 0 care leavers, "
            "0 others). If young people came, change the session and add how many.",
        )


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
            **_officer_flags(request.user),
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
    if request.method == "POST" and form.is_valid():
        updated = save_or_show_errors(form, services.session_update, session=session, user=request.user)
        if updated:
            messages.success(request, "Session updated.")
            _warn_if_nobody_came(request, updated)
            return redirect(updated)
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


def _feedback_item(user, pk: int) -> FeedbackItem:
    return get_object_for(
        user,
        "participation.log_participation",
        FeedbackItem.objects.select_related("session", "group", "theme", "action"),
        pk=pk,
    )


@login_required
def feedback_edit(request, pk):
    item = _feedback_item(request.user, pk)
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
            **_officer_flags(request.user),
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
            # Aggregates only, the same for every reader: cached per day (see the template).
            "today": today,
            "iv": partial(iv_panel_figures, as_of=today),
            # H03 and H04 as their KPI pages and the dashboard show them (one figure each).
            "derived": partial(latest_derived, as_of=today),
            "participation": partial(participation_panel_figures, as_of=today),
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


# --- "You said, we did" on the young people's page -------------------------------------------


@login_required
def feedback_share(request, pk):
    item = _feedback_item(request.user, pk)
    initial = {"easy_read_said": item.easy_read_said, "easy_read_did": item.easy_read_did}
    form = FeedbackShareForm(request.POST or None, initial=initial)
    if (
        request.method == "POST"
        and form.is_valid()
        and save_or_show_errors(form, services.feedback_share, item=item, user=request.user)
    ):
        messages.success(request, "Shared. It is on the young people's page now.")
        return redirect("participation:feedback_share", pk=item.pk)
    return render(
        request,
        "participation/feedback_share.html",
        {"form": form, "item": item, "history": item.history.select_related("history_user")[:20]},
    )


@login_required
@require_POST
def feedback_unshare(request, pk):
    item = _feedback_item(request.user, pk)
    services.feedback_unshare(item=item, user=request.user)
    messages.success(request, "Taken off the young people's page.")
    return redirect("participation:feedback_share", pk=item.pk)


# --- Messages from the young people's page ----------------------------------------------------


def get_message_for(user, pk: int) -> YoungPersonMessage:
    return get_object_for(
        user,
        "participation.log_participation",
        YoungPersonMessage.objects.select_related("theme", "group", "feedback_item", "handled_by"),
        pk=pk,
    )


@login_required
def message_queue(request):
    require(request.user, "participation.log_participation")
    return render(
        request,
        "participation/messages.html",
        {
            **selectors.message_queue(now=timezone.now()),
            "answer_days": settings.YOUNG_PEOPLE_ANSWER_DAYS,
        },
    )


def _message_page(request, message, *, to_feedback=None, close=None, status=200):
    if message.is_waiting:
        to_feedback = to_feedback or MessageToFeedbackForm(
            initial={"said": message.text, "theme": message.theme, "group": message.group}
        )
        to_feedback.helper.form_action = reverse("participation:message_to_feedback", args=[message.pk])
        close = close or MessageCloseForm()
        close.helper.form_action = reverse("participation:message_close", args=[message.pk])
    return render(
        request,
        "participation/message.html",
        {"message": message, "to_feedback": to_feedback, "close": close},
        status=status,
    )


@login_required
def message(request, pk):
    return _message_page(request, get_message_for(request.user, pk))


@login_required
@require_POST
def message_to_feedback(request, pk):
    message = get_message_for(request.user, pk)
    form = MessageToFeedbackForm(request.POST)
    if form.is_valid() and save_or_show_errors(
        form, services.message_to_feedback, message=message, user=request.user
    ):
        messages.success(
            request,
            'Turned into a "You said" item. It is in the feedback tracker: share it with young '
            "people when it is answered.",
        )
        return redirect("participation:messages")  # the next message waiting
    return _message_page(request, message, to_feedback=form, status=400)


@login_required
@require_POST
def message_close(request, pk):
    message = get_message_for(request.user, pk)
    form = MessageCloseForm(request.POST)
    if form.is_valid() and save_or_show_errors(
        form, services.message_close, message=message, user=request.user
    ):
        messages.success(request, "Message closed.")
        return redirect("participation:messages")
    return _message_page(request, message, close=form, status=400)
