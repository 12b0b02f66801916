"""HTML → PDF bytes of an issue with WeasyPrint. No database writes (services.pdf_render stores it).

Rendering is safe: ``RestrictedFetcher`` only reads the project's own static files and stored media
files; any other URL (network, file://, another host) is refused and simply not drawn.
"""

import hashlib
import logging
import mimetypes
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import translation

from anpp_portal.pdf import static_path

from .models import Issue
from .rendering import body_with_quotes

# Relative URLs of the PDF's HTML resolve against this origin; the fetcher serves only it.
PDF_ORIGIN = "https://pdf.anpp.invalid"
ASSETS_DIR = Path(__file__).resolve().parent.parent / "static" / "publications" / "pdf"
TEMPLATE = "publications/pdf/issue.html"


def issue_html(issue: Issue) -> str:
    """The issue as one HTML document for print (reads the issue's articles: 1 query)."""
    articles = list(issue.articles.select_related("rubrique").order_by("order"))
    for article in articles:
        article.body_with_quotes = body_with_quotes(article.body_html, article.quotes)
    with translation.override("fr"):
        return render_to_string(
            TEMPLATE, {"issue": issue, "articles": articles, "anpp": settings.ANPP_IDENTITY}
        )


@cache
def assets_fingerprint() -> bytes:
    """Hash of the print stylesheet and fonts (and the template's source): part of the PDF's key."""
    digest = hashlib.sha256()
    template_dir = Path(settings.BASE_DIR) / "templates" / "publications" / "pdf"
    for folder in (ASSETS_DIR, template_dir):
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                digest.update(path.name.encode())
                digest.update(path.read_bytes())
    return digest.digest()


def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class RestrictedFetcher(URLFetcher):
        """Serves /static/… from the static finders and /media/… from default storage; nothing else."""

        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            parts = urlsplit(url)
            if f"{parts.scheme}://{parts.netloc}" != PDF_ORIGIN:
                raise ValueError(f"URL refused in PDF rendering: {url}")
            path = unquote(parts.path)
            if ".." in path.split("/"):
                raise ValueError(f"URL refused in PDF rendering: {url}")
            mime = mimetypes.guess_type(path)[0] or "application/octet-stream"
            if path.startswith(settings.STATIC_URL):
                found = static_path(path.removeprefix(settings.STATIC_URL))
                if not found:
                    raise ValueError(f"static file not found: {path}")
                return URLFetcherResponse(url, Path(found).read_bytes(), {"Content-Type": mime})
            if path.startswith(settings.MEDIA_URL):
                with default_storage.open(path.removeprefix(settings.MEDIA_URL), "rb") as handle:
                    return URLFetcherResponse(url, handle.read(), {"Content-Type": mime})
            raise ValueError(f"URL refused in PDF rendering: {url}")

    return RestrictedFetcher


# Archival variant: PDF/A-3b (fonts embedded, sRGB output intent, XMP metadata).
PDFA_VARIANT = "pdf/a-3b"


def render_pdf(html: str, *, archival: bool = False) -> bytes:
    from weasyprint import HTML

    # WeasyPrint logs every layout step at INFO; the worker's log needs only its warnings.
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    fetcher = _fetcher_class()(allowed_protocols={"https", "data"}, timeout=5)
    document = HTML(string=html, base_url=PDF_ORIGIN + "/", url_fetcher=fetcher)
    options = {"pdf_variant": PDFA_VARIANT} if archival else {}
    return document.write_pdf(**options)
