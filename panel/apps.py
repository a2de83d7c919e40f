from django.apps import AppConfig


class PanelConfig(AppConfig):
    name = "panel"
    verbose_name = "Corporate Parenting Panel"

    def ready(self):
        from core.cache import tables_changed

        from .warm import after_tables_changed

        tables_changed.connect(after_tables_changed, dispatch_uid="panel.warm.after_tables_changed")
