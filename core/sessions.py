"""Database sessions that skip the idle-timeout write when nothing in them changed.

With SESSION_SAVE_EVERY_REQUEST every page view rewrote its session row only to move the
idle expiry on: one UPDATE on nearly every request, the most frequent write under load.
Here an unchanged session is written only once its stored expiry is SESSION_REFRESH_SECONDS
behind where it would move to, so the idle timeout is exact to within that interval (30
minutes idle ends a session after 29-30 minutes). A changed session (signing in, the second
factor, a flash message) is written as before.

A new session (at sign-in, and again after the second factor) is inserted without first
looking its random key up: the insert refuses a key that is taken, and Django then draws
another (``create()``), so the look-up was a query per sign-in step for nothing. And a
session is deleted (the old key after the second factor, signing out) by one DELETE, not by
loading its row first.
"""

from django.conf import settings
from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.utils.crypto import get_random_string


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
        super().save(must_create)

    def _get_new_session_key(self):
        return get_random_string(32, VALID_KEY_CHARS)

    def delete(self, session_key=None):
        session_key = session_key or self.session_key
        if session_key is not None:
            self.model.objects.filter(session_key=session_key).delete()
