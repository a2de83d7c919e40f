import os

from django.core.management.base import BaseCommand

from accounts.mfa import current_code, hex_key_from_base32, mfa_required
from core.tasking import send_on_commit
from panel.demo import DEFAULT_DEMO_PASSWORD, DEFAULT_DEMO_TOTP_SECRET, DEMO_USERS, seed_all
from panel.tasks import build_due_reports


class Command(BaseCommand):
    help = "Load synthetic demo data and one demo user per role (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=int,
            default=1,
            help="Multiply the volume of demo records (for benchmarks).",
        )

    def handle(self, *args, scale: int, **options):
        if scale < 1:
            self.stderr.write("--scale must be 1 or more.")
            raise SystemExit(2)
        password = os.environ.get("DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD
        secret = os.environ.get("DEMO_TOTP_SECRET") or DEFAULT_DEMO_TOTP_SECRET
        users = seed_all(password=password, scale=scale, totp_secret=secret)
        # The worker builds the reports that are due (the hourly beat task would, later).
        send_on_commit(build_due_reports)
        self.stdout.write(self.style.SUCCESS("Demo data loaded. Sign in with:"))
        for spec in DEMO_USERS:
            self.stdout.write(f"  {spec.username:<14} {spec.role:<22} password: {password}")
        with_code = ", ".join(name for name, user in users.items() if mfa_required(user))
        self.stdout.write(
            f"{with_code} also need a code from an authenticator app.\n"
            f"  Add this key to any TOTP app (all demo users share it): {secret}\n"
            f"  or use the code now ({current_code(hex_key_from_base32(secret))}); "
            "`manage.py demo_code` prints the current one."
        )
