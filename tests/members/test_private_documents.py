"""Finding 1 of issue 16: appels and attestations are private documents. They are stored outside
the public media tree under names nobody can guess, and only the view that checks the person hands
them out; the public media view serves covers and logos, nothing else."""

import re
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.test import Client
from django.urls import reverse

from members import services
from members.models import Adhesion

from .test_adhesions import IN_CAMPAIGN, filled

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(territory_a, referent_a, staff, django_capture_on_commit_callbacks):
    from .adhesion_factories import CampaignFactory

    campaign = CampaignFactory(year=2018)
    draft = services.adhesion_open(territory=territory_a, campaign=campaign, by=referent_a, today=IN_CAMPAIGN)
    filled(draft, referent_a)
    services.adhesion_submit(adhesion=draft, by=referent_a, today=IN_CAMPAIGN)
    with django_capture_on_commit_callbacks(execute=True):
        services.adhesion_validate(adhesion=draft, by=staff)
    return Adhesion.objects.get(pk=draft.pk)


def test_an_issued_call_is_stored_outside_the_media_tree_under_an_unguessable_name(issued, settings):
    name = issued.call_pdf.name
    assert re.fullmatch(rf"adhesions/appels/[A-Za-z0-9_-]{{22}}/appel-{issued.call_number}\.pdf", name), name
    assert storages["private"].exists(name)
    assert not default_storage.exists(name)
    assert not list(Path(settings.MEDIA_ROOT).rglob("*.pdf"))


def test_no_media_url_hands_out_a_call_whatever_its_name(issued, settings):
    anonymous = Client()
    for path in (
        "/media/adhesions/appels/appel-2018-0001.pdf",
        f"/media/{issued.call_pdf.name}",
        "/media/../private/" + issued.call_pdf.name,
    ):
        assert anonymous.get(path).status_code == 404, path


def test_the_referent_downloads_the_call_through_the_view_that_checks_them(issued, referent_a, referent_b):
    url = reverse("members:adhesion_call_pdf", kwargs={"slug": issued.territory.slug, "year": 2018})
    client = Client()
    client.force_login(referent_b)
    assert client.get(url).status_code == 404
    client.force_login(referent_a)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert response["Cache-Control"] == "private, no-store"
    assert 'filename="appel-2018-pays-a.pdf"' in response["Content-Disposition"]


def test_behind_the_proxy_the_view_hands_the_file_to_it_with_an_internal_redirect(
    issued, referent_a, settings
):
    settings.PRIVATE_MEDIA_ACCEL_REDIRECT = "/_prive/"
    client = Client()
    client.force_login(referent_a)
    response = client.get(reverse("members:adhesion_call_pdf", kwargs={"slug": "pays-a", "year": 2018}))
    assert response.status_code == 200 and response.content == b""
    assert response["X-Accel-Redirect"] == f"/_prive/{issued.call_pdf.name}"


def test_public_media_serves_covers_and_nothing_else_of_the_media_folder(settings):
    default_storage.save("publications/covers/abc.png", ContentFile(b"\x89PNG cover"))
    default_storage.save("publications/pdf/numero-reserve.pdf", ContentFile(b"%PDF members only"))
    client = Client()
    response = client.get("/media/publications/covers/abc.png")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == b"\x89PNG cover"
    for path in (
        "/media/publications/pdf/numero-reserve.pdf",
        "/media/publications/covers/../pdf/numero-reserve.pdf",
        "/media/publications/covers/absente.png",
    ):
        assert client.get(path).status_code == 404, path


def test_the_migration_moves_documents_stored_in_the_public_tree_to_the_private_storage(territory_a):
    import importlib

    from django.apps import apps

    from .adhesion_factories import make_member

    migration = importlib.import_module("members.migrations.0012_private_documents")
    adhesion = make_member(territory_a)
    old = default_storage.save("adhesions/appels/appel-2026-0001.pdf", ContentFile(b"%PDF old call"))
    Adhesion.objects.filter(pk=adhesion.pk).update(call_pdf=old)

    migration.move_documents_to_private_storage(apps, None)
    migration.move_documents_to_private_storage(apps, None)  # a second run changes nothing

    adhesion.refresh_from_db()
    assert not default_storage.exists(old)
    assert re.fullmatch(r"adhesions/appels/[A-Za-z0-9_-]{22}/appel-2026-0001\.pdf", adhesion.call_pdf.name)
    with adhesion.call_pdf.open("rb") as handle:
        assert handle.read() == b"%PDF old call"
