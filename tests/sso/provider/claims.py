"""What the test provider says about a user, as Entra would.

The user's Django groups on the provider are its directory groups: their names go in the
ID token's ``groups`` claim, except those named ``amr:<method>``, which say how the user
signed in (``amr:mfa`` for a second factor) and go in the ``amr`` claim.
"""

AMR_PREFIX = "amr:"


def _group_names(user) -> list[str]:
    return sorted(user.groups.values_list("name", flat=True))


def id_token(id_token, user, **kwargs):
    names = _group_names(user)
    id_token["groups"] = [name for name in names if not name.startswith(AMR_PREFIX)]
    id_token["amr"] = [
        "pwd",
        *(name.removeprefix(AMR_PREFIX) for name in names if name.startswith(AMR_PREFIX)),
    ]
    return id_token


def userinfo(claims, user):
    claims["email"] = user.email
    claims["given_name"] = user.first_name
    claims["family_name"] = user.last_name
    return claims
