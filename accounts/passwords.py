"""Password strength: zxcvbn's estimate (offline, its word lists ship in the package)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from zxcvbn import zxcvbn

# zxcvbn scores at most 72 characters (it raises on more); a longer password is checked on its
# first 72 and is not weaker for the rest.
ESTIMATE_CHARS = 72


class ZxcvbnValidator:
    """Refuse passwords that zxcvbn scores below ``min_score`` (0 to 4), with its advice."""

    def __init__(self, min_score: int | None = None):
        self.min_score = settings.PASSWORD_MIN_SCORE if min_score is None else min_score

    def validate(self, password, user=None):
        inputs = [getattr(user, name, "") or "" for name in ("username", "first_name", "last_name", "email")]
        result = zxcvbn(password[:ESTIMATE_CHARS], user_inputs=[value for value in inputs if value])
        if result["score"] >= self.min_score:
            return
        feedback = result["feedback"]
        advice = " ".join(filter(None, [feedback.get("warning"), *feedback.get("suggestions", [])]))
        raise ValidationError(
            f"This password is too easy to guess. {advice}".strip(), code="password_too_guessable"
        )

    def get_help_text(self):
        return "Your password must be hard to guess: a few unrelated words make a good one."
