"""A fixed-window rate limit kept in Django's cache (Redis in production, shared by
every web process). Addresses are hashed before they become cache keys."""

import hashlib

from django.core.cache import cache


def allow(*, scope: str, who: str, limit: int, window_seconds: int) -> bool:
    """Count one more attempt by ``who``; False once they made ``limit`` in the window."""
    key = f"ratelimit:{scope}:{hashlib.sha256(who.encode()).hexdigest()}"
    if cache.add(key, 1, timeout=window_seconds):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, timeout=window_seconds)
        return True
    return count <= limit
