"""Factur-X documents are stored under a random folder, like appels and attestations: their name
never tells where another one lies (issue 23, finding 8)."""

import importlib
import re

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import storages

from billing import services
from billing.models import Invoice

from .conftest import called_adhesion

pytestmark = pytest.mark.django_db

RANDOM_FOLDER = r"facturation/[A-Za-z0-9_-]{22}/"


def test_a_rendered_document_is_stored_under_a_random_folder(territory_a, territory_b, staff):
    names = []
    for territory in (territory_a, territory_b):
        appel = called_adhesion(territory, staff).invoices.get(kind=Invoice.Kind.APPEL)
        services.invoice_pdf_render(invoice_id=appel.pk)
        appel.refresh_from_db()
        assert re.fullmatch(RANDOM_FOLDER + re.escape(appel.filename), appel.pdf.name), appel.pdf.name
        names.append(appel.pdf.name)
    # Two documents do not share their folder: one name says nothing of the other.
    assert names[0].rsplit("/", 2)[1] != names[1].rsplit("/", 2)[1]


def test_the_migration_moves_documents_stored_under_guessable_names(territory_a, staff):
    migration = importlib.import_module("billing.migrations.0003_invoice_pdf_unguessable_folder")
    private = storages["private"]
    appel = called_adhesion(territory_a, staff).invoices.get(kind=Invoice.Kind.APPEL)
    old = private.save(f"facturation/{appel.filename}", ContentFile(b"%PDF old appel"))
    Invoice.objects.filter(pk=appel.pk).update(pdf=old)
    missing = called_adhesion(territory_a, staff, year=2019).invoices.get(kind=Invoice.Kind.APPEL)
    Invoice.objects.filter(pk=missing.pk).update(pdf="facturation/absent.pdf")

    migration.move_documents_to_random_folders(apps, None)
    appel.refresh_from_db()
    moved = appel.pdf.name
    migration.move_documents_to_random_folders(apps, None)  # a second run changes nothing

    appel.refresh_from_db()
    assert appel.pdf.name == moved
    assert re.fullmatch(RANDOM_FOLDER + re.escape(appel.filename), moved)
    assert not private.exists(old)
    with appel.pdf.open("rb") as handle:
        assert handle.read() == b"%PDF old appel"
    assert Invoice.objects.get(pk=missing.pk).pdf.name == "facturation/absent.pdf"
