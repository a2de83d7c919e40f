"""Independent Visitor pages, for IV coordinators and administrators only.

The lists are refused with 403 to other roles; a child's referral (and a volunteer's
record) answers 404, so nobody else learns which records exist. Each page that shows
one child's referral logs the view (iv_services.record_view_log).
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from core.access import get_object_for, require
from core.forms import save_or_show_errors

from ..models import Match, Referral, Volunteer
from ..views import PAGE_SIZE
from . import selectors, services
from .forms import MOVE_FORMS, ReferralForm, ReviewForm, VisitForm, VolunteerForm

HOME_LIST_SIZE = 10


def _referral_for(user, pk: int, *, view: str) -> Referral:
    """The referral, logged as seen through ``view``; 404 for anyone else, as if it did not exist."""
    referral = get_object_for(
        user, "participation.manage_iv", Referral.objects.select_related("created_by"), hidden=True, pk=pk
    )
    services.record_view_log(user=user, referral=referral, view=view)
    return referral


def _volunteer_for(user, pk: int) -> Volunteer:
    return get_object_for(user, "participation.manage_iv", Volunteer, hidden=True, pk=pk)


@login_required
def home(request):
    """The coordinator's lists: who is waiting, who is overdue a visit, DBS renewals, reviews due."""
    require(request.user, "participation.manage_iv")
    today = timezone.localdate()
    lists = {
        "waiting": selectors.waiting_list(),
        "overdue": selectors.overdue_visits(today=today),
        "dbs": selectors.dbs_expiring(today=today),
        "reviews": selectors.reviews_due(today=today),
    }
    context = {"today": today, "cadence_days": settings.IV_VISIT_CADENCE_DAYS}
    for name, queryset in lists.items():
        context[f"{name}_count"] = queryset.count()
        context[name] = list(queryset[:HOME_LIST_SIZE])
    for match in context["reviews"]:
        match.next_review_on = selectors.next_review_on(match)
    context["dbs_warning_days"] = selectors.DBS_WARNING_DAYS
    context["list_size"] = HOME_LIST_SIZE
    shown = [*context["waiting"], *(match.referral for match in [*context["overdue"], *context["reviews"]])]
    services.record_views_log(user=request.user, referrals=shown, view="IV home")
    return render(request, "participation/iv/home.html", context)


REFERRAL_LISTS = {
    "waiting": ("Waiting for a match", lambda: Referral.objects.filter(state__in=Referral.WAITING_STATES)),
    "matched": ("Matched or active", lambda: Referral.objects.filter(state__in=Referral.MATCHED_STATES)),
    "closed": (
        "Ended, declined or withdrawn",
        lambda: Referral.objects.filter(state__in=Referral.CLOSED_STATES),
    ),
    "all": ("All referrals", lambda: Referral.objects.all()),
}


@login_required
def referrals(request):
    require(request.user, "participation.manage_iv")
    show = request.GET.get("show") if request.GET.get("show") in REFERRAL_LISTS else "waiting"
    title, queryset = REFERRAL_LISTS[show]
    items = queryset().select_related("match__volunteer").order_by("received_on", "pk")
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    services.record_views_log(user=request.user, referrals=page, view=f"referral list ({show})")
    return render(
        request,
        "participation/iv/referrals.html",
        {
            "page_obj": page,
            "show": show,
            "title": title,
            "lists": REFERRAL_LISTS,
            "today": timezone.localdate(),
        },
    )


MATCH_LISTS = {
    "overdue": "Matches overdue a visit",
    "reviews": "Reviews due",
}


@login_required
def matches(request):
    require(request.user, "participation.manage_iv")
    today = timezone.localdate()
    show = request.GET.get("show") if request.GET.get("show") in MATCH_LISTS else "overdue"
    items = selectors.overdue_visits(today=today) if show == "overdue" else selectors.reviews_due(today=today)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    if show == "reviews":
        for match in page:
            match.next_review_on = selectors.next_review_on(match)
    services.record_views_log(
        user=request.user, referrals=[m.referral for m in page], view=f"match list ({show})"
    )
    return render(
        request,
        "participation/iv/matches.html",
        {"page_obj": page, "show": show, "title": MATCH_LISTS[show], "lists": MATCH_LISTS, "today": today},
    )


@login_required
def referral_new(request):
    require(request.user, "participation.manage_iv")
    form = ReferralForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        referral = save_or_show_errors(form, services.referral_create, user=request.user)
        if referral:
            messages.success(request, "Referral saved.")
            return redirect(referral)
    return render(request, "participation/iv/referral_form.html", {"form": form, "referral": None})


@login_required
def referral(request, pk):
    referral = _referral_for(request.user, pk, view="referral")
    match, visits, reviews, events = selectors.referral_timeline(referral)
    today = timezone.localdate()
    return render(
        request,
        "participation/iv/referral.html",
        {
            "referral": referral,
            "match": match,
            "visits": visits,
            "reviews": reviews,
            "events": events,
            "moves": [
                (state, services.MOVE_LABELS[state], state in Referral.CLOSED_STATES)
                for state in services.allowed_moves(referral)
            ],
            "today": today,
            "visit_overdue": bool(
                match
                and referral.state in Referral.MATCHED_STATES
                and (visits[0].visited_on if visits else match.introduction_on)
                < selectors.visit_due_before(today=today)
            ),
        },
    )


@login_required
def referral_edit(request, pk):
    referral = _referral_for(request.user, pk, view="edit referral")
    if referral.is_closed:
        messages.error(request, "This referral is closed; it cannot be changed.")
        return redirect(referral)
    initial = {field: getattr(referral, field) for field in services.REFERRAL_FIELDS}
    form = ReferralForm(request.POST or None, initial=initial | {"version": referral.version})
    if (
        request.method == "POST"
        and form.is_valid()
        and save_or_show_errors(form, services.referral_update, referral=referral, user=request.user)
    ):
        messages.success(request, "Referral updated.")
        return redirect(referral)
    return render(request, "participation/iv/referral_form.html", {"form": form, "referral": referral})


@login_required
def referral_move(request, pk, to_state):
    referral = _referral_for(request.user, pk, view=f"move to {to_state}")
    if to_state not in MOVE_FORMS:
        raise Http404
    if refusal := services.move_refusal(referral, to_state):
        messages.error(request, refusal)
        return redirect(referral)
    form = MOVE_FORMS[to_state](
        request.POST or None, to_state=to_state, initial={"version": referral.version}
    )
    if request.method == "POST" and form.is_valid():
        moved = save_or_show_errors(
            form, services.referral_move, referral=referral, user=request.user, to_state=to_state
        )
        if moved:
            messages.success(request, f"The referral is now {moved.get_state_display().lower()}.")
            return redirect(moved)
    match = Match.objects.filter(referral=referral).select_related("volunteer").first()
    return render(
        request,
        "participation/iv/move_form.html",
        {
            "form": form,
            "referral": referral,
            "match": match,
            "title": services.MOVE_LABELS[to_state],
            # Matching: who can be chosen, with what the coordinator weighs.
            "volunteers": form.fields["volunteer"].queryset if "volunteer" in form.fields else None,
        },
    )


def _record_for_match(request, referral, *, what: str, form_class, service, title: str, heading: str):
    """Log a visit or record a review of a matched or active referral's match."""
    if referral.state not in Referral.MATCHED_STATES:
        messages.error(request, f"{what}s can only be recorded for a matched or active referral.")
        return redirect(referral)
    form = form_class(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and save_or_show_errors(form, service, referral=referral, user=request.user)
    ):
        messages.success(request, f"{what} saved.")
        return redirect(referral)
    return render(
        request,
        "participation/iv/match_record_form.html",
        {"form": form, "referral": referral, "title": title, "heading": heading},
    )


@login_required
def visit_new(request, pk):
    referral = _referral_for(request.user, pk, view="log visit")
    return _record_for_match(
        request,
        referral,
        what="Visit",
        form_class=VisitForm,
        service=services.visit_log,
        title="Log a visit",
        heading="Log a visit",
    )


@login_required
def review_new(request, pk):
    referral = _referral_for(request.user, pk, view="record review")
    return _record_for_match(
        request,
        referral,
        what="Review",
        form_class=ReviewForm,
        service=services.review_record,
        title="Record a review",
        heading="Record a six-monthly review",
    )


@login_required
def volunteers(request):
    require(request.user, "participation.manage_iv")
    today = timezone.localdate()
    expiring = request.GET.get("show") == "dbs"
    items = selectors.dbs_expiring(today=today) if expiring else selectors.volunteers_with_match_counts()
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "participation/iv/volunteers.html",
        {
            "page_obj": page,
            "expiring": expiring,
            "show_matches": not expiring,
            "today": today,
            "dbs_warning_days": selectors.DBS_WARNING_DAYS,
        },
    )


@login_required
def volunteer_new(request):
    require(request.user, "participation.manage_iv")
    form = VolunteerForm(request.POST or None, initial={"status": Volunteer.Status.APPLICANT})
    if request.method == "POST" and form.is_valid():
        volunteer = save_or_show_errors(form, services.volunteer_save, user=request.user)
        if volunteer:
            messages.success(request, f"{volunteer} saved.")
            return redirect(volunteer)
    return render(request, "participation/iv/volunteer_form.html", {"form": form, "volunteer": None})


@login_required
def volunteer(request, pk):
    volunteer = _volunteer_for(request.user, pk)
    matches = list(volunteer.matches.select_related("referral").order_by("-matched_on"))
    services.record_views_log(user=request.user, referrals=[m.referral for m in matches], view="volunteer")
    return render(
        request,
        "participation/iv/volunteer.html",
        {"volunteer": volunteer, "matches": matches, "today": timezone.localdate()},
    )


@login_required
def volunteer_edit(request, pk):
    volunteer = _volunteer_for(request.user, pk)
    initial = {field: getattr(volunteer, field) for field in services.VOLUNTEER_FIELDS}
    form = VolunteerForm(request.POST or None, initial=initial)
    if (
        request.method == "POST"
        and form.is_valid()
        and save_or_show_errors(form, services.volunteer_save, volunteer=volunteer, user=request.user)
    ):
        messages.success(request, "Volunteer updated.")
        return redirect(volunteer)
    return render(request, "participation/iv/volunteer_form.html", {"form": form, "volunteer": volunteer})
