"""Create or update the test provider's signing key, client and users from one JSON document:

{"client": {"client_id": ..., "client_secret": ..., "redirect_uri": ...},
 "users": [{"username": ..., "password": ..., "email": ..., "groups": [...]}]}

A user's groups are replaced by the ones given (``amr:mfa`` among them marks a second factor).
"""

import json

from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.core.management.base import BaseCommand
from oidc_provider.models import Client, ResponseType, RSAKey


class Command(BaseCommand):
    def add_arguments(self, parser):
        parser.add_argument("spec")

    def handle(self, *args, spec, **options):
        spec = json.loads(spec)
        if not RSAKey.objects.exists():
            call_command("creatersakey")
        if "client" in spec:
            data = spec["client"]
            client, _ = Client.objects.update_or_create(
                client_id=data["client_id"],
                defaults={
                    "name": "Portal",
                    "client_type": "confidential",
                    "client_secret": data["client_secret"],
                    "jwt_alg": "RS256",
                    "require_consent": False,
                    "_redirect_uris": data["redirect_uri"],
                },
            )
            client.response_types.set([ResponseType.objects.get(value="code")])
        for data in spec.get("users", []):
            user, _ = User.objects.get_or_create(username=data["username"])
            user.email = data["email"]
            user.first_name = data.get("first_name", "")
            user.last_name = data.get("last_name", "")
            user.set_password(data["password"])
            user.save()
            user.groups.set([Group.objects.get_or_create(name=name)[0] for name in data["groups"]])
