"""Logging filters."""

import logging


class DropQueryString(logging.Filter):
    """Takes the query string out of the development server's access log (``django.server``).

    A child's reference typed into the Django admin's search travels in the query string;
    gunicorn's access log (deploy/gunicorn.conf.py) already leaves it out, and so does this.
    The request line is the record's first argument: ``"GET /admin/?q=… HTTP/1.1"``.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and record.args and isinstance(record.args[0], str):
            record.args = (strip_query_string(record.args[0]), *record.args[1:])
        return True


def strip_query_string(request_line: str) -> str:
    parts = request_line.split(" ")
    if len(parts) >= 2 and "?" in parts[1]:
        parts[1] = parts[1].split("?", 1)[0] + "?…"
    return " ".join(parts)


class OneLineRefusals(logging.Filter):
    """A refusal (403) is news, not a fault: one line, once.

    django.request logs each PermissionDenied with its whole traceback. A signed-in user's
    refusal is already logged as one line, with their id, by ``RefusalLogMiddleware``: that
    record is dropped here; any other loses its traceback.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) != 403:
            return True
        user = getattr(getattr(record, "request", None), "user", None)
        if user is not None and user.is_authenticated:
            return False
        record.exc_info = None
        record.exc_text = None
        return True
