"""Notes: published by staff, read by members, summarised for everyone else."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from resources import services
from resources.models import Note

from .conftest import make_note, pdf_upload

pytestmark = pytest.mark.django_db

BODY_MARKER = "Paragraphe réservé sur les mobilités rurales"


def test_a_note_body_is_rendered_from_markdown_and_sanitised():
    note = make_note(body="**Gras** <script>alert(1)</script> [lien](javascript:alert(1))")
    assert "<strong>Gras</strong>" in note.body_html
    assert "<script" not in note.body_html
    assert "javascript:" not in note.body_html


def test_a_note_goes_from_draft_to_scheduled_to_published_once():
    note = make_note(publish=False)
    assert note.status == Note.Status.DRAFT
    services.note_schedule(note=note, publish_at=timezone.now() + timedelta(hours=1))
    assert services.notes_publish_due() == 0
    assert services.notes_publish_due(now=timezone.now() + timedelta(hours=2)) == 1
    note.refresh_from_db()
    assert note.status == Note.Status.PUBLISHED and note.published_at is not None
    assert services.note_publish(note=note) is False  # already published: nothing again


def test_a_scheduled_note_needs_a_date():
    note = make_note(publish=False)
    note.status = Note.Status.SCHEDULED
    with pytest.raises(ValidationError):
        services.note_save(note=note)


def test_only_a_pdf_can_be_attached():
    note = make_note()
    with pytest.raises(ValidationError):
        services.attachment_add(note=note, title="Pas un PDF", file=pdf_upload("x.pdf", b"GIF89a..."))
    attachment = services.attachment_add(note=note, title="Annexe", file=pdf_upload())
    assert attachment.file.name.startswith("ressources/notes/")


def test_the_list_filters_by_kind_theme_and_year(client, themes):
    make_note(
        title="Analyse des mobilités", kind=Note.Kind.ANALYSIS, themes=[themes[0]], date=date(2018, 3, 1)
    )
    make_note(title="Synthèse santé", kind=Note.Kind.SYNTHESIS, themes=[themes[1]], date=date(2019, 3, 1))
    make_note(title="Brouillon caché", publish=False)
    url = reverse("resources:list")

    def titles(query):
        page = client.get(url, query).context["page"]
        return [note.title for note in page.object_list]

    assert titles({}) == ["Synthèse santé", "Analyse des mobilités"]
    assert titles({"type": "analyse"}) == ["Analyse des mobilités"]
    assert titles({"theme": "sante"}) == ["Synthèse santé"]
    assert titles({"annee": "2018"}) == ["Analyse des mobilités"]
    assert titles({"annee": "pas-une-annee"}) == ["Synthèse santé", "Analyse des mobilités"]


def test_the_list_runs_the_same_queries_for_one_note_or_many(client, themes, django_assert_max_num_queries):
    make_note(title="Première", themes=themes)
    with django_assert_max_num_queries(12) as one:
        client.get(reverse("resources:list"))
    for n in range(15):
        make_note(title=f"Note {n}", themes=themes)
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(reverse("resources:list"))


def test_a_non_member_reads_the_summary_and_how_to_join_never_the_body_or_files(client, non_member):
    note = make_note(summary="Un résumé public", body=BODY_MARKER)
    services.attachment_add(note=note, title="Annexe réservée", file=pdf_upload())
    for who in (None, non_member):
        client.logout()
        if who:
            client.force_login(who)
        page = client.get(note.get_absolute_url()).content.decode()
        assert "Un résumé public" in page
        assert BODY_MARKER not in page
        assert "Annexe réservée" not in page
        assert reverse("members:join") in page


def test_a_member_reads_the_body_and_downloads_the_file(client, member):
    note = make_note(body=BODY_MARKER)
    attachment = services.attachment_add(note=note, title="Annexe réservée", file=pdf_upload())
    client.force_login(member)
    page = client.get(note.get_absolute_url()).content.decode()
    assert BODY_MARKER in page and "Annexe réservée" in page
    response = client.get(reverse("resources:attachment", args=[note.slug, attachment.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert response["Cache-Control"] == "private, no-store"


def test_the_file_of_a_members_only_note_is_a_404_for_others(client, non_member):
    note = make_note()
    attachment = services.attachment_add(note=note, title="Annexe", file=pdf_upload())
    url = reverse("resources:attachment", args=[note.slug, attachment.pk])
    assert client.get(url).status_code == 404
    client.force_login(non_member)
    assert client.get(url).status_code == 404


def test_the_file_of_a_public_note_is_open_to_all(client):
    note = make_note(visibility=Note.Visibility.PUBLIC)
    attachment = services.attachment_add(note=note, title="Annexe", file=pdf_upload())
    assert client.get(reverse("resources:attachment", args=[note.slug, attachment.pk])).status_code == 200


def test_a_draft_is_a_staff_preview_and_a_404_for_everyone_else(client, member, anpp_staff):
    note = make_note(publish=False)
    client.force_login(member)
    assert client.get(note.get_absolute_url()).status_code == 404
    client.force_login(anpp_staff)
    assert "Aperçu" in client.get(note.get_absolute_url()).content.decode()


def test_the_feeds_list_public_notes_with_their_summary_only(client):
    make_note(
        title="Note publique", visibility=Note.Visibility.PUBLIC, body=BODY_MARKER, summary="Résumé public"
    )
    make_note(title="Note réservée", summary="Résumé réservé")
    for name, content_type in (
        ("resources:feed", "application/atom+xml"),
        ("resources:feed_rss", "application/rss+xml"),
    ):
        response = client.get(reverse(name))
        assert response["Content-Type"].startswith(content_type)
        body = response.content.decode()
        assert "Note publique" in body and "Résumé public" in body
        assert "Note réservée" not in body and "Résumé réservé" not in body
        assert BODY_MARKER not in body


def test_the_feeds_list_notes_by_their_date_newest_first_whatever_the_order_they_were_entered():
    """A note entered today about last year comes after this month's note, in both feeds."""
    make_note(title="Note fictive de ce mois", visibility=Note.Visibility.PUBLIC, date=date(2018, 3, 1))
    make_note(title="Note fictive saisie après", visibility=Note.Visibility.PUBLIC, date=date(2017, 6, 1))
    client = Client()
    for name in ("resources:feed", "resources:feed_rss"):
        body = client.get(reverse(name)).content.decode()
        assert body.index("Note fictive de ce mois") < body.index("Note fictive saisie après"), name


def test_a_file_url_serves_only_the_file_it_names_of_the_note_it_names(client):
    """Two public notes with two files each: each URL gives its own file, and a file asked for under
    another note's address is a 404."""
    first = make_note(title="Note fictive A", visibility=Note.Visibility.PUBLIC)
    second = make_note(title="Note fictive B", visibility=Note.Visibility.PUBLIC)
    files = {}
    for note in (first, second):
        for number in (1, 2):
            content = f"%PDF-1.4\n% {note.title}, annexe {number}\n%%EOF\n".encode()
            attachment = services.attachment_add(
                note=note, title=f"Annexe {number}", file=pdf_upload(content=content)
            )
            files[note.slug, attachment.pk] = content
    for (slug, pk), content in files.items():
        response = client.get(reverse("resources:attachment", args=[slug, pk]))
        assert b"".join(response.streaming_content) == content
    for slug, pk in files:
        other = second.slug if slug == first.slug else first.slug
        assert client.get(reverse("resources:attachment", args=[other, pk])).status_code == 404
