"""{% notes_since_last_visit %}: the notes published since the person last opened the notes library,
for their territory's year page (a template includes it; members/ imports nothing of resources/)."""

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from anpp_portal import pagecache

from .. import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def notes_since_last_visit(context):
    """Kept for the person until a note is published or they open the notes library again (the
    "resources" section of the page cache moves with both)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    html = pagecache.cached_fragment(
        "new-notes",
        vary=str(user.pk),
        sections=("resources",),
        render=lambda: render_to_string(
            "resources/_new_notes.html", {"notes": selectors.notes_new_for(user=user)}
        ),
    )
    return mark_safe(html)  # noqa: S308 - rendered and escaped by the template engine
