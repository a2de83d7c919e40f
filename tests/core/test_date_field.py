"""The GOV.UK date input: one message per date that names it, the boxes at fault marked,
number keys on a phone, and today as the default where the date is usually today."""

from datetime import date

import pytest
from django import forms
from django.utils import timezone

from actions.templatetags.portal import error_links
from core.forms import GovukDateField
from participation.iv.forms import ReferralForm, VisitForm

pytestmark = pytest.mark.django_db


class DateForm(forms.Form):
    held_on = GovukDateField(label="Date of the session")


def errors_for(day, month, year):
    form = DateForm(data={"held_on_0": day, "held_on_1": month, "held_on_2": year})
    assert not form.is_valid()
    return form


@pytest.mark.parametrize(
    ("parts", "message", "box"),
    [
        (("", "", ""), "Enter the date of the session", 0),
        (("3", "", "2026"), "Date of the session must include a month", 1),
        (("", "", "2026"), "Date of the session must include a day and month", 0),
        (("3", "x", "2026"), "Date of the session must be a real date", 1),
        (("31", "2", "2026"), "Date of the session must be a real date", 0),
        (("3", "4", "26"), "The year of the date of the session must have 4 numbers, for example 2025", 2),
    ],
)
def test_a_bad_date_gets_one_message_naming_it_and_a_link_to_the_box_at_fault(parts, message, box):
    form = errors_for(*parts)
    assert form.errors["held_on"] == [message]
    assert error_links(form) == [(f"id_held_on_{box}", message)]


def test_a_real_date_is_accepted():
    form = DateForm(data={"held_on_0": "3", "held_on_1": "4", "held_on_2": "2026"})
    assert form.is_valid()
    assert form.cleaned_data["held_on"] == date(2026, 4, 3)


def test_the_date_boxes_ask_a_phone_for_number_keys_and_keep_their_narrow_widths():
    html = str(DateForm()["held_on"])
    assert html.count('inputmode="numeric"') == 3
    assert html.count("govuk-input--width-2") == 2 and html.count("govuk-input--width-4") == 1


def test_dates_that_are_usually_today_start_as_today():
    today = timezone.localdate()
    for form, name in ((ReferralForm(), "received_on"), (VisitForm(), "visited_on")):
        html = str(form[name])
        assert f'value="{today.day}"' in html and f'value="{today.year}"' in html, name
    assert 'value="' not in str(ReferralForm()["date_of_birth"])
