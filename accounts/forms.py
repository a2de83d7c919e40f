from django import forms

from core.forms import GovukFormMixin

CODE_WIDGET_ATTRS = {
    "autocomplete": "one-time-code",
    "spellcheck": "false",
    "autocapitalize": "none",
    "class": "govuk-input--width-10",
}


class CodeForm(GovukFormMixin, forms.Form):
    """A code from the authenticator app, or one of the backup codes."""

    submit_label = "Continue"

    code = forms.CharField(
        label="Code",
        max_length=20,
        help_text="The 6-digit code your authenticator app shows now, or one of your backup codes.",
        widget=forms.TextInput(attrs=CODE_WIDGET_ATTRS),
        error_messages={"required": "Enter the code from your authenticator app"},
    )


class EnrolForm(GovukFormMixin, forms.Form):
    submit_label = "Turn on two-factor sign-in"

    code = forms.CharField(
        label="Code from the app",
        max_length=20,
        help_text="After adding the portal to your app, enter the 6-digit code it shows.",
        widget=forms.TextInput(attrs={**CODE_WIDGET_ATTRS, "inputmode": "numeric"}),
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
    )


class NewBackupCodesForm(GovukFormMixin, forms.Form):
    submit_label = "Make new backup codes"
