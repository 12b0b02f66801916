"""HTML → PDF with WeasyPrint, for every PDF of the portal. No database writes here.

The URL fetcher only serves the project's own static and media files: a template (or a
user-supplied text rendered in it) cannot make the renderer read the network or any other file.
"""

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from django.utils import translation


class ForbiddenResource(ValueError):
    pass


def static_path(relative: str) -> Path | None:
    """The file of a static URL's path: in production the collected (hashed) copy in STATIC_ROOT,
    in development the one the finders know. Never outside those folders."""
    root = Path(settings.STATIC_ROOT).resolve()
    collected = (root / relative).resolve()
    if collected.is_relative_to(root) and collected.is_file():
        return collected
    try:
        found = finders.find(relative)
    except SuspiciousFileOperation:
        return None
    return Path(found).resolve() if found else None


def _allowed_file(url: str) -> Path:
    path = unquote(urlparse(url).path)
    candidate = None
    try:
        if path.startswith(settings.STATIC_URL):
            candidate = static_path(path.removeprefix(settings.STATIC_URL))
        elif path.startswith(settings.MEDIA_URL):
            root = Path(settings.MEDIA_ROOT).resolve()
            candidate = (root / path.removeprefix(settings.MEDIA_URL)).resolve()
            if not candidate.is_relative_to(root):
                candidate = None
    except SuspiciousFileOperation:
        candidate = None
    if candidate is None or not candidate.is_file():
        raise ForbiddenResource(f"PDF rendering may not fetch {url!r}")
    return candidate


def url_fetcher(url: str, *args, **kwargs):
    from weasyprint.urls import URLFetcherResponse

    file = _allowed_file(url)
    mimetype = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    return URLFetcherResponse(url, body=file.read_bytes(), headers={"Content-Type": mimetype})


def render_pdf(template: str, context: dict, *, pdf_variant: str | None = None) -> bytes:
    """Render ``template`` (HTML with a print stylesheet) to PDF bytes, in French.

    ``pdf_variant`` is WeasyPrint's, e.g. ``"pdf/a-3b"`` for the Factur-X documents."""
    from weasyprint import HTML

    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(template, {"anpp": settings.ANPP_IDENTITY, **context})
    return HTML(string=html, base_url=settings.SITE_URL + "/", url_fetcher=url_fetcher).write_pdf(
        pdf_variant=pdf_variant
    )
