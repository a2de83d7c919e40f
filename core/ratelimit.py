"""A fixed-window rate limit kept in Django's cache (Redis in production, shared by every
web process; files without Redis). Addresses are hashed before they become cache keys.

It fails open: if the cache cannot be reached, or there is none (the test suite's dummy
cache), the attempt is allowed, so that an outage never stops a young person being heard.
"""

import hashlib
import logging

from django.core.cache import cache

logger = logging.getLogger(__name__)


def allow(*, scope: str, who: str, limit: int, window_seconds: int) -> bool:
    """Count one more attempt by ``who``; False once they made ``limit`` in the window."""
    key = f"ratelimit:{scope}:{hashlib.sha256(who.encode()).hexdigest()}"
    try:
        if cache.add(key, 1, timeout=window_seconds):
            return True
        return cache.incr(key) <= limit
    except ValueError:  # expired (or never stored) between add() and incr()
        return True
    except Exception:
        logger.warning("Rate limit %s not applied: the cache is unreachable", scope, exc_info=True)
        return True
