from django.apps import AppConfig

from . import cache


class CoreConfig(AppConfig):
    """Helpers every app shares (forms, exports, task queueing, the cache): no models, no URLs."""

    name = "core"
    verbose_name = "Core"

    def ready(self):
        cache.install()
