"""Markdown of articles to safe HTML: Markdown renders, nh3 keeps only harmless markup."""

import re
from html.parser import HTMLParser

import markdown
import nh3
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "b", "i", "u", "s", "sup", "sub", "blockquote", "code", "pre",
    "ul", "ol", "li", "dl", "dt", "dd", "h2", "h3", "h4", "h5", "h6", "a", "abbr",
    "table", "thead", "tbody", "tr", "th", "td", "img", "figure", "figcaption",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title"},
    "th": {"colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
}
URL_SCHEMES = {"http", "https", "mailto"}


def markdown_to_html(text: str) -> str:
    """Render ``text`` (Markdown) to sanitised HTML: no script, no event handler, no style; links
    kept with rel="noopener"."""
    html = markdown.markdown(text or "", extensions=["extra", "sane_lists"], output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener",
        strip_comments=True,
    )


# How deep the elements of a rendered text may nest. A real article nests a few levels (a list in a
# quote); 3,000 nested "> " render on the page but the PDF cannot be laid out (WeasyPrint
# recurses once per level: RecursionError, or a worker that dies). Far below what breaks it.
MAX_NESTING = 30
# Elements that hold nothing: they open no level.
_VOID = {"br", "hr", "img", "wbr", "input", "meta", "link", "area", "base", "col", "embed", "source"}


class _DepthParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.deepest = 0

    def handle_starttag(self, tag, attrs):
        if tag not in _VOID:
            self.open.append(tag)
            self.deepest = max(self.deepest, len(self.open))

    def handle_endtag(self, tag):
        if tag in self.open:
            while self.open.pop() != tag:
                pass


def html_depth(html: str) -> int:
    """How many elements deep ``html`` nests at its deepest (the parser reads it without recursion)."""
    parser = _DepthParser()
    parser.feed(html)
    parser.close()
    return parser.deepest


def markdown_nesting_error(text: str) -> str:
    """Why ``text`` (Markdown) nests too deep to be printed, in French; empty when it does not."""
    depth = html_depth(markdown_to_html(text))
    if depth <= MAX_NESTING:
        return ""
    return str(
        _(
            "Le texte s'imbrique sur %(depth)d niveaux (%(max)d au plus) : trop de citations « > » "
            "ou de listes les unes dans les autres pour que le PDF du numéro puisse être mis en page."
        )
        % {"depth": depth, "max": MAX_NESTING}
    )


def validate_markdown_nesting(text: str) -> None:
    """Validator of an article's body: refuses what nests deeper than MAX_NESTING."""
    error = markdown_nesting_error(text)
    if error:
        raise ValidationError(error, code="too_deep")


# After a paragraph, where a new top-level block starts: a pull quote may go there.
_AFTER_PARAGRAPH = re.compile(r"(?<=</p>)\n(?=<(?:p|h[2-6]|ul|ol|blockquote|table|figure)[ >])")


def body_with_quotes(body_html: str, quotes: list[str]) -> str:
    """The rendered body with its pull quotes set inside it, spread evenly between its paragraphs
    (never before the first), instead of stacked above it. Quotes are escaped; the body is the
    already sanitised HTML of markdown_to_html."""
    blocks = _AFTER_PARAGRAPH.split(body_html)
    after: dict[int, list[str]] = {}
    for index, quote in enumerate(quotes):
        # Quote i of q goes after block round((i + 1) * n / (q + 1)) of n: evenly spread, in order.
        position = min(len(blocks), max(1, round((index + 1) * len(blocks) / (len(quotes) + 1))))
        after.setdefault(position, []).append(
            format_html('<blockquote class="pull-quote"><p>« {} »</p></blockquote>', quote)
        )
    out = []
    for number, block in enumerate(blocks, start=1):
        out.append(block)
        out.extend(after.get(number, []))
    return mark_safe("\n".join(out))  # noqa: S308 - sanitised body, escaped quotes
