"""Disclosure control: the one place that decides which figures about children a panel
member may see. As the Department for Education does, a count from 1 to
``settings.DISCLOSURE_THRESHOLD`` (5 unless set) is suppressed, and any figure worked out
from a suppressed count (a percentage, a median, a longest wait) is suppressed with it.
Zero is shown: "none" discloses nothing about a child.

Functions on plain numbers, so pages, charts, exports, frozen reports and e-mails can
all call them; ``small_numbers=True`` is for staff who may see the figures as recorded.
"""

from django.conf import settings

# What a figure worked out from a suppressed count reads: "5 or fewer" would misread as a
# percentage or a number of days.
WITHHELD = "not shown"


def threshold() -> int:
    return settings.DISCLOSURE_THRESHOLD


def suppressed_words() -> str:
    """What a panel member reads in place of a suppressed figure."""
    return f"{threshold()} or fewer"


def is_disclosive(count) -> bool:
    """True for a count that would let a child be identified: 1 to the threshold."""
    if count is None:
        return False
    return 0 < count <= threshold()


def any_disclosive(*counts) -> bool:
    return any(is_disclosive(count) for count in counts)


def count(number, *, small_numbers: bool = False):
    """The count itself, or the suppression words."""
    if small_numbers or not is_disclosive(number):
        return number
    return suppressed_words()


def worked_out(figure, *counts, small_numbers: bool = False):
    """A figure worked out from ``counts`` (a percentage from its numerator and
    denominator, a median from the matches it is the median of): shown only when none of
    them is suppressed, since otherwise it gives them away ("75%" beside "3 of 4")."""
    if small_numbers or not any_disclosive(*counts):
        return figure
    return WITHHELD
