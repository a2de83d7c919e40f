from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.access import allowed, get_object_for, require
from core.exports import XLSX_TYPE, csv_response, xlsx_bytes, xlsx_response
from core.forms import save_or_show_errors

from . import selectors, services
from .extensions import action_sections
from .forms import (
    ActionForm,
    MilestoneAddForm,
    MilestonesForm,
    PlanFilterForm,
    PlanImportForm,
    ProgressUpdateForm,
)
from .models import Action, Commitment, Theme, rating_reason
from .plan_import import plan_template_sheets, read_plan_file, sign_dataset, unsign_dataset

PLAN_PAGE_SIZE = 100


@login_required
def home(request):
    """The five promises and their "We will…" commitments."""
    themes = Theme.objects.prefetch_related(
        Prefetch("commitments", queryset=Commitment.objects.order_by("position"))
    )
    return render(request, "actions/home.html", {"themes": themes})


# --- Access: each view's first line --------------------------------------------------------


def _action_to_read(request, pk: int) -> Action:
    """The action with its derived state: 403 without a role, 404 if there is no such action."""
    return get_object_for(request.user, "actions.view_plan", selectors.actions_for_page(), pk=pk)


def _action_to_update(request, pk: int) -> Action:
    """The action, if the user may report its progress (its lead, or an administrator);
    403 if they may see it but not change it, 404 if there is no such action."""
    action = _action_to_read(request, pk)
    require(request.user, "actions.update_action_progress", action)
    return action


def _action_to_manage(request, pk: int) -> Action:
    action = _action_to_read(request, pk)
    require(request.user, "actions.manage_plan")
    return action


# --- The plan -------------------------------------------------------------------------------


def _plan_filters(request) -> tuple[PlanFilterForm, selectors.PlanFilters]:
    """The filters from the query string; a bad value is reported on the form and ignored."""
    form = PlanFilterForm(request.GET or None)
    if form.is_bound:
        form.is_valid()
    return form, selectors.PlanFilters.from_cleaned_data(getattr(form, "cleaned_data", {}))


@login_required
def action_plan(request):
    """Every action, grouped by theme and commitment, filtered, searched and paged."""
    require(request.user, "actions.view_plan")
    form, filters = _plan_filters(request)
    actions = selectors.plan_actions(filters=filters)
    page = Paginator(actions, PLAN_PAGE_SIZE).get_page(request.GET.get("page"))
    export_query = request.GET.copy()
    export_query.pop("page", None)
    return render(
        request,
        "actions/plan.html",
        {
            "form": form,
            # The page is the same for every reader with the same filters and page: it is
            # cached on them (see the template), unless the form shows errors or the filters
            # hold a search: free text has no end of values, so searches would let one reader
            # fill the cache, and are rarely asked for twice.
            "query": None if form.errors or filters.q else (filters.key(), page.number),
            "today": timezone.localdate(),  # overdue and stale are relative to it
            "page_obj": page,
            "rag_summary": partial(selectors.rag_summary, actions),  # only when not cached
            "filtered": bool(filters),
            "export_query": export_query.urlencode(),
            "can_manage": allowed(request.user, "actions.manage_plan"),
        },
    )


@login_required
def action_plan_export(request, fmt: str):
    """The filtered plan as a spreadsheet, every matching action (not just one page)."""
    require(request.user, "actions.view_plan")
    if fmt not in ("csv", "xlsx"):
        raise Http404("No such format")
    _, filters = _plan_filters(request)
    rows = selectors.plan_export_rows(filters=filters)
    filename = f"action-plan-{timezone.localdate():%Y-%m-%d}.{fmt}"
    if fmt == "csv":
        return csv_response(filename, selectors.EXPORT_HEADERS, rows)
    return xlsx_response(filename, selectors.EXPORT_HEADERS, rows)


@login_required
def my_actions(request):
    """The actions the signed-in person leads, the ones owing an update first."""
    require(request.user, "actions.see_my_actions")
    # Cached for this user alone, under a hash of their own rows (the template keys it on both).
    return render(
        request,
        "actions/my_actions.html",
        {
            "fingerprint": selectors.my_page_fingerprint(user=request.user),
            "actions": selectors.my_actions(user=request.user),
            "measures": selectors.my_measures(user=request.user),
            "today": timezone.localdate(),
        },
    )


# --- One action -----------------------------------------------------------------------------


@login_required
def action_detail(request, pk: int):
    action = _action_to_read(request, pk)
    milestones = list(action.milestones.all())
    return render(
        request,
        "actions/action_detail.html",
        {
            "action": action,
            "milestones": milestones,
            "rating_reason": rating_reason(action, milestones=milestones),
            "updates": action.updates.select_related("author"),
            "kpis": action.kpis.all(),
            "changes": selectors.action_change_history(action=action),
            "sections": action_sections(request=request, action=action),
            "can_update": allowed(request.user, "actions.update_action_progress", action),
            "can_manage": allowed(request.user, "actions.manage_plan"),
        },
    )


@login_required
def action_add_update(request, pk: int):
    action = _action_to_update(request, pk)
    initial = {} if action.is_completed else {"status": action.status}
    form = ProgressUpdateForm(request.POST or None, initial=initial)
    if form.is_valid():
        saved = save_or_show_errors(form, services.progress_update_create, action=action, author=request.user)
        if saved is not None:
            messages.success(request, "Your progress update has been added.")
            return redirect(action)
    return render(request, "actions/update_form.html", {"action": action, "form": form})


def _milestones_page(request, action, *, tick_form=None, add_form=None):
    milestones = list(action.milestones.all())
    add_form = add_form or MilestoneAddForm()
    add_form.helper.form_action = reverse("action_milestone_add", args=[action.pk])
    return render(
        request,
        "actions/milestones.html",
        {
            "action": action,
            "milestones": milestones,
            "tick_form": tick_form
            or MilestonesForm(milestones=milestones, initial={"version": action.version}),
            "add_form": add_form,
        },
    )


@login_required
def action_milestones(request, pk: int):
    """Tick the milestones that are done."""
    action = _action_to_update(request, pk)
    if request.method != "POST":
        return _milestones_page(request, action)
    form = MilestonesForm(
        request.POST, milestones=action.milestones.all(), initial={"version": action.version}
    )
    if form.is_valid():
        changed = save_or_show_errors(
            form,
            services.milestones_mark,
            action=action,
            by=request.user,
            data={"completed_ids": form.cleaned_data["completed"], "version": form.cleaned_data["version"]},
        )
        if changed is not None:
            messages.success(request, f"Milestones saved ({changed} changed).")
            return redirect(action)
    return _milestones_page(request, action, tick_form=form)


@login_required
@require_POST
def action_milestone_add(request, pk: int):
    action = _action_to_update(request, pk)
    form = MilestoneAddForm(request.POST)
    if form.is_valid():
        saved = save_or_show_errors(form, services.milestone_add, action=action, by=request.user)
        if saved is not None:
            messages.success(request, "Milestone added.")
            return redirect("action_milestones", pk=action.pk)
    return _milestones_page(request, action, add_form=form)


# --- Administrators: actions and plan imports -------------------------------------------------


@login_required
def action_create(request):
    require(request.user, "actions.manage_plan")
    form = ActionForm(request.POST or None, initial={"status": Action.Status.NOT_STARTED})
    if form.is_valid():
        action = save_or_show_errors(form, services.action_create, by=request.user)
        if action is not None:
            messages.success(request, "The action has been added.")
            return redirect(action)
    return render(request, "actions/action_form.html", {"form": form, "action": None})


@login_required
def action_edit(request, pk: int):
    action = _action_to_manage(request, pk)
    form = ActionForm(request.POST or None, initial=ActionForm.initial_for(action))
    if form.is_valid():
        saved = save_or_show_errors(form, services.action_edit, action=action, by=request.user)
        if saved is not None:
            messages.success(request, "The action has been saved.")
            return redirect(action)
    return render(request, "actions/action_form.html", {"form": form, "action": action})


@login_required
def action_plan_import(request):
    """Upload a delivery plan spreadsheet; it is checked (nothing written) and previewed."""
    require(request.user, "actions.manage_plan")
    form = PlanImportForm(request.POST or None, request.FILES or None)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            dataset = read_plan_file(upload=upload)
        except ValidationError as error:
            form.add_error("file", error)
        else:
            report = services.plan_import(dataset=dataset, by=request.user, dry_run=True)
            token = sign_dataset(dataset, user=request.user) if report.ok else ""
            return render(
                request,
                "actions/import_preview.html",
                {"report": report, "token": token, "file_name": upload.name},
            )
    return render(request, "actions/import_form.html", {"form": form})


@login_required
@require_POST
def action_plan_import_confirm(request):
    require(request.user, "actions.manage_plan")
    try:
        dataset = unsign_dataset(request.POST.get("token", ""), user=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("action_plan_import")
    report = services.plan_import(dataset=dataset, by=request.user, dry_run=False)
    if not report.ok:
        return render(request, "actions/import_preview.html", {"report": report, "token": ""})
    messages.success(
        request,
        f"The plan has been loaded: {report.new} actions added, "
        f"{report.updated} changed, {report.unchanged} unchanged.",
    )
    return redirect("action_plan")


@login_required
def action_plan_import_template(request):
    require(request.user, "actions.manage_plan")
    response = HttpResponse(xlsx_bytes(plan_template_sheets()), content_type=XLSX_TYPE)
    response["Content-Disposition"] = 'attachment; filename="delivery-plan-template.xlsx"'
    return response
