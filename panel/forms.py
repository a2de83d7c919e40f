from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm

from havering_cp.forms import GovukFormMixin


class SignInForm(GovukFormMixin, AuthenticationForm):
    submit_label = "Sign in"


class ChangePasswordForm(GovukFormMixin, PasswordChangeForm):
    submit_label = "Change password"
