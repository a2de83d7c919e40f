from django.apps import AppConfig


class ParticipationConfig(AppConfig):
    name = "participation"
    verbose_name = "Participation and Independent Visitors"

    def ready(self):
        from actions.extensions import register_action_section

        from .views import action_feedback_section

        register_action_section(action_feedback_section)
