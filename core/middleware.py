"""Request-wide safeguards that no single view should have to remember."""

import logging

from django.core.exceptions import SuspiciousOperation
from django.utils.cache import add_never_cache_headers, patch_cache_control

from core.client_address import client_address

FORM_ENCODED = "application/x-www-form-urlencoded"
security_log = logging.getLogger("hcp.security")


class NulByteInRequest(SuspiciousOperation):
    """A NUL character in the address or a form: PostgreSQL cannot store or compare it."""


class RejectNulBytesMiddleware:
    """Answer 400 to a NUL byte in the path, the query string or a form-encoded body.

    Django's form fields refuse NUL already; this catches what views read directly
    (path converters, filters in the query string), which would otherwise reach the
    database and fail there with a server error. Multipart bodies are left to the
    forms, so that views can still choose their upload handlers.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or _has_nul(request.GET):
            raise NulByteInRequest("NUL byte in the address")
        if request.method == "POST" and request.content_type == FORM_ENCODED and _has_nul(request.POST):
            raise NulByteInRequest("NUL byte in a form")
        return self.get_response(request)


def _has_nul(query_dict) -> bool:
    return any(
        "\x00" in key or any("\x00" in value for value in values) for key, values in query_dict.lists()
    )


class NoStoreForSignedInMiddleware:
    """``Cache-Control: no-store`` on every page and file a signed-in user gets (ASVS 8.2.1).

    Whatever a signed-in user sees may be child-level or unpublished (IV records,
    exports, meeting papers), so no browser or proxy keeps a copy. So is the answer to any
    form sent without signing in (it may repeat what a young person typed). The public
    pages (the young people's page, the accessibility statement, sign-in) are
    ``private, no-cache``: a browser may keep them but asks again each time, and no shared
    cache keeps them (they carry a CSRF token). Static files are served before this runs.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or request.method not in ("GET", "HEAD"):
            add_never_cache_headers(response)
        elif not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_cache=True, max_age=0)
        return response


class RefusalLogMiddleware:
    """Log every refusal of a signed-in user (403, and 404: records hidden from a role answer 404)
    with the user's id, their address, the method and the path; never the query string, which
    may name a child."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code in (403, 404):
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                security_log.warning(
                    "refused status=%s user_id=%s address=%s method=%s path=%s",
                    response.status_code,
                    user.pk,
                    client_address(request),
                    request.method,
                    request.path,
                )
        return response
