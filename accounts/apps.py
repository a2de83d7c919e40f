from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Signing in: two-factor codes, single sign-on, password strength, session lifetime."""

    name = "accounts"
    verbose_name = "Accounts and sign-in"

    def ready(self):
        from . import checks  # noqa: F401  (registers the checks)
