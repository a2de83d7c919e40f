"""The young people's page (easy read) and the message they may send the panel."""

from functools import partial

from django.conf import settings
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from core import ratelimit
from core.client_address import client_address
from core.forms import save_or_show_errors
from participation import services as participation_services
from participation.forms import TellUsForm

from .. import easyread

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
            "page": partial(easyread.young_people_page, today=today),
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
