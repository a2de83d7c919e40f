"""The panel's dashboard and the reporting-completion page."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from core.access import allowed, require

from .. import completion
from ..dashboard import Dashboard
from ..forms import (
    AsOfForm,
)


@login_required
def dashboard(request):
    """The page panel members land on: each promise's actions and KPIs by RAG, and what
    needs the panel's attention, today or as the plan stood on an earlier day."""
    require(request.user, "panel.view_dashboard")
    form = AsOfForm(request.GET or None)
    today = timezone.localdate()
    as_of = min((form.cleaned_data.get("as_of") if form.is_valid() else None) or today, today)
    small_numbers = allowed(request.user, "actions.see_small_numbers")
    return render(
        request,
        "panel/dashboard.html",
        {
            "form": form,
            "as_of": as_of,
            "is_today": as_of == today,
            # Aggregates only, the same for everyone with the same view of small numbers (each
            # cached part is kept per view, on its own tables); computed only when not cached.
            "dashboard": Dashboard(as_of=as_of, small_numbers=small_numbers),
            "small_numbers": small_numbers,
            "can_see_completion": allowed(request.user, "panel.see_reporting_completion"),
        },
    )


@login_required
def reporting_completion(request):
    """For administrators: which action updates and owners' commentaries are in for the
    next meeting, and which are missing."""
    require(request.user, "panel.see_reporting_completion")
    return render(
        request,
        "panel/completion.html",
        {
            "completion": completion.reporting_completion(),
            "small_numbers": allowed(request.user, "actions.see_small_numbers"),
        },
    )
