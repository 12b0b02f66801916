from django.core.management.base import BaseCommand

from members import demo as members_demo


class Command(BaseCommand):
    help = "Load the demo data (idempotent: running it again changes nothing) and print the demo accounts."

    def handle(self, *args, **options):
        accounts = members_demo.load()
        self.stdout.write(self.style.SUCCESS("Demo data loaded. Demo accounts (email / password):"))
        for account in accounts:
            self.stdout.write(f"  {account.email:<36} {account.password:<22} {account.description}")
