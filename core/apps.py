from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Helpers every app shares (forms, exports, task queueing): no models, no URLs."""

    name = "core"
    verbose_name = "Core"
