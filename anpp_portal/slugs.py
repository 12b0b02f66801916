"""A slug of a title that no other row of a table holds: « Note », « note-2 », « note-3 »…"""

from django.db.models import QuerySet
from django.utils.text import slugify


def unique_slug(
    queryset: QuerySet, text: str, *, fallback: str, exclude_pk=None, max_length: int = 100
) -> str:
    """``text`` slugified (``fallback`` when nothing is left of it), numbered until no row of
    ``queryset`` but ``exclude_pk`` holds it. Callers hold a unique constraint on the slug: two
    saves racing for one slug get an IntegrityError, never two rows with it."""
    base = slugify(text)[:max_length] or fallback
    taken = queryset.exclude(pk=exclude_pk) if exclude_pk is not None else queryset
    slug, n = base, 2
    while taken.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug
