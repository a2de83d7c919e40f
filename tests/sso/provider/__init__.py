"""A tiny OpenID provider (django-oidc-provider) that the single sign-on tests run in a
second process, standing in for Microsoft Entra ID: it signs users in with a password,
issues RS256 ID tokens carrying a ``groups`` claim and an ``amr`` claim, and serves
userinfo and its keys. Its own settings and database; nothing is shared with the portal."""
