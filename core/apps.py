from django.apps import AppConfig

from . import cache


class CoreConfig(AppConfig):
    """Helpers every app shares (forms, exports, task queueing, the cache): no URLs, and one
    model, the database's identity for the cache's keys."""

    name = "core"
    verbose_name = "Core"

    def ready(self):
        cache.install()
