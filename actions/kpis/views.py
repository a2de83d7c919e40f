"""KPI pages (every role) and the import pages (holders of ``actions.import_kpi_data``)."""

from functools import cache, partial
from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from actions.models import KPI, KPIImport, KPIValue, LocalAuthority, NeighbourModelUpload
from core.access import allowed, get_object_for, require
from core.exports import XLSX_TYPE, csv_response, xlsx_bytes, xlsx_response
from core.formatting import uk_date, uk_date_short
from core.forms import save_or_show_errors

from . import neighbours, selectors, services
from .benchmarks import kpi_benchmark
from .charts import kpi_chart
from .figures_export import HEADER, UnknownCodes, figure_rows
from .files import FileRefused
from .formatting import kpi_value_fields
from .forms import (
    KPICommentaryForm,
    KPIFilterForm,
    KPIImportConfirmForm,
    KPIImportUploadForm,
    NeighbourModelConfirmForm,
    NeighbourModelUploadForm,
)
from .framework import framework_overview
from .importing import LONG_COLUMNS
from .uploads import ImportSizeLimitHandler

EXPORT_HEADERS = list(LONG_COLUMNS)


def _import_for_importer(user, pk: int) -> KPIImport:
    return get_object_for(user, "actions.import_kpis", KPIImport.objects.select_related("uploaded_by"), pk=pk)


def _kpi_listing(filters: selectors.KPIFilters) -> dict:
    """The measures the filters let through, by theme (KPIs without one, such as the number
    of children in care, last), how many that is and how many there are in all."""
    figures, total = selectors.kpi_list_figures(filters=filters)
    groups = [(theme, list(items)) for theme, items in groupby(figures, key=lambda figure: figure.kpi.theme)]
    return {"groups": groups, "shown": len(figures), "total": total}


@login_required
@require_GET
def kpi_list(request):
    """Every KPI, grouped by theme, with its latest figure, rating, direction of travel,
    sparkline and comparators; filtered by theme, rating, direction and "below target"."""
    require(request.user, "actions.view_kpis")
    form = KPIFilterForm(request.GET or None)
    if form.is_bound:
        form.is_valid()
    filters = selectors.KPIFilters.from_cleaned_data(getattr(form, "cleaned_data", {}))
    return render(
        request,
        "actions/kpis/kpi_list.html",
        {
            "form": form,
            "filtered": bool(filters),
            # The page is the same for every reader with the same filters and view of small
            # numbers: it is cached on them (see the template), unless the form shows errors,
            # and this is worked out only when it is not.
            "listing": partial(_kpi_listing, filters),
            "query": None if form.errors else filters.key(),
            "small_numbers": allowed(request.user, "actions.see_small_numbers"),
            "can_import": allowed(request.user, "actions.import_kpis"),
            "can_load_models": allowed(request.user, "actions.manage_neighbour_models"),
        },
    )


@login_required
@require_GET
def kpi_figures_export(request):
    """Every stored figure with its area, council, symbol and source, as
    ``manage.py export_kpi_figures`` prints it (administrators: every figure, unsuppressed)."""
    require(request.user, "actions.import_kpis")
    try:
        rows = figure_rows(codes=request.GET.getlist("kpi"), source=request.GET.get("source", ""))
    except UnknownCodes as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    return csv_response("kpi-figures.csv", HEADER, rows)


@login_required
@require_GET
def kpi_framework(request):
    """DfE's National Framework indicators by outcome and domain, with Havering beside London,
    its neighbours' median and England."""
    require(request.user, "actions.view_kpis")
    small_numbers = allowed(request.user, "actions.see_small_numbers")
    return render(
        request,
        "actions/kpis/framework.html",
        {
            "outcomes": framework_overview(small_numbers=small_numbers),
            "small_numbers": small_numbers,
            "can_export": allowed(request.user, "actions.import_kpis"),
        },
    )


@login_required
@require_GET
def kpi_detail(request, code: str):
    """A KPI's definition, chart, history with comparators and sources, and linked actions."""
    kpi = get_object_for(
        request.user, "actions.view_kpis", KPI.objects.select_related("theme", "owner", "tracks"), code=code
    )
    # Computed only when the page is not in the cache (see the template), the history once.
    history = cache(partial(selectors.kpi_history, kpi=kpi))
    small_numbers = allowed(request.user, "actions.see_small_numbers")
    actions = kpi.actions.select_related("lead").order_by("due_date", "pk")
    return render(
        request,
        "actions/kpis/kpi_detail.html",
        {
            "kpi": kpi,
            "history": history,
            "latest": lambda: next((row for row in history() if row.havering), None),
            "figure": lambda: selectors.figures_from_history(kpi=kpi, history=history()),
            "chart": lambda: kpi_chart(kpi, history(), small_numbers=small_numbers),
            "benchmark": partial(kpi_benchmark, kpi=kpi, small_numbers=small_numbers),
            "published": partial(selectors.last_published, kpi=kpi),
            "actions": actions,
            "small_numbers": small_numbers,
            "can_import": allowed(request.user, "actions.import_kpis"),
            "commentaries": partial(selectors.kpi_commentary_history, kpi=kpi),
            "can_comment": allowed(request.user, "actions.write_kpi_commentary", kpi),
        },
    )


@login_required
def kpi_commentary(request, code: str):
    """The owner (or an administrator) writes the commentary on one period's figure."""
    kpi = get_object_for(request.user, "actions.view_kpis", KPI.objects.select_related("owner"), code=code)
    require(request.user, "actions.write_kpi_commentary", kpi)
    periods = selectors.kpi_rated_periods(kpi=kpi)
    choices = [(day, f"{day:%B %Y} ({rag.label.lower()})") for day, rag in periods]
    initial = {"period_end": request.GET.get("period") or (periods[0][0].isoformat() if periods else None)}
    form = KPICommentaryForm(request.POST or None, periods=choices, initial=initial)
    if (
        request.method == "POST"
        and form.is_valid()
        and save_or_show_errors(form, services.kpi_commentary_add, kpi=kpi, user=request.user)
    ):
        messages.success(request, f"Commentary for {form.cleaned_data['period_end']:%B %Y} saved.")
        return redirect(reverse("kpi_detail", args=[kpi.code]) + "#commentary")
    return render(
        request, "actions/kpis/commentary_form.html", {"kpi": kpi, "form": form, "periods": periods}
    )


@login_required
@require_GET
def kpi_export(request):
    """KPI values in the long import layout (CSV or xlsx), formula-like cells neutralised.
    Panel members get small counts, and what is worked out from them, suppressed (core.disclosure)."""
    require(request.user, "actions.view_kpis")
    code = request.GET.get("kpi")
    kpi = get_object_or_404(KPI, code=code) if code else None
    small_numbers = allowed(request.user, "actions.see_small_numbers")
    rows = (
        [
            value.kpi.code,
            value.period_end,
            *kpi_value_fields(value, value.kpi, small_numbers=small_numbers),
            value.get_area_display(),
            value.note,
        ]
        for value in selectors.kpi_values_for_export(kpi=kpi).iterator(chunk_size=5000)
    )
    name = f"kpi-values-{kpi.code if kpi else 'all'}"
    if request.GET.get("format") == "xlsx":
        return xlsx_response(f"{name}.xlsx", EXPORT_HEADERS, rows)
    return csv_response(f"{name}.csv", EXPORT_HEADERS, rows)


# --- imports ----------------------------------------------------------------------------------


@login_required
@require_GET
def kpi_import_list(request):
    """Every import: who, when, which file, what it did."""
    require(request.user, "actions.import_kpis")
    page = Paginator(selectors.kpi_imports(), 25).get_page(request.GET.get("page"))
    return render(request, "actions/kpis/import_list.html", {"page_obj": page})


@csrf_exempt
@login_required
def kpi_import_new(request):
    """Upload a file. The size limit is enforced while the upload streams in, which
    needs the upload handler in place before anything reads the body (so CSRF is
    checked just after, by the inner view)."""
    require(request.user, "actions.import_kpis")
    request.upload_handlers.insert(0, ImportSizeLimitHandler(request))
    return _kpi_import_new(request)


@csrf_protect
def _kpi_import_new(request):
    if request.method == "POST":
        form = KPIImportUploadForm(
            request.POST, request.FILES, too_big=bool(getattr(request, "kpi_upload_too_big", False))
        )
        if form.is_valid():
            try:
                kpi_import = services.kpi_import_upload(
                    uploaded_file=form.cleaned_data["file"],
                    user=request.user,
                    amendment_reason=form.cleaned_data["amendment_reason"],
                )
            except FileRefused as exc:
                form.add_error("file", str(exc))
            else:
                return redirect(kpi_import)
    else:
        form = KPIImportUploadForm()
    return render(request, "actions/kpis/import_new.html", {"form": form})


def _in_words(samples: list[dict]) -> list[dict]:
    """Preview samples as people read them: councils by name and number ("Barking and
    Dagenham (301)"), areas in words, UK dates. One query for the councils' names."""
    figures = [sample[key] for sample in samples for key in ("new", "old") if sample.get(key)]
    codes = {figure["area"][3:] for figure in figures if figure["area"].startswith("LA ")}
    names = dict(LocalAuthority.objects.filter(code__in=codes).values_list("code", "name")) if codes else {}
    areas = dict(KPIValue.Area.choices)

    def words(figure: dict) -> dict:
        area = figure["area"]
        if area.startswith("LA "):
            code = area[3:]
            area = f"{names[code]} ({code})" if code in names else f"LA {code}"
        period = uk_date_short(figure["period_end"]) or figure["period_end"]
        return {**figure, "area": areas.get(area, area), "period_end": period}

    return [
        {**sample, **{key: words(sample[key]) for key in ("new", "old") if sample.get(key)}}
        for sample in samples
    ]


@login_required
@require_GET
@never_cache
def kpi_import_detail(request, pk: int):
    """An import's progress, its preview (with the confirm button), its errors or its result."""
    return _import_detail_page(request, _import_for_importer(request.user, pk))


def _import_detail_page(request, kpi_import: KPIImport, *, confirm_form=None, status: int = 200):
    """The import's page; ``confirm_form`` is a refused confirmation, shown with its errors."""
    created = kpi_import.preview.get("created", []) if isinstance(kpi_import.preview, dict) else []
    changed = kpi_import.preview.get("changed", []) if isinstance(kpi_import.preview, dict) else []
    created, changed = _in_words(created), _in_words(changed)
    locked = kpi_import.preview.get("locked", []) if isinstance(kpi_import.preview, dict) else []
    if confirm_form is None and kpi_import.state == KPIImport.State.PREVIEWED and kpi_import.stored_file:
        confirm_form = _confirm_form(kpi_import)
    if confirm_form is not None:
        confirm_form.helper.form_action = reverse("kpi_import_confirm", args=[kpi_import.pk])
    return render(
        request,
        "actions/kpis/import_detail.html",
        {
            "kpi_import": kpi_import,
            "created_samples": created,
            "changed_samples": changed,
            "locked_figures": locked,
            "more_locked": max(kpi_import.rows_locked - len(locked), 0),
            "confirm_form": confirm_form,
            "more_errors": max(kpi_import.error_count - len(kpi_import.errors), 0),
        },
        status=status,
    )


def _confirm_form(kpi_import: KPIImport, data=None) -> KPIImportConfirmForm:
    return KPIImportConfirmForm(data, warnings=len(kpi_import.warnings))


@login_required
@require_POST
def kpi_import_confirm(request, pk: int):
    kpi_import = _import_for_importer(request.user, pk)
    form = _confirm_form(kpi_import, data=request.POST)
    if not form.is_valid():
        # The GOV.UK error summary above the page, linking to the tick.
        return _import_detail_page(request, kpi_import, confirm_form=form, status=400)
    try:
        kpi_import = services.kpi_import_confirm(kpi_import=kpi_import, user=request.user)
    except services.ImportNotAllowed as exc:
        messages.error(request, str(exc))
    else:
        if kpi_import.state == KPIImport.State.DONE:
            messages.success(request, f"Imported {kpi_import.file_name}.")
    return redirect(kpi_import)


@login_required
@require_GET
@never_cache
def kpi_import_status(request, pk: int):
    """An import's progress as JSON, for the progress bar's script."""
    kpi_import = _import_for_importer(request.user, pk)
    return JsonResponse(
        {
            "state": kpi_import.state,
            "label": kpi_import.get_state_display(),
            "rows_processed": kpi_import.rows_processed,
            "rows_total": kpi_import.rows_total,
            "percent": kpi_import.progress_percent,
            "busy": kpi_import.is_busy,
        }
    )


TEMPLATE_NOTES = [
    ["Sheet 1 holds the figures; only the first sheet is read."],
    ["Long layout: one row per figure: kpi_code, period_end, value, numerator, denominator, area, note."],
    ["Wide layout: kpi_code (and optionally area and name), then one column per period end."],
    ["period_end: a date (2025-04-30), or a month (Apr 2025) meaning its last day."],
    ["value: in the KPI's unit; percentages as 0–100, not 0–1."],
    ["area: blank for Havering, or England, London, Statistical neighbours."],
    ["numerator and denominator: whole numbers, numerator no more than denominator."],
    ["Formulas are not calculated: the value Excel saved is taken."],
]


@login_required
@require_GET
def kpi_import_template(request):
    """A workbook to fill in: the chosen layout's headings on the first sheet, the
    current KPI codes on the second, notes on the third."""
    require(request.user, "actions.import_kpis")
    kpis = list(KPI.objects.filter(source=KPI.Source.LOCAL).order_by("code"))
    codes = (
        ["kpi_code", "name", "unit", "frequency", "note"],
        [
            [
                k.code,
                k.name,
                k.get_unit_display(),
                k.get_frequency_display(),
                "Worked out by the portal: import comparator figures only" if k.is_derived else "",
            ]
            for k in kpis
        ],
    )
    if request.GET.get("layout") == "wide":
        periods = [f"{month} 2025" for month in ("Jan", "Feb", "Mar")]
        figures = (["kpi_code", "name", *periods], [[k.code, k.name] for k in kpis if not k.is_derived])
        name = "kpi-figures-wide-template.xlsx"
    else:
        figures = (EXPORT_HEADERS, [])
        name = "kpi-figures-long-template.xlsx"
    workbook = xlsx_bytes(
        {"Figures": figures, "KPI codes": codes, "Notes": (["How to fill in this file"], TEMPLATE_NOTES)}
    )
    response = HttpResponse(workbook, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- statistical-neighbour models (administrators) ---------------------------------------------


@csrf_exempt
@login_required
def neighbour_model_list(request):
    """The loaded models, which is current and Havering's ten in each; the form to upload
    the next. The size limit is enforced while the upload streams in (see kpi_import_new)."""
    require(request.user, "actions.manage_neighbour_models")
    request.upload_handlers.insert(0, ImportSizeLimitHandler(request, limit=neighbours.MAX_BYTES))
    return _neighbour_model_list(request)


@csrf_protect
def _neighbour_model_list(request):
    posted = request.method == "POST"
    data, files = (request.POST, request.FILES) if posted else (None, None)
    # Read after the body is (the upload handler notes a file that was too big).
    too_big = bool(getattr(request, "kpi_upload_too_big", False))
    form = NeighbourModelUploadForm(data, files, too_big=too_big)
    if posted and form.is_valid():
        upload = save_or_show_errors(form, neighbours.neighbour_model_upload, user=request.user)
        if upload is not None:
            return redirect(upload)
    return render(
        request,
        "actions/kpis/neighbour_models.html",
        {"models": neighbours.neighbour_models(), "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@never_cache
def neighbour_model_preview(request, pk: int):
    """What the uploaded model would load (Havering's ten, what it replaces), and the
    confirmation with the date it applies from."""
    upload = get_object_for(request.user, "actions.manage_neighbour_models", NeighbourModelUpload, pk=pk)
    from_file = neighbours.model_for_file(upload.file_name)[1]
    form = NeighbourModelConfirmForm(
        request.POST if request.method == "POST" else None, in_force_from=from_file
    )
    if request.method == "POST" and form.is_valid():
        model = save_or_show_errors(
            form, neighbours.neighbour_model_confirm, upload=upload, user=request.user
        )
        if model is not None:
            messages.success(request, f"Loaded {model.name}, in force from {uk_date(model.in_force_from)}.")
            return redirect("neighbour_model_list")
    # The preview is for the date given, while it is a date; else for the date proposed.
    day = form.cleaned_data.get("in_force_from") if form.is_bound and form.is_valid() else None
    preview = neighbours.neighbour_model_preview(
        upload=upload, in_force_from=day or form.fields["in_force_from"].initial
    )
    return render(
        request,
        "actions/kpis/neighbour_model_preview.html",
        {"upload": upload, "preview": preview, "form": form, "date_from_file": from_file is not None},
        status=400 if form.errors else 200,
    )
