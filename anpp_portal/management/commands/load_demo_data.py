import importlib
import importlib.util

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

# Each app may have a `demo` module with a `load()` returning the demo accounts it created, and a
# `finish()` run once every app has loaded (for data that spans apps). billing comes first: the
# members demo issues appels, which need ANPP's billing identity.
APPS_WITH_DEMO_DATA = ["billing", "members", "events", "publications", "resources", "legal"]


class Command(BaseCommand):
    help = "Load the demo data (idempotent: running it again changes nothing) and print the demo accounts."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Load demo data even with DEBUG off.")

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            # The demo accounts have published passwords: never in production by accident.
            raise CommandError("Refusing to load demo data with DEBUG off (use --force on a test server).")
        accounts = []
        modules = [
            importlib.import_module(f"{app}.demo")
            for app in APPS_WITH_DEMO_DATA
            if importlib.util.find_spec(f"{app}.demo") is not None
        ]
        for module in modules:
            accounts += module.load() or []
            self.stdout.write(f"Demo data of {module.__name__.split('.')[0]} loaded.")
        for module in modules:
            if hasattr(module, "finish"):
                module.finish()
        self.stdout.write(self.style.SUCCESS("Demo accounts (email / password):"))
        for account in accounts:
            self.stdout.write(f"  {account.email:<36} {account.password:<22} {account.description}")
