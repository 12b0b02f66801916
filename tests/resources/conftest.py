from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from members.models import Role
from resources import services
from resources.models import Note, Theme

from ..factories import MembershipFactory, StaffFactory
from ..members.adhesion_factories import make_member

PDF_BYTES = b"%PDF-1.4\n% note de test\n%%EOF\n"


def pdf_upload(name="note.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def make_note(
    *,
    title="Une note",
    body="Texte de la note.",
    summary="Résumé de la note.",
    themes=(),
    publish=True,
    **fields,
):
    fields.setdefault("kind", Note.Kind.ANALYSIS)
    fields.setdefault("date", date(2018, 1, 15))
    fields.setdefault("visibility", Note.Visibility.MEMBERS)
    note = services.note_save(
        note=Note(title=title, body=body, summary=summary, **fields), themes=list(themes)
    )
    if publish:
        services.note_publish(note=note)
        note.refresh_from_db()
    return note


@pytest.fixture
def themes(db):
    return [
        Theme.objects.create(name="Mobilités", slug="mobilites", position=1),
        Theme.objects.create(name="Santé", slug="sante", position=2),
        Theme.objects.create(name="Contrats de ruralité", slug="contrats-de-ruralite", position=3),
    ]


@pytest.fixture
def member(territory_a):
    """A person of territory A, whose adhésion is paid."""
    make_member(territory_a)
    return MembershipFactory(territory=territory_a, role=Role.MEMBRE).user


@pytest.fixture
def non_member(territory_b):
    """A person of territory B, which has no adhésion."""
    return MembershipFactory(territory=territory_b, role=Role.MEMBRE).user


@pytest.fixture
def anpp_staff(db):
    return StaffFactory()
