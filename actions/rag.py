"""Red, amber, green: the one vocabulary every page uses for status.

Each RAG value carries its words as well as its colour, because colour alone must
never carry meaning (WCAG 1.4.1).
"""

from django.db import models


class RAG(models.TextChoices):
    # Declared in the one order every page, report and summary lists them: what needs
    # attention first, then done, then what has no rating.
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"
    COMPLETE = "complete", "Complete"
    NONE = "none", "No rating"

    @property
    def tag_class(self) -> str:
        return {
            "red": "govuk-tag--red",
            "amber": "govuk-tag--orange",
            "green": "govuk-tag--green",
            "complete": "govuk-tag--blue",
            "none": "govuk-tag--grey",
        }[self.value]

    @property
    def severity(self) -> int:
        """For sorting: the rating's place in ``RAG_ORDER``."""
        return RAG_ORDER.index(self)


RAG_ORDER: tuple[RAG, ...] = tuple(RAG)
