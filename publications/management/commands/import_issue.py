"""manage.py import_issue FOLDER: create or update an issue of the magazine from its folder."""

from django.core.management.base import BaseCommand, CommandError

from publications.importer import ImportFormatError
from publications.services import issue_import


class Command(BaseCommand):
    help = "Importe un numéro de « Territoires de Projets » (issue.yaml + un fichier Markdown par article)."

    def add_arguments(self, parser):
        parser.add_argument(
            "folder", help="dossier du numéro, par exemple ../shared/seed/territoires-de-projets-01"
        )

    def handle(self, *args, folder, **options):
        try:
            report = issue_import(folder=folder)
        except ImportFormatError as exc:
            raise CommandError(f"Import refusé, rien n'a été écrit. {exc}") from None
        for line in report.lines():
            self.stdout.write(line)
