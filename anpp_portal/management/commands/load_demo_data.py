import importlib
import importlib.util

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

# Each app may have a `demo` module with a `load()` returning the demo accounts it created.
APPS_WITH_DEMO_DATA = ["members", "events", "publications"]


class Command(BaseCommand):
    help = "Load the demo data (idempotent: running it again changes nothing) and print the demo accounts."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Load demo data even with DEBUG off.")

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            # The demo accounts have published passwords: never in production by accident.
            raise CommandError("Refusing to load demo data with DEBUG off (use --force on a test server).")
        accounts = []
        for app in APPS_WITH_DEMO_DATA:
            if importlib.util.find_spec(f"{app}.demo") is None:
                continue
            accounts += importlib.import_module(f"{app}.demo").load() or []
            self.stdout.write(f"Demo data of {app} loaded.")
        self.stdout.write(self.style.SUCCESS("Demo accounts (email / password):"))
        for account in accounts:
            self.stdout.write(f"  {account.email:<36} {account.password:<22} {account.description}")
