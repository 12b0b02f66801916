import importlib
import importlib.util

from django.core.management.base import BaseCommand

# Each app may have a `demo` module with a `load()` returning the demo accounts it created.
APPS_WITH_DEMO_DATA = ["members", "events", "publications"]


class Command(BaseCommand):
    help = "Load the demo data (idempotent: running it again changes nothing) and print the demo accounts."

    def handle(self, *args, **options):
        accounts = []
        for app in APPS_WITH_DEMO_DATA:
            if importlib.util.find_spec(f"{app}.demo") is None:
                continue
            accounts += importlib.import_module(f"{app}.demo").load() or []
            self.stdout.write(f"Demo data of {app} loaded.")
        self.stdout.write(self.style.SUCCESS("Demo accounts (email / password):"))
        for account in accounts:
            self.stdout.write(f"  {account.email:<36} {account.password:<22} {account.description}")
