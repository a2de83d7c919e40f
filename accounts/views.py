"""Two-factor sign-in pages: set up an authenticator app, enter a code, new backup codes."""

import logging

import segno
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache

from core.client_address import client_address

from . import mfa
from .forms import CodeForm, EnrolForm, NewBackupCodesForm

security_log = logging.getLogger("hcp.security")
MAX_NEXT_CHARS = 2000


def _next_url(request) -> str:
    """Where to go after the code: a path on this site, else the home page."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False)
    if allowed and target.startswith("/") and len(target) <= MAX_NEXT_CHARS:
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@never_cache
@login_required
def mfa_verify(request):
    """Second step of signing in for accounts with an authenticator app."""
    if mfa.session_verified(request.session):
        return HttpResponseRedirect(_next_url(request))
    device = mfa.confirmed_app_device(request.user)
    if not device:
        return redirect("mfa_setup")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        wait = mfa.seconds_until_codes_accepted(device)
        if mfa.verify_code(request=request, code=form.cleaned_data["code"]):
            security_log.info("mfa verified user_id=%s", request.user.pk)
            return HttpResponseRedirect(_next_url(request))
        security_log.warning(
            "mfa code refused user_id=%s address=%s", request.user.pk, client_address(request)
        )
        form.add_error("code", mfa.code_refused_message(wait))
    return render(request, "accounts/mfa_verify.html", {"form": form, "next": _next_url(request)})


@never_cache
@login_required
def mfa_setup(request):
    """Enrol an authenticator app: scan the QR code (drawn here, no outside service), confirm with a code."""
    if mfa.confirmed_app_device(request.user):
        return redirect("mfa_verify")
    form = EnrolForm(request.POST or None)
    hex_key = mfa.pending_key(request.session)
    if request.method != "POST" or hex_key is None:
        # Each opening of the page shows a new key, kept in this session only.
        hex_key = mfa.pending_key_new(request.session)
        form = EnrolForm()
    elif form.is_valid():
        codes = mfa.mfa_enrol_confirm(request=request, code=form.cleaned_data["code"])
        if codes is not None:
            security_log.info("mfa enrolled user_id=%s", request.user.pk)
            return render(
                request,
                "accounts/backup_codes.html",
                {"codes": codes, "next": _next_url(request), "new": True},
            )
        form.add_error("code", mfa.WRONG_CODE)
    qr = segno.make(mfa.config_url(user=request.user, hex_key=hex_key), error="m")
    return render(
        request,
        "accounts/mfa_setup.html",
        {
            "form": form,
            "qr_data_uri": qr.svg_data_uri(scale=5, dark="#0b0c0c", light="#ffffff"),
            "secret": mfa.base32_secret(hex_key),
            "next": _next_url(request),
        },
    )


@never_cache
@login_required
def backup_codes(request):
    """How many backup codes are left; a new set replaces the old one."""
    if not mfa.session_verified(request.session) or not mfa.confirmed_app_device(request.user):
        return redirect("mfa_setup")
    form = NewBackupCodesForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = mfa.backup_codes_replace(user=request.user)
        security_log.info("mfa backup codes replaced user_id=%s", request.user.pk)
        return render(request, "accounts/backup_codes.html", {"codes": codes, "next": "/", "new": False})
    return render(
        request,
        "accounts/backup_codes_status.html",
        {"form": form, "left": mfa.backup_codes_left(request.user)},
    )
