"""The session store: Django's database sessions, cheaper under load and never the reason a
committed write is answered as an error.

Fewer writes. With SESSION_SAVE_EVERY_REQUEST every page view rewrote its session row only
to move the idle expiry on: one UPDATE on nearly every request, the most frequent write under
load. Here an unchanged session is written only once its stored expiry is
SESSION_REFRESH_SECONDS behind where it would move to, so the idle timeout is exact to within
that interval (30 minutes idle ends a session after 29-30 minutes). A changed session
(signing in, the second factor, a flash message) is written as before. A new session is
inserted without first looking its random key up (the insert refuses a taken key and Django
draws another), and a session is deleted by one DELETE, not by loading its row first.

A database that has just gone away. Django raises ``SessionInterrupted`` (a 400) whenever the
session row cannot be updated; after a progress update had committed, that told the user it
had failed, and trying again stored it twice. Now only the session is lost (a flash message,
the idle timer's extension), the answer stays the write's own, and the failure is logged. A
session that was deleted meanwhile (signed out elsewhere) is still refused, as Django intends.
"""

import logging

from django.conf import settings
from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import VALID_KEY_CHARS, UpdateError
from django.db import InterfaceError, OperationalError
from django.utils.crypto import get_random_string

logger = logging.getLogger("hcp.sessions")


class SessionStore(db.SessionStore):
    stored_expiry = None

    def _get_session_from_db(self):
        stored = super()._get_session_from_db()
        self.stored_expiry = stored.expire_date if stored else None
        return stored

    def save(self, must_create=False):
        if not must_create and not self.modified and self.stored_expiry is not None:
            behind = self.get_expiry_date() - self.stored_expiry
            if behind.total_seconds() < settings.SESSION_REFRESH_SECONDS:
                return
        try:
            super().save(must_create=must_create)
        except UpdateError as error:
            if not isinstance(error.__context__, OperationalError | InterfaceError):
                raise
            logger.warning(
                "The session could not be saved: the database is unavailable (%s)", error.__context__
            )

    def _get_new_session_key(self):
        return get_random_string(32, VALID_KEY_CHARS)

    def delete(self, session_key=None):
        session_key = session_key or self.session_key
        if session_key is not None:
            self.model.objects.filter(session_key=session_key).delete()
