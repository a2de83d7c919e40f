from django.apps import AppConfig


class ActionsConfig(AppConfig):
    name = "actions"
    verbose_name = "Delivery plan"

    def ready(self):
        from . import month_ends

        month_ends.connect()
