"""Sending Celery tasks from web code: after the transaction commits, never failing a request."""

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def send_on_commit(task, *args, **kwargs) -> None:
    """Queue ``task(*args, **kwargs)`` once the current transaction has committed.

    If the broker is unreachable the request still succeeds: the failure is logged and
    the periodic sweeps (which look for work still to do in the database) send it later.
    """

    def send():
        try:
            task.apply_async(args=args, kwargs=kwargs, retry=False)
        except Exception:
            logger.warning(
                "Could not queue %s%s; a periodic sweep will retry", task.name, args, exc_info=True
            )

    transaction.on_commit(send)
