"""``{% shared_fragment "name" "sections" vary… %}…{% end_shared_fragment %}``: a part of a page
that every visitor sees alike, rendered once per content generation (anpp_portal.pagecache).

``sections`` is a comma-separated list of the page cache sections whose content the part shows;
each ``vary`` value is part of the key: the object shown (an issue's number), and whatever of the
visitor the part shows (member or not, staff or not). The part must hold nothing else of the person
(a part with a CSRF token is never kept). The view hands the data of the part as lazy objects
(``SimpleLazyObject``) so its queries run only when the part is rendered.
"""

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
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
        return mark_safe(_with_csrf(html, context))  # noqa: S308 (rendered by the template engine, escaped there)


def _with_csrf(html: str, context) -> str:
    request = context.get("request")
    return pagecache.fill_csrf(html, request) if request is not None else html


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


# Parts of every page that only the code shows (the site's header and footer: links, translated
# labels), kept in the process by language and kind of visitor; they change with a deployment only.
_PROCESS_FRAGMENTS: dict[str, str] = {}
_PROCESS_FRAGMENTS_MAX = 512


@receiver(setting_changed)
def _forget_process_fragments(**kwargs):
    _PROCESS_FRAGMENTS.clear()  # a test changing the URLs, the languages or the static files


class ProcessFragmentNode(template.Node):
    def __init__(self, nodelist, name, vary):
        self.nodelist, self.name, self.vary = nodelist, name, vary

    def render(self, context):
        key = ":".join(
            [str(self.name.resolve(context)), *(str(value.resolve(context)) for value in self.vary)]
        )
        html = _PROCESS_FRAGMENTS.get(key)
        if html is None:
            html = str(self.nodelist.render(context))
            if "csrfmiddlewaretoken" in html:
                raise template.TemplateSyntaxError("a process fragment must not hold a CSRF token")
            if len(_PROCESS_FRAGMENTS) >= _PROCESS_FRAGMENTS_MAX:
                _PROCESS_FRAGMENTS.clear()
            _PROCESS_FRAGMENTS[key] = html
        return mark_safe(_with_csrf(html, context))  # noqa: S308 (rendered by the template engine, escaped there)


@register.tag
def process_fragment(parser, token):
    """``{% process_fragment "name" vary… %}…{% end_process_fragment %}``: a part that depends on
    nothing but the code and ``vary`` (no data of the database, nothing of the person but what
    ``vary`` says), kept in the process."""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError(f"{bits[0]} needs a name")
    nodelist = parser.parse(("end_process_fragment",))
    parser.delete_first_token()
    name, *vary = (parser.compile_filter(bit) for bit in bits[1:])
    return ProcessFragmentNode(nodelist, name, vary)
