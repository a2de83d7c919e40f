"""Sending Celery tasks from web code: after the transaction commits, never failing a request."""

import logging

from django.db import transaction

from havering_cp.celery import app

logger = logging.getLogger(__name__)


def send_now(task, *args, **kwargs) -> bool:
    """Queue ``task(*args, **kwargs)`` now (``task``: a task or a task's registered name);
    whether the broker took it. Never raises: if the broker is unreachable the failure is
    logged and the caller goes on (a periodic sweep, or the next write, sends it again)."""
    name = task if isinstance(task, str) else task.name
    try:
        app.send_task(name, args=args, kwargs=kwargs, retry=False)
    except Exception:
        logger.warning("Could not queue %s%s; a periodic sweep will retry", name, args, exc_info=True)
        return False
    return True


def send_on_commit(task, *args, **kwargs) -> None:
    """Queue ``task(*args, **kwargs)`` once the current transaction has committed.

    ``task`` is a task, or a task's registered name (for a module that the task's own
    module imports, which cannot import it back).

    If the broker is unreachable the request still succeeds (``send_now``): the periodic
    sweeps (which look for work still to do in the database) send it later.
    """
    transaction.on_commit(lambda: send_now(task, *args, **kwargs))
