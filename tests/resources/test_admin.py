"""Staff of the group « Équipe ANPP » publish notes and edit the Q&A base in the admin, in French."""

import pytest
from django.urls import reverse

from resources.models import Note, QAEntry

from .conftest import make_note

pytestmark = pytest.mark.django_db


def test_staff_of_the_group_reach_every_list_and_form_of_the_app_in_french(client, anpp_staff):
    client.force_login(anpp_staff)
    for model in ("note", "theme", "qaentry", "themefollow"):
        for view in ("changelist", "add"):
            response = client.get(reverse(f"admin:resources_{model}_{view}"))
            assert response.status_code == 200, (model, view)
    page = client.get(reverse("admin:resources_note_add")).content.decode()
    for label in ("Type de note", "Résumé", "Visibilité", "Publication programmée le", "Fichiers joints"):
        assert label in page


def test_the_publish_action_publishes_and_announces_once(
    client, anpp_staff, member, themes, send_outbox, django_capture_on_commit_callbacks
):
    from resources import services

    services.themes_follow_set(user=member, themes=[themes[0]])
    note = make_note(title="Note en brouillon", themes=[themes[0]], publish=False)
    client.force_login(anpp_staff)
    changelist = reverse("admin:resources_note_changelist")
    for _ in range(2):  # a second click changes nothing
        with django_capture_on_commit_callbacks(execute=True):
            client.post(changelist, {"action": "publish", "_selected_action": [note.pk]})
    note.refresh_from_db()
    assert note.status == Note.Status.PUBLISHED
    assert [m.to for m in send_outbox()] == [[member.email]]


def test_a_qa_entry_saved_in_the_admin_is_rendered_and_searchable(client, anpp_staff, member):
    from resources import selectors

    client.force_login(anpp_staff)
    response = client.post(
        reverse("admin:resources_qaentry_add"),
        {
            "title": "Un congé de mobilité ?",
            "slug": "conge-de-mobilite",
            "date": "15/01/2018",
            "answer": "Non, *pas* pour les salariés.",
            "signature": "",
            "is_published": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = QAEntry.objects.get()
    assert "<em>pas</em>" in entry.answer_html
    assert [e.pk for e in selectors.qa_entries(user=member, q="salarie").object_list] == [entry.pk]
