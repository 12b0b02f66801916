"""People of member territories follow themes; each new note reaches each follower once."""

import pytest
from django.urls import reverse

from resources import services
from resources.models import Note, Theme, ThemeFollow

from .conftest import make_note

pytestmark = pytest.mark.django_db


def test_a_follower_of_two_themes_of_a_note_gets_exactly_one_email(
    member, themes, send_outbox, django_capture_on_commit_callbacks
):
    services.themes_follow_set(user=member, themes=themes[:2])
    with django_capture_on_commit_callbacks(execute=True):
        note = make_note(title="Note sur deux thèmes", themes=themes[:2])
    sent = send_outbox()
    assert [m.to for m in sent] == [[member.email]]
    assert "Note sur deux thèmes" in sent[0].subject
    assert settings_url(note) in sent[0].body
    # Both themes can be left from the email, each with its own link; the header has one of them.
    follows = ThemeFollow.objects.filter(user=member)
    assert all(reverse("resources:unfollow", args=[f.unsubscribe_token]) in sent[0].body for f in follows)
    assert sent[0].extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # Announcing again (a retried task, a second publish) sends nothing more.
    services.note_announce(note_id=note.pk)
    assert services.note_publish(note=note) is False
    assert send_outbox() == sent


def settings_url(note):
    from django.conf import settings

    return settings.SITE_URL + note.get_absolute_url()


def test_a_members_only_note_is_not_sent_to_a_follower_who_is_not_a_member(
    non_member, member, themes, send_outbox, django_capture_on_commit_callbacks
):
    services.themes_follow_set(user=non_member, themes=[themes[0]])
    services.themes_follow_set(user=member, themes=[themes[0]])
    with django_capture_on_commit_callbacks(execute=True):
        make_note(themes=[themes[0]])
        make_note(title="Note publique", themes=[themes[0]], visibility=Note.Visibility.PUBLIC)
    sent = send_outbox()
    assert sorted((m.to[0], m.subject.split(": ", 1)[1]) for m in sent) == sorted(
        [(member.email, "Une note"), (member.email, "Note publique"), (non_member.email, "Note publique")]
    )


def test_a_draft_note_is_announced_to_nobody(member, themes, send_outbox, django_capture_on_commit_callbacks):
    services.themes_follow_set(user=member, themes=themes)
    with django_capture_on_commit_callbacks(execute=True):
        make_note(themes=themes, publish=False)
    assert send_outbox() == []


def test_one_click_unsubscribe_leaves_that_theme_only(client, member, themes):
    services.themes_follow_set(user=member, themes=themes[:2])
    follow = ThemeFollow.objects.get(user=member, theme=themes[0])
    url = reverse("resources:unfollow", args=[follow.unsubscribe_token])
    assert "Mobilités" in client.get(url).content.decode()
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert list(ThemeFollow.objects.filter(user=member).values_list("theme__slug", flat=True)) == ["sante"]
    assert client.post(url).status_code == 404  # the link was used


def test_the_follow_page_saves_the_chosen_themes(client, member, themes):
    client.force_login(member)
    response = client.post(reverse("resources:follow"), {"themes": [themes[0].pk, themes[2].pk]})
    assert response.status_code == 302
    assert set(ThemeFollow.objects.filter(user=member).values_list("theme__slug", flat=True)) == {
        "mobilites",
        "contrats-de-ruralite",
    }
    page = client.get(reverse("resources:follow")).content.decode()
    assert f'value="{themes[0].pk}"' in page and "checked" in page


def test_the_year_page_lists_the_notes_published_since_the_last_visit_of_the_notes(
    client, member, territory_a
):
    from datetime import timedelta

    from django.utils import timezone

    make_note(title="Note déjà lue")
    client.force_login(member)
    year_page = reverse("members:territory", args=[territory_a.slug])
    assert "Note déjà lue" in client.get(year_page).content.decode()  # no visit yet: the last 30 days
    client.get(reverse("resources:list"))  # the visit
    page = client.get(year_page).content.decode()
    assert "Note déjà lue" not in page and "Aucune nouvelle note depuis votre dernière visite." in page
    note = make_note(title="Note toute fraîche")
    Note.objects.filter(pk=note.pk).update(published_at=timezone.now() + timedelta(seconds=1))
    page = client.get(year_page).content.decode()
    assert "Note toute fraîche" in page and "Note déjà lue" not in page
    # A draft published once the page is kept (publishing writes no post_save): the page shows it.
    draft = make_note(title="Note publiée plus tard", publish=False)
    assert "Note publiée plus tard" not in client.get(year_page).content.decode()
    services.note_publish(note=draft, now=timezone.now() + timedelta(seconds=2))
    assert "Note publiée plus tard" in client.get(year_page).content.decode()


def test_a_note_announced_again_after_its_followers_changed_tells_nobody_twice(
    member, themes, send_outbox, django_capture_on_commit_callbacks
):
    """A retried announcement, in batches of one person, after a newcomer (listed before the person
    already told) followed a theme and the person already told took a second theme of the note:
    the newcomer is told, nobody already told is told again."""
    from ..factories import MembershipFactory

    told = MembershipFactory(territory=member.memberships.get().territory).user
    services.themes_follow_set(user=told, themes=themes[:1])
    with django_capture_on_commit_callbacks(execute=True):
        note = make_note(title="Note fictive annoncée deux fois", themes=themes[:2])
    first = send_outbox()
    assert [m.to for m in first] == [[told.email]]
    services.themes_follow_set(user=member, themes=themes[:1])  # member's account is the older one
    services.themes_follow_set(user=told, themes=themes[:2])
    services.note_announce(note_id=note.pk, batch_size=1)
    later = send_outbox()[len(first) :]
    assert [m.to for m in later] == [[member.email]]


def test_announcing_tells_each_active_follower_of_the_notes_themes_once_in_batches_and_records_when(
    member, themes, send_outbox, territory_a
):
    """Published outside a captured commit, so the announcement is run here by hand, as the task
    runs it: in batches of two, for three people to tell among five followers."""
    from django.utils import timezone

    from ..factories import MembershipFactory

    def person(**user):
        return MembershipFactory(territory=territory_a, **{f"user__{k}": v for k, v in user.items()}).user

    colleague, third, asleep, elsewhere = person(), person(), person(is_active=False), person()
    # A theme created last but placed first; the member took Santé (position 2) first, then it: their
    # email lists the themes in the site's order, the placed-first one first.
    placed_first = Theme.objects.create(name="Aménagement (fictif)", slug="amenagement", position=0)
    services.themes_follow_set(user=member, themes=[themes[1]])
    services.themes_follow_set(user=member, themes=[themes[1], placed_first])
    services.themes_follow_set(user=colleague, themes=[themes[0]])
    services.themes_follow_set(user=third, themes=[themes[1]])
    services.themes_follow_set(user=asleep, themes=[themes[0]])  # a deactivated account
    services.themes_follow_set(user=elsewhere, themes=[themes[2]])  # a theme the note does not have
    # A public note: whether the account is active is the announcement's own rule, not the members' one.
    note = make_note(
        title="Note fictive à annoncer", themes=[*themes[:2], placed_first], visibility=Note.Visibility.PUBLIC
    )
    other = make_note(title="Autre note fictive", themes=themes[:1])
    assert Note.objects.get(pk=note.pk).announced_at is None

    assert services.note_announce(note_id=note.pk, batch_size=2) == 3
    sent = send_outbox()
    assert sorted(m.to[0] for m in sent) == sorted([member.email, colleague.email, third.email])
    [to_member] = [m for m in sent if m.to == [member.email]]
    first_link = reverse(
        "resources:unfollow",
        args=[ThemeFollow.objects.get(user=member, theme=placed_first).unsubscribe_token],
    )
    assert to_member.message()["List-Unsubscribe"] == f"<{settings_url_of(first_link)}>"
    assert to_member.body.index("Aménagement (fictif)") < to_member.body.index("Santé")
    announced = Note.objects.get(pk=note.pk).announced_at
    assert announced is not None and announced <= timezone.now()
    assert Note.objects.get(pk=other.pk).announced_at is None

    # Run again (a retried task): the same three people, nobody told twice, the first date kept.
    assert services.note_announce(note_id=note.pk, batch_size=2) == 3
    assert send_outbox() == sent and Note.objects.get(pk=note.pk).announced_at == announced
    # A note unpublished before its task ran, and a note deleted since, are announced to nobody.
    services.note_unpublish(note=other)
    assert services.note_announce(note_id=other.pk) == 0
    assert services.note_announce(note_id=other.pk + note.pk + 1000) == 0
    assert send_outbox() == sent and Note.objects.get(pk=other.pk).announced_at is None


def settings_url_of(path):
    from django.conf import settings

    return settings.SITE_URL + path


def test_publishing_a_note_succeeds_even_when_its_announcement_cannot_be_queued(
    member, themes, monkeypatch, django_capture_on_commit_callbacks
):
    """The broker unreachable when the note is published: the note is published all the same and the
    person is shown no error (Django logs the failed on_commit callback)."""
    from resources import tasks

    def broker_down(*args, **kwargs):
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(tasks.announce_note, "delay", broker_down)
    note = make_note(title="Note fictive sans file d'attente", themes=themes[:1], publish=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.note_publish(note=note) is True
    assert Note.objects.get(pk=note.pk).status == Note.Status.PUBLISHED
