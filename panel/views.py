import logging
import threading
import time
from functools import partial

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.db import connection, connections
from django.db.models import Q
from django.db.models.functions import Length
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from actions.kpis.rules import sees_small_numbers
from core import ratelimit
from core.access import allowed, get_object_for, require
from core.cache import cache_reachable
from core.client_address import client_address
from core.exports import XLSX_TYPE
from core.forms import save_or_show_errors
from core.tasking import send_on_commit
from havering_cp.celery import app as celery_app
from participation import services as participation_services
from participation.forms import TellUsForm

from . import completion, easy_read, reports, services, tasks
from .dashboard import dashboard_summary
from .exports import report_workbook
from .forms import (
    AgendaItemForm,
    AsOfForm,
    GenerateReportForm,
    MeetingForm,
    PanelActionForm,
    PanelActionUpdateForm,
    SignInForm,
)
from .models import AgendaItem, Meeting, PanelAction, ProgressReport
from .navigation import landing_url

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


# --- Meetings ------------------------------------------------------------------------------


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


# --- Progress reports -------------------------------------------------------------------------


@login_required
def report_list(request):
    require(request.user, "panel.read_reports")
    can_generate = allowed(request.user, "panel.generate_report")
    # Meeting packs apart from monthly reports (?kind=); anything else lists every report.
    kind = request.GET.get("kind", "")
    kind = kind if kind in ProgressReport.Kind.values else ""
    reports = ProgressReport.objects.select_related("meeting").defer("data", "html", "pdf")
    return render(
        request,
        "panel/reports/list.html",
        {
            "reports": reports.filter(kind=kind) if kind else reports,
            "kind": kind,
            "kinds": [("", "All reports"), *ProgressReport.Kind.choices],
            "form": GenerateReportForm() if can_generate else None,
        },
    )


def _report_for(user, pk, queryset=None) -> ProgressReport:
    queryset = queryset if queryset is not None else ProgressReport.objects.defer("pdf")
    return get_object_for(user, "panel.read_reports", queryset.select_related("meeting"), pk=pk)


@login_required
def report_detail(request, pk):
    report = _report_for(
        request.user, pk, ProgressReport.objects.defer("pdf").annotate(pdf_size=Length("pdf"))
    )
    return render(request, "panel/reports/detail.html", {"report": report})


@login_required
@never_cache
def report_progress(request, pk):
    report = _report_for(request.user, pk)
    return JsonResponse(
        {
            "state": report.state,
            "state_label": report.get_state_display(),
            "progress": report.progress,
            "note": report.progress_note,
            "ready": report.is_ready,
        }
    )


@login_required
def report_xlsx(request, pk):
    report = _report_for(request.user, pk)
    if not report.is_ready:
        raise Http404("This report has not been issued yet.")
    response = HttpResponse(report_workbook(report), content_type=XLSX_TYPE)
    filename = f"havering-cpp-{report.kind}-{report.period_end:%Y-%m-%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def report_pdf(request, pk):
    report = _report_for(request.user, pk, ProgressReport.objects.all())
    if not report.is_ready or not report.pdf:
        raise Http404("This report has no PDF yet.")
    response = HttpResponse(bytes(report.pdf), content_type="application/pdf")
    filename = f"havering-cpp-{report.kind}-{report.period_end:%Y-%m-%d}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_POST
def report_generate(request):
    require(request.user, "panel.generate_report")
    form = GenerateReportForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "panel/reports/list.html",
            {
                "reports": ProgressReport.objects.select_related("meeting").defer("data", "html", "pdf"),
                "form": form,
            },
            status=400,
        )
    report = reports.request_report(spec=form.spec(), user=request.user)
    if report.is_ready:
        messages.info(request, f"{report} was already issued; here it is.")
    else:
        send_on_commit(tasks.build_report, report.pk)
        messages.success(request, f"{report} is being built.")
    return redirect(report)


SAFETY_TEXT = (
    "If you are in danger now, call 999. If you are worried about your safety, "
    "talk to your social worker or call Childline on 0800 1111."
)


def young_people(request):
    """Open to anyone, without an account: the young people's own page, in approved easy
    read, and "Tell us what you think". ``?print=1`` shows everything, for printing.

    The page's content is cached until the data changes (sharing or un-sharing anything
    is a write, so it shows at once); the form, with its CSRF token, never is."""
    form = TellUsForm(request.POST or None)
    form.helper.form_action = reverse("young_people") + "#tell-us"
    status = 200
    if request.method == "POST":
        if form.is_from_a_robot:
            return redirect("young_people_sent")  # tell a robot nothing; keep nothing
        if form.is_valid():
            if not _message_within_limits(request):
                form.add_error(
                    None, "You have sent a lot of messages in the last hour. Please try again later."
                )
                status = 429
            else:
                fields = {name: form.cleaned_data[name] for name in ("text", "theme", "group")}
                message = save_or_show_errors(form, participation_services.message_receive, data=fields)
                if message:
                    return redirect("young_people_sent")
        if form.errors and status == 200:
            status = 400
    today = timezone.localdate()
    return render(
        request,
        "panel/young_people.html",
        {
            "page": partial(easy_read.young_people_page, today=today),
            "today": today,
            "form": form,
            "safety_text": SAFETY_TEXT,
            "print_view": request.GET.get("print") == "1",
        },
        status=status,
    )


def _message_within_limits(request) -> bool:
    """Count one message sent (only a valid one reaches here) against this browser's limit
    and against a higher ceiling for its address: a children's home or a group session on
    one Wi-Fi is one address but many young people."""
    if request.session.session_key is None:
        request.session["sent_a_message"] = True  # an empty session would set no cookie
        request.session.save()
    per_browser = ratelimit.allow(
        scope="young-people-message",
        who=f"session:{request.session.session_key}",
        limit=settings.YOUNG_PEOPLE_MESSAGES_PER_HOUR,
        window_seconds=3600,
    )
    per_address = ratelimit.allow(
        scope="young-people-message-address",
        who=client_address(request) or "unknown",
        limit=settings.YOUNG_PEOPLE_MESSAGES_PER_HOUR_PER_ADDRESS,
        window_seconds=3600,
    )
    return per_browser and per_address


def young_people_sent(request):
    return render(
        request,
        "panel/young_people_sent.html",
        {"safety_text": SAFETY_TEXT, "answer_days": settings.YOUNG_PEOPLE_ANSWER_DAYS},
    )


@login_required
def dashboard(request):
    """The page panel members land on: each promise's actions and KPIs by RAG, and what
    needs the panel's attention, today or as the plan stood on an earlier day."""
    require(request.user, "panel.view_dashboard")
    form = AsOfForm(request.GET or None)
    today = timezone.localdate()
    as_of = min((form.cleaned_data.get("as_of") if form.is_valid() else None) or today, today)
    small_numbers = sees_small_numbers(request.user)
    return render(
        request,
        "panel/dashboard.html",
        {
            "form": form,
            "as_of": as_of,
            "is_today": as_of == today,
            # Aggregates only, the same for everyone with the same view of small numbers (the
            # cached fragment is kept per view); computed only when it is not cached.
            "board": partial(dashboard_summary, as_of=as_of, small_numbers=small_numbers),
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
        {"completion": completion.reporting_completion(), "small_numbers": sees_small_numbers(request.user)},
    )
