"""Request-wide safeguards that no single view should have to remember."""

from django.core.exceptions import SuspiciousOperation
from django.utils.cache import add_never_cache_headers

FORM_ENCODED = "application/x-www-form-urlencoded"


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
    exports, meeting papers), so no browser or proxy keeps a copy. Public pages and
    static files (served before this runs) stay cacheable.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response
