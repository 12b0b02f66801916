"""Every state change of the notes library and the Q&A base: save, attach, schedule, publish,
announce to the followers of a note's themes, follow and unfollow a theme."""

import logging
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from anpp_portal import pagecache
from anpp_portal.outbox import email_enqueue
from anpp_portal.slugs import unique_slug
from publications.rendering import markdown_to_html

from . import fts
from .models import Note, NoteAttachment, NotesVisit, QAEntry, Theme, ThemeFollow, validate_pdf

logger = logging.getLogger(__name__)

ANNOUNCE_BATCH_SIZE = 200


class ResourceError(Exception):
    """A domain rule of the notes library was broken; the message is for people."""


# --- Notes ---------------------------------------------------------------------------------------


def note_save(*, note: Note, themes: list[Theme] | None = None) -> Note:
    """Validate and save a note with its rendered body and its search index; ``themes`` replaces
    its themes when given."""
    if not note.slug:
        note.slug = unique_slug(Note.objects.all(), note.title, fallback="note", exclude_pk=note.pk)
    note.body_html = markdown_to_html(note.body)
    note.full_clean()
    with transaction.atomic():
        note.save()
        if themes is not None:
            note.themes.set(themes)
        note_index(note_ids=[note.pk])
    return note


def note_index(*, note_ids: list[int]) -> None:
    rows = list(Note.objects.filter(pk__in=note_ids).values_list("pk", "title", "summary", "body"))
    fts.index_rows("resources_note_fts", rows)


def attachment_add(*, note: Note, title: str, file) -> NoteAttachment:
    """Attach a PDF to ``note``, stored in the private storage under an unguessable name."""
    try:
        validate_pdf(file)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from None
    attachment = NoteAttachment(note=note, title=title, position=note.attachments.count())
    attachment.file.save(slugify(title)[:80] + ".pdf" if slugify(title) else "note.pdf", file, save=False)
    attachment.full_clean()
    attachment.save()
    return attachment


def note_schedule(*, note: Note, publish_at: datetime) -> Note:
    if note.is_published:
        raise ResourceError("Cette note est déjà publiée.")
    note.status, note.publish_at = Note.Status.SCHEDULED, publish_at
    note.full_clean()
    note.save(update_fields=["status", "publish_at"])
    return note


def note_publish(*, note: Note, now: datetime | None = None) -> bool:
    """Publish ``note`` now and queue its announcement to the followers of its themes. Returns
    False when it was already published (nothing is announced again)."""
    now = now or timezone.now()
    with transaction.atomic():
        updated = (
            Note.objects.filter(pk=note.pk)
            .exclude(status=Note.Status.PUBLISHED)
            .update(status=Note.Status.PUBLISHED, published_at=now)
        )
        if not updated:
            return False
        note.refresh_from_db()
        # update() sends no post_save: the year pages' "new notes" are stale now.
        pagecache.invalidate("resources")
        from . import tasks

        transaction.on_commit(lambda: tasks.announce_note.delay(note.pk), robust=True)
    return True


def note_unpublish(*, note: Note) -> Note:
    note.status = Note.Status.DRAFT
    note.save(update_fields=["status"])
    return note


def notes_publish_due(*, now: datetime | None = None) -> int:
    """Publish the scheduled notes whose date has come (beat)."""
    now = now or timezone.now()
    return sum(
        note_publish(note=note, now=now)
        for note in Note.objects.filter(status=Note.Status.SCHEDULED, publish_at__lte=now)
    )


def notes_visit_record(*, user, now: datetime | None = None) -> None:
    """``user`` opened the notes library: the notes published until now are no longer new to them."""
    if user.is_authenticated:
        NotesVisit.objects.update_or_create(user=user, defaults={"seen_at": now or timezone.now()})


# --- Following themes ----------------------------------------------------------------------------


def themes_follow_set(*, user, themes: list[Theme]) -> None:
    """``user`` follows exactly ``themes`` from now on (a follow kept keeps its unsubscribe link)."""
    with transaction.atomic():
        ThemeFollow.objects.filter(user=user).exclude(theme__in=themes).delete()
        kept = set(ThemeFollow.objects.filter(user=user).values_list("theme_id", flat=True))
        ThemeFollow.objects.bulk_create(
            [ThemeFollow(user=user, theme=theme) for theme in themes if theme.pk not in kept],
            ignore_conflicts=True,  # a follow added meanwhile by another request is kept as it is
        )


def theme_unfollow(*, token: str) -> ThemeFollow | None:
    """The one-click unsubscribe of an email: stop following that theme. Returns what was removed
    (None when the link was already used)."""
    follow = ThemeFollow.objects.select_related("theme").filter(unsubscribe_token=token).first()
    if follow is not None:
        follow.delete()
    return follow


def unsubscribe_url(follow: ThemeFollow) -> str:
    return settings.SITE_URL + reverse("resources:unfollow", kwargs={"token": follow.unsubscribe_token})


def note_announce(*, note_id: int, batch_size: int = ANNOUNCE_BATCH_SIZE) -> int:
    """Email each follower of the note's themes once (outbox key per person and note), in batches.
    A members-only note goes only to followers who are members when it is sent. Safe to run again:
    a person already told is not told twice. Returns how many people the note was for."""
    from .access import is_member

    note = Note.objects.filter(pk=note_id, status=Note.Status.PUBLISHED).first()
    if note is None:
        return 0
    theme_ids = list(note.themes.values_list("pk", flat=True))
    follows = ThemeFollow.objects.filter(theme_id__in=theme_ids, user__is_active=True).select_related(
        "user", "theme"
    )
    by_user: dict[int, list[ThemeFollow]] = {}
    for follow in follows.order_by("user_id", "theme__position"):
        by_user.setdefault(follow.user_id, []).append(follow)
    queued = 0
    user_ids = sorted(by_user)
    for start in range(0, len(user_ids), batch_size):
        with transaction.atomic():
            for user_id in user_ids[start : start + batch_size]:
                user_follows = by_user[user_id]
                user = user_follows[0].user
                if note.members_only and not is_member(user):
                    continue
                links = [(f.theme.name, unsubscribe_url(f)) for f in user_follows]
                email_enqueue(
                    key=f"note-follow:{note.pk}:{user.pk}",
                    to=user.email,
                    template="resources/email/note_published",
                    context={
                        "note": note,
                        "note_url": settings.SITE_URL + note.get_absolute_url(),
                        "unsubscribe_links": links,
                    },
                    headers={
                        "List-Unsubscribe": f"<{links[0][1]}>",
                        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                    },
                )
                queued += 1
    Note.objects.filter(pk=note.pk, announced_at__isnull=True).update(announced_at=timezone.now())
    return queued


# --- The Q&A base --------------------------------------------------------------------------------


def qa_entry_save(*, entry: QAEntry, themes: list[Theme] | None = None) -> QAEntry:
    if not entry.slug:
        entry.slug = unique_slug(QAEntry.objects.all(), entry.title, fallback="note", exclude_pk=entry.pk)
    entry.answer_html = markdown_to_html(entry.answer)
    entry.full_clean()
    with transaction.atomic():
        entry.save()
        if themes is not None:
            entry.themes.set(themes)
        qa_index(entry_ids=[entry.pk])
    return entry


def qa_index(*, entry_ids: list[int]) -> None:
    rows = list(QAEntry.objects.filter(pk__in=entry_ids).values_list("pk", "title", "question", "answer"))
    fts.index_rows("resources_qaentry_fts", rows)


def theme_for_name(*, name: str) -> Theme:
    theme, _ = Theme.objects.get_or_create(slug=slugify(name)[:100], defaults={"name": name})
    return theme
