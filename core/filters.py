"""What a list page is narrowed to, as a frozen dataclass built from its filter form."""


class Filters:
    """Base for a list's filters (a frozen dataclass whose fields are the form's): empty
    fields mean "everything", and a Filters with every field empty is false."""

    @classmethod
    def from_cleaned_data(cls, data: dict):
        """The filters a valid (or partly valid) filter form chose; the rest left empty."""
        return cls(**{name: data[name] for name in cls.__dataclass_fields__ if data.get(name)})

    def __bool__(self) -> bool:
        return any(vars(self).values())

    def key(self) -> tuple:
        """The chosen filters as plain values (a record by its primary key), for a cache key:
        query parameters that are not filters, or filters left empty, make no difference."""
        return tuple((name, getattr(value, "pk", value)) for name, value in vars(self).items() if value)
