"""The session store: Django's database sessions, except that a session that cannot be
saved because the database has just gone away (a restart) no longer turns the answer
to a write that committed into an error.

Django raises ``SessionInterrupted`` (a 400) whenever the session row cannot be updated;
after a progress update had committed, that told the user it had failed, and trying again
stored it twice. Now only the session is lost (a flash message, the idle timer's
extension), the answer stays the write's own, and the failure is logged. A session that
was deleted meanwhile (signed out elsewhere) is still refused, as Django intends.
"""

import logging

from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import InterfaceError, OperationalError

logger = logging.getLogger("hcp.sessions")


class SessionStore(DatabaseSessionStore):
    def save(self, must_create=False):
        try:
            super().save(must_create=must_create)
        except UpdateError as error:
            if not isinstance(error.__context__, OperationalError | InterfaceError):
                raise
            logger.warning(
                "The session could not be saved: the database is unavailable (%s)", error.__context__
            )
