"""Pages where participation officers and leads write easy-read words for young people,
and participation officers approve them for the young people's page or take them off."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from actions.models import Action, Commitment, EasyReadText, ProgressUpdate
from core.access import allowed, get_object_for, require
from core.forms import save_or_show_errors

from . import services
from .forms import EasyReadForm
from .readability import check
from .selectors import easy_read_worklist

SUBJECTS = {
    "commitment": Commitment.objects.select_related("theme"),
    "action": Action.objects.select_related("commitment"),
    "update": ProgressUpdate.objects.select_related("action__commitment"),
}


def get_subject_for(user, kind: str, pk: int, *, approve: bool = False):
    """The commitment, action or update, if the user may write (or approve) its words."""
    if kind not in SUBJECTS:
        require(user, "actions.see_easy_read")
        raise Http404("No such kind of text.")
    subject = get_object_for(user, "actions.see_easy_read", SUBJECTS[kind], pk=pk)
    require(user, "actions.approve_easy_read" if approve else "actions.write_easy_read", subject)
    return subject


def _edit_url(kind: str, subject) -> str:
    return reverse("easy_read_edit", args=[kind, subject.pk])


@login_required
def easy_read_list(request):
    require(request.user, "actions.see_easy_read")
    return render(
        request,
        "actions/easyread/list.html",
        {
            **easy_read_worklist(user=request.user),
            "can_approve": allowed(request.user, "actions.approve_easy_read"),
        },
    )


@login_required
def easy_read_edit(request, kind: str, pk: int):
    subject = get_subject_for(request.user, kind, pk)
    item = services.easy_read_for(subject)
    form = EasyReadForm(request.POST or None, initial={"text": item.text if item else ""})
    form.helper.form_action = _edit_url(kind, subject)
    if (
        request.method == "POST"
        and form.is_valid()
        and save_or_show_errors(form, services.easy_read_save, subject=subject, user=request.user)
    ):
        messages.success(request, "Saved. It passed the reading check and now waits for approval.")
        return redirect(_edit_url(kind, subject))
    figures = check(item.text, terms=services.jargon_terms()) if item else None
    return render(
        request,
        "actions/easyread/edit.html",
        {
            "kind": kind,
            "subject": subject,
            "item": item,
            "form": form,
            "figures": figures,
            "shared_by_lead": services.is_shared_by_lead(subject),
            "can_approve": allowed(request.user, "actions.approve_easy_read"),
            "wrote_it": item is not None and item.written_by_id == request.user.pk,
            "wrote_it_words": services.WROTE_IT,
            "can_edit_jargon": request.user.is_staff and request.user.has_perm("actions.change_jargonterm"),
        },
    )


def _item_for(request, kind: str, pk: int) -> tuple[object, EasyReadText]:
    subject = get_subject_for(request.user, kind, pk, approve=True)
    item = services.easy_read_for(subject)
    if item is None:
        raise Http404("No words have been written for it yet.")
    return subject, item


@login_required
@require_POST
def easy_read_approve(request, kind: str, pk: int):
    subject, item = _item_for(request, kind, pk)
    try:
        services.easy_read_approve(item=item, user=request.user)
    except ValidationError as error:
        for problem in error.messages:
            messages.error(request, f"Not approved: {problem}")
    else:
        messages.success(request, "Approved. It is on the young people's page now.")
    return redirect(_edit_url(kind, subject))


@login_required
@require_POST
def easy_read_withdraw(request, kind: str, pk: int):
    subject, item = _item_for(request, kind, pk)
    services.easy_read_withdraw(item=item, user=request.user)
    messages.success(request, "Taken off the young people's page.")
    return redirect(_edit_url(kind, subject))
