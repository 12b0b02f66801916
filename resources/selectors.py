"""Reads of the notes library and the Q&A base, and their French full-text search.

Search takes the portal's French search (publications/fts.py): on PostgreSQL the
``french_unaccent`` configuration with ``websearch_to_tsquery`` over the fields, on SQLite the
FTS5 tables of the same stems (resources/fts.py). Both answer the same notes, in the same order
(newest first), so tests/resources/test_search.py compares them. A reader who may not read a
members-only note searches only its title and summary: a word, a phrase or an exclusion of its
body can neither find it nor hide it.
"""

from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.html import escape
from django.utils.safestring import mark_safe

from anpp_portal.params import bounded_int
from publications import fts as french
from publications.services import SEARCH_CONFIG

from .access import can_read_note, can_see_note, is_member, is_resources_staff
from .models import Note, NoteAttachment, QAEntry, Theme

PAGE_SIZE = 20
SEARCH_PAGE_SIZE = 10
START_SEL, STOP_SEL = "\u27e6", "\u27e7"


def published_notes() -> QuerySet[Note]:
    return Note.objects.filter(status=Note.Status.PUBLISHED)


def _with_themes(notes: QuerySet[Note]) -> QuerySet[Note]:
    return notes.prefetch_related(Prefetch("themes", queryset=Theme.objects.only("name", "slug")))


@dataclass
class NoteFilters:
    kind: str = ""
    theme: str = ""
    year: int | None = None


def note_filters(*, params) -> NoteFilters:
    kind = params.get("type", "")
    return NoteFilters(
        kind=kind if kind in Note.Kind.values else "",
        theme=str(params.get("theme", ""))[:100],
        year=bounded_int(params.get("annee"), default=None, low=1900, high=2200),
    )


def note_list(*, filters: NoteFilters, page=1) -> Page:
    """Published notes, newest first, by kind, theme and year (three queries per page)."""
    notes = published_notes()
    if filters.kind:
        notes = notes.filter(kind=filters.kind)
    if filters.theme:
        notes = notes.filter(themes__slug=filters.theme)
    if filters.year:
        notes = notes.filter(date__year=filters.year)
    notes = _with_themes(notes.defer("body", "body_html"))
    return Paginator(notes, PAGE_SIZE).get_page(page)


def note_years() -> list[int]:
    return sorted({d.year for d in published_notes().dates("date", "year")}, reverse=True)


def note_for_reader(*, user, slug: str) -> Note:
    note = _with_themes(Note.objects.prefetch_related("attachments")).filter(slug=slug).first()
    if note is None or not can_see_note(user, note):
        raise Http404
    return note


def attachment_for_reader(*, user, slug: str, pk: int) -> NoteAttachment:
    """The file if ``user`` may read the note's body; a 404 otherwise (not a 403: whether a
    members-only note has a file is not told to others)."""
    attachment = NoteAttachment.objects.select_related("note").filter(pk=pk, note__slug=slug).first()
    if attachment is None or not can_read_note(user, attachment.note):
        raise Http404
    return attachment


def feed_notes(limit: int = 50) -> QuerySet[Note]:
    """The public notes of the feeds (members-only ones never appear there, not even their summary)."""
    return published_notes().filter(visibility=Note.Visibility.PUBLIC).order_by("-date", "-pk")[:limit]


# Without a recorded visit, "new" notes are those of the last NEW_NOTES_DAYS days.
NEW_NOTES_DAYS = 30
NEW_NOTES_SHOWN = 5


def notes_new_for(*, user, now=None) -> list[Note]:
    """The notes published since ``user`` last opened the notes library, newest first (two queries)."""
    from datetime import timedelta

    from django.utils import timezone

    from .models import NotesVisit

    visit = NotesVisit.objects.filter(user=user).first() if user.is_authenticated else None
    since = visit.seen_at if visit else (now or timezone.now()) - timedelta(days=NEW_NOTES_DAYS)
    notes = published_notes().filter(published_at__gt=since).order_by("-published_at")
    return list(notes.only("title", "slug", "kind", "date", "published_at", "visibility")[:NEW_NOTES_SHOWN])


# --- Search --------------------------------------------------------------------------------------


def _sqlite_ids(table: str, expression: str) -> list[int]:
    if not expression:
        return []
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT rowid FROM {table} WHERE {table} MATCH %s", [expression])  # noqa: S608
        return [row[0] for row in cursor.fetchall()]


def _matching(
    queryset: QuerySet, *, q: str, table: str, columns: tuple, head: tuple, head_only: Q
) -> QuerySet:
    """``queryset`` narrowed to the rows matching ``q``: over every column, or over the ``head``
    columns only for the rows of ``head_only``."""
    parsed = french.parse_query(q)
    if not french.match_expression(parsed):
        return queryset.none()
    if connection.vendor == "sqlite":
        everywhere = Q(pk__in=_sqlite_ids(table, french.match_expression(parsed)))
        in_head = Q(pk__in=_sqlite_ids(table, french.match_expression(parsed, " ".join(head))))
        return queryset.filter((everywhere & ~head_only) | (in_head & head_only))
    if connection.vendor == "postgresql":
        query = SearchQuery(q, config=SEARCH_CONFIG, search_type="websearch")
        queryset = queryset.annotate(
            _everywhere=SearchVector(*columns, config=SEARCH_CONFIG),
            _head=SearchVector(*head, config=SEARCH_CONFIG),
        )
        return queryset.filter((Q(_everywhere=query) & ~head_only) | (Q(_head=query) & head_only))
    words = Q()
    for word in q.replace('"', " ").split():
        words &= Q(**{f"{columns[0]}__icontains": word}) | Q(**{f"{columns[-1]}__icontains": word})
    return queryset.filter(words)


def _highlight(text: str) -> str:
    return mark_safe(escape(text).replace(START_SEL, "<mark>").replace(STOP_SEL, "</mark>"))  # noqa: S308


def _page(queryset: QuerySet, page) -> Page:
    return Paginator(queryset, SEARCH_PAGE_SIZE).get_page(page)


def search_notes(*, q: str, user, kind: str = "", theme: str = "", year: int | None = None, page=1) -> Page:
    """Published notes matching ``q``, newest first, one page of them, each with its ``headline``:
    an excerpt of its body where the words are, or its summary for a reader who may not read it."""
    q = q.strip()
    member = is_member(user)
    notes = published_notes()
    if kind:
        notes = notes.filter(kind=kind)
    if theme:
        notes = notes.filter(themes__slug=theme)
    if year:
        notes = notes.filter(date__year=year)
    head_only = Q(pk__in=[]) if member else Q(visibility=Note.Visibility.MEMBERS)
    matches = _matching(
        notes,
        q=q,
        table="resources_note_fts",
        columns=("title", "summary", "body"),
        head=("title", "summary"),
        head_only=head_only,
    )
    result = _page(_with_themes(matches.order_by("-date", "-pk")), page)
    stems = french.parse_query(q).stems
    for note in result.object_list:
        if note.members_only and not member:
            note.headline = _highlight(french.headline(note.summary, stems, START_SEL, STOP_SEL))
        else:
            note.headline = _highlight(french.headline(note.body or note.summary, stems, START_SEL, STOP_SEL))
    return result


# --- The Q&A base --------------------------------------------------------------------------------


def qa_entries(*, user, q: str = "", theme: str = "", page=1) -> Page:
    """The published entries of the Q&A base (members only: nothing for others), matching ``q``.
    The list shows no theme: none is fetched."""
    entries = QAEntry.objects.filter(is_published=True)
    if not is_member(user):
        entries = entries.none()
    if theme:
        entries = entries.filter(themes__slug=theme)
    q = q.strip()
    if q:
        entries = _matching(
            entries,
            q=q,
            table="resources_qaentry_fts",
            columns=("title", "question", "answer"),
            head=("title", "question"),
            head_only=Q(pk__in=[]),
        )
    result = Paginator(entries.order_by("-date", "-pk"), SEARCH_PAGE_SIZE).get_page(page)
    stems = french.parse_query(q).stems
    for entry in result.object_list:
        entry.headline = _highlight(french.headline(entry.answer, stems, START_SEL, STOP_SEL))
    return result


def qa_entry_for_reader(*, user, slug: str) -> QAEntry | None:
    """The entry, or None for a reader who is not a member (the page says how to join); a 404 for
    an entry that does not exist or is not published (staff preview it)."""
    entry = QAEntry.objects.prefetch_related("themes").filter(slug=slug).first()
    if entry is None or not (entry.is_published or is_resources_staff(user, "resources.view_qaentry")):
        raise Http404
    return entry if is_member(user) else None
