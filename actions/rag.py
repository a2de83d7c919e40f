"""Red, amber, green: the one vocabulary every page uses for status.

Each RAG value carries its words as well as its colour, because colour alone must
never carry meaning (WCAG 1.4.1).
"""

from django.db import models


class RAG(models.TextChoices):
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
        """For sorting: what needs attention first."""
        return {"red": 0, "amber": 1, "none": 2, "green": 3, "complete": 4}[self.value]
