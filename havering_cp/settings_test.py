"""Test settings: the real settings, with the few changes a test run needs."""

import os
import tempfile
from pathlib import Path

from .settings import *  # noqa: F403

# Hashing passwords slowly is a production virtue and a test-suite cost.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tests and the live server read assets straight from the finders; no collectstatic.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Serve static files from the finders, as runserver does; no STATIC_ROOT needed.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# Uploaded papers go to a throw-away folder, never the project's media/.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="hcp-test-media-"))
# No cache unless a test asks for one (tests/core/test_cache.py): a test's writes are rolled
# back, never committed, so they would not move the table versions that cached entries rest on.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
# Nor pages computed in the background (panel/warm.py) unless a test turns it on.
CACHE_WARMING = False

# Under pytest-xdist each test process (gw0, gw1, …) has a database of its own (pytest-django
# adds the suffix) and a Celery queue of its own, so one process's worker never takes the
# tasks another process's tests sent.
TEST_PROCESS = os.environ.get("PYTEST_XDIST_WORKER", "")
if TEST_PROCESS:
    CELERY_TASK_DEFAULT_QUEUE = f"hcp-test-{TEST_PROCESS}"
