"""The easy-read form. It parses; the readability rules live in services.py."""

from django import forms

from core.forms import GovukFormMixin

from .services import MAX_LENGTH


class EasyReadForm(GovukFormMixin, forms.Form):
    submit_label = "Save and check"

    text = forms.CharField(
        label="In words young people use",
        help_text=(
            "Short sentences (15 words or fewer) and everyday words. No names of children or staff. "
            "It is checked when you save."
        ),
        max_length=MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": "Write the words young people will read",
            "max_length": f"Keep it to {MAX_LENGTH} characters or fewer",
        },
    )
