"""Panel meetings: their agenda and papers, and the questions the panel asks (panel actions)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.access import allowed, get_object_for, require
from core.forms import save_or_show_errors

from .. import services
from ..forms import (
    AgendaItemForm,
    MeetingForm,
    PanelActionForm,
    PanelActionUpdateForm,
)
from ..models import AgendaItem, Meeting, PanelAction


@login_required
def meeting_list(request):
    require(request.user, "panel.read_meetings")
    now = timezone.now()
    meetings = Meeting.objects.all()
    return render(
        request,
        "panel/meetings/list.html",
        {
            "upcoming": meetings.filter(starts_at__gte=now).order_by("starts_at"),
            "past": meetings.filter(starts_at__lt=now).order_by("-starts_at"),
            "can_manage": allowed(request.user, "panel.manage_meetings"),
        },
    )


@login_required
def meeting_detail(request, pk):
    meeting = get_object_for(request.user, "panel.read_meetings", Meeting, pk=pk)
    raised_here = PanelAction.objects.filter(meeting=meeting).select_related("owner")
    # Raised earlier and still open when this meeting began: carried forward to it.
    carried = (
        PanelAction.objects.filter(meeting__starts_at__lt=meeting.starts_at)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=timezone.localdate(meeting.starts_at)))
        .select_related("owner", "meeting")
    )
    can_manage = allowed(request.user, "panel.manage_meetings")
    agenda_form = panel_action_form = None
    if can_manage:
        agenda_form = AgendaItemForm(initial={"position": meeting.agenda_items.count() + 1})
        agenda_form.helper.form_action = reverse("panel:agenda_item_add", args=[meeting.pk])
        panel_action_form = PanelActionForm()
        panel_action_form.helper.form_action = reverse("panel:panel_action_add", args=[meeting.pk])
    return render(
        request,
        "panel/meetings/detail.html",
        {
            "meeting": meeting,
            "agenda": meeting.agenda_items.all(),
            "raised_here": raised_here,
            "carried": carried,
            "pack": meeting.packs.defer("data", "html", "pdf").first(),
            "can_manage": can_manage,
            "agenda_form": agenda_form,
            "panel_action_form": panel_action_form,
        },
    )


@login_required
def meeting_create(request):
    require(request.user, "panel.manage_meetings")
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        meeting = save_or_show_errors(form, services.meeting_save)
        if meeting:
            messages.success(request, f"{meeting} added.")
            return redirect(meeting)
    return render(request, "panel/meetings/form.html", {"form": form, "meeting": None})


@login_required
def meeting_edit(request, pk):
    meeting = get_object_for(request.user, "panel.manage_meetings", Meeting, pk=pk)
    form = MeetingForm(request.POST or None, instance=meeting)
    if (
        request.method == "POST"
        and form.is_valid()
        and save_or_show_errors(form, services.meeting_save, meeting=meeting)
    ):
        messages.success(request, "Meeting saved.")
        return redirect(meeting)
    return render(request, "panel/meetings/form.html", {"form": form, "meeting": meeting})


def _add_to_meeting(request, pk, *, form_class, service, template: str, success):
    """Add an agenda item or a panel question to a meeting; the form again (400) if it is refused.
    The access check comes before the form reads the request (and any uploaded paper)."""
    meeting = get_object_for(request.user, "panel.manage_meetings", Meeting, pk=pk)
    form = form_class(request.POST, request.FILES)
    if form.is_valid() and (added := save_or_show_errors(form, service, meeting=meeting)):
        messages.success(request, success(added))
        return redirect(meeting)
    return render(request, template, {"form": form, "meeting": meeting}, status=400)


@login_required
@require_POST
def agenda_item_add(request, pk):
    return _add_to_meeting(
        request,
        pk,
        form_class=AgendaItemForm,
        service=services.agenda_item_add,
        template="panel/meetings/agenda_item_form.html",
        success=lambda item: f"Agenda item “{item.title}” added.",
    )


@login_required
def paper_download(request, pk):
    item = get_object_for(
        request.user, "panel.read_meetings", AgendaItem.objects.select_related("meeting"), pk=pk
    )
    if not item.paper:
        raise Http404("This agenda item has no paper.")
    return FileResponse(
        item.paper.open("rb"), as_attachment=True, filename=item.paper.name.rsplit("/", 1)[-1]
    )


@login_required
@require_POST
def panel_action_add(request, pk):
    return _add_to_meeting(
        request,
        pk,
        form_class=PanelActionForm,
        service=services.panel_action_add,
        template="panel/meetings/panel_action_form.html",
        success=lambda item: "Added to the meeting's questions and actions.",
    )


@login_required
def panel_action_edit(request, pk):
    item = get_object_for(
        request.user, "panel.read_meetings", PanelAction.objects.select_related("meeting", "owner"), pk=pk
    )
    require(request.user, "panel.update_panel_action", item)
    form = PanelActionUpdateForm(request.POST or None, instance=item)
    if (
        request.method == "POST"
        and form.is_valid()
        and save_or_show_errors(form, services.panel_action_update, panel_action=item)
    ):
        messages.success(request, "Saved.")
        return redirect(item.meeting)
    return render(request, "panel/meetings/panel_action_update.html", {"form": form, "item": item})
