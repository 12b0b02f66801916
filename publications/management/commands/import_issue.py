"""manage.py import_issue FOLDER [--publish]: create or update an issue of the magazine from its folder."""

from django.core.management.base import BaseCommand, CommandError

from publications.importer import ImportFormatError
from publications.services import PublicationError, issue_import


class Command(BaseCommand):
    help = (
        "Importe un numéro de « Territoires de Projets » (issue.yaml + un fichier Markdown par article). "
        "Le numéro importé reste un brouillon, invisible du public, sauf avec --publish."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "folder", help="dossier du numéro, par exemple publications/content/territoires-de-projets-01"
        )
        parser.add_argument(
            "--publish",
            action="store_true",
            help="publier le numéro après l'import (et l'annoncer aux abonnés de la lettre, une seule fois)",
        )

    def handle(self, *args, folder, publish=False, **options):
        try:
            report = issue_import(folder=folder, publish=publish)
        except ImportFormatError as exc:
            raise CommandError(f"Import refusé, rien n'a été écrit. {exc}") from None
        except PublicationError as exc:
            raise CommandError(f"Publication refusée, rien n'a été écrit. {exc}") from None
        for line in report.lines():
            self.stdout.write(line)
