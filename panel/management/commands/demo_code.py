import os

from django.core.management.base import BaseCommand

from accounts.mfa import current_code, hex_key_from_base32
from panel.demo import DEFAULT_DEMO_TOTP_SECRET


class Command(BaseCommand):
    help = "Print the current two-factor code of the demo users (their shared key, DEMO_TOTP_SECRET)."

    def handle(self, *args, **options):
        secret = os.environ.get("DEMO_TOTP_SECRET") or DEFAULT_DEMO_TOTP_SECRET
        self.stdout.write(current_code(hex_key_from_base32(secret)))
