"""How people are named on every page, export, e-mail and report."""


def person_name(user) -> str:
    """The user's full name, or their username when they have none; "" for nobody."""
    if user is None:
        return ""
    return user.get_full_name() or user.username
