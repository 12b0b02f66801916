"""Issue 28, survivors of the mutation run on resources/access.py and resources/selectors.py: who
reads a members-only note's body and files, a draft's, and a draft entry of the Q&A base. Staff as
in production (« Équipe ANPP »), and a staff account lacking the permission beside them."""

from datetime import date

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from resources import services
from resources.models import QAEntry

from ..factories import UserFactory
from .conftest import make_note, pdf_upload

pytestmark = pytest.mark.django_db

BODY = "Paragraphe fictif réservé aux membres"


def _file_status(client, note, attachment):
    return client.get(reverse("resources:attachment", args=[note.slug, attachment.pk])).status_code


def test_staff_read_a_members_only_notes_body_and_file_and_staff_without_the_permission_do_not(
    client, anpp_staff
):
    note = make_note(body=BODY, summary="Résumé fictif")
    attachment = services.attachment_add(note=note, title="Annexe fictive", file=pdf_upload())
    client.force_login(anpp_staff)
    assert BODY in client.get(note.get_absolute_url()).content.decode()
    assert _file_status(client, note, attachment) == 200
    client.force_login(UserFactory(is_staff=True))  # staff, without any permission on notes
    page = client.get(note.get_absolute_url()).content.decode()
    assert "Résumé fictif" in page and BODY not in page
    assert _file_status(client, note, attachment) == 404


def test_a_drafts_body_and_file_are_a_staff_preview_only(client, member, anpp_staff):
    note = make_note(body=BODY, publish=False)
    attachment = services.attachment_add(note=note, title="Annexe fictive", file=pdf_upload())
    assert _file_status(client, note, attachment) == 404
    client.force_login(member)
    assert client.get(note.get_absolute_url()).status_code == 404
    assert _file_status(client, note, attachment) == 404
    client.force_login(anpp_staff)
    assert BODY in client.get(note.get_absolute_url()).content.decode()
    assert _file_status(client, note, attachment) == 200


def test_a_draft_entry_of_the_qa_base_is_a_preview_for_staff_holding_its_permission_only(
    client, member, anpp_staff
):
    entry = services.qa_entry_save(
        entry=QAEntry(title="Entrée fictive en brouillon", date=date(2018, 1, 1), answer="Réponse fictive.")
    )
    QAEntry.objects.filter(pk=entry.pk).update(is_published=False)
    url = reverse("resources:qa_entry", args=[entry.slug])
    client.force_login(member)
    assert client.get(url).status_code == 404
    client.force_login(anpp_staff)
    response = client.get(url)
    assert response.status_code == 200 and "Réponse fictive." in response.content.decode()
    notes_only = UserFactory(is_staff=True)  # may read notes, not the Q&A base's drafts
    notes_only.user_permissions.add(Permission.objects.get(codename="view_note"))
    client.force_login(notes_only)
    assert client.get(url).status_code == 404
