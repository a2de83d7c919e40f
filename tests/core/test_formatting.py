"""One date helper for the long form and one for the short form, on pages, e-mails and exports."""

from datetime import UTC, date, datetime

import pytest
from django.template import Context, Template

from core.formatting import uk_date, uk_date_short


@pytest.mark.parametrize(
    ("value", "long", "short"),
    [
        (date(2026, 12, 6), "6 December 2026", "6 Dec 2026"),
        (date(2026, 3, 3), "3 March 2026", "3 Mar 2026"),  # no leading zero, either form
        ("2027-01-10", "10 January 2027", "10 Jan 2027"),  # as frozen in a report
        # 23:30 UTC on 30 June is 00:30 on 1 July in London: the day is the local one.
        (datetime(2026, 6, 30, 23, 30, tzinfo=UTC), "1 July 2026", "1 Jul 2026"),
        (None, "", ""),
        ("", "", ""),
        ("not a date", "not a date", "not a date"),
    ],
)
def test_dates_read_the_same_everywhere(value, long, short):
    assert (uk_date(value), uk_date_short(value)) == (long, short)


def test_the_template_filters_are_the_same_functions():
    rendered = Template("{% load portal %}{{ day|uk_date }} / {{ day|uk_date_short }}").render(
        Context({"day": date(2026, 3, 3)})
    )
    assert rendered == "3 March 2026 / 3 Mar 2026"
