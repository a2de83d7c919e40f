"""Progress reports: the list, a report's page and its downloads, and asking for one to be built."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models.functions import Length
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.access import allowed, get_object_for, require
from core.exports import XLSX_TYPE
from core.tasking import send_on_commit

from .. import reports, tasks
from ..exports import report_workbook
from ..forms import (
    GenerateReportForm,
)
from ..models import ProgressReport


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
