"""``{% shared_fragment "name" "sections" vary… %}…{% end_shared_fragment %}``: a part of a page
that every visitor sees alike, rendered once per content generation (anpp_portal.pagecache).

``sections`` is a comma-separated list of the page cache sections whose content the part shows;
each ``vary`` value is part of the key: the object shown (an issue's number), and whatever of the
visitor the part shows (member or not, staff or not). The part must hold nothing else of the person
(a part with a CSRF token is never kept). The view hands the data of the part as lazy objects
(``SimpleLazyObject``) so its queries run only when the part is rendered.
"""

from django import template
from django.utils.safestring import mark_safe

from anpp_portal import pagecache

register = template.Library()


class SharedFragmentNode(template.Node):
    def __init__(self, nodelist, name, sections, vary):
        self.nodelist, self.name, self.sections, self.vary = nodelist, name, sections, vary

    def render(self, context):
        name = self.name.resolve(context)
        sections = tuple(s.strip() for s in self.sections.resolve(context).split(",") if s.strip())
        vary = ":".join(str(value.resolve(context)) for value in self.vary)
        html = pagecache.cached_fragment(
            name, vary=vary, sections=sections, render=lambda: str(self.nodelist.render(context))
        )
        return mark_safe(html)  # noqa: S308 (rendered by the template engine, escaped there)


@register.tag
def shared_fragment(parser, token):
    bits = token.split_contents()
    if len(bits) < 3:
        raise template.TemplateSyntaxError(f"{bits[0]} needs a name and its sections")
    nodelist = parser.parse(("end_shared_fragment",))
    parser.delete_first_token()
    name, sections, *vary = (parser.compile_filter(bit) for bit in bits[1:])
    return SharedFragmentNode(nodelist, name, sections, vary)


@register.simple_tag
def fragment_csrf_token():
    """In a kept fragment, where ``{% csrf_token %}`` would be: each request fills its own in
    (pagecache.fill_csrf)."""
    return mark_safe(pagecache.CSRF_MARKER)  # noqa: S308 (a constant)
