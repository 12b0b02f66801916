"""Rendering of the portal's own emails from their subject/txt/html template trio.

A subject and a text body are plain text: they are rendered with autoescape off, so a territory
named "Pays de l'Œuvre" reads so, not "Pays de l&#x27;Œuvre". Only the HTML body is escaped.
"""

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils import translation

# How the portal names itself in emails (allauth's "Bonjour, c'est … !", "Merci d'utiliser … !").
PORTAL_NAME = "Portail ANPP"


@dataclass(frozen=True)
class PortalSite:
    """What allauth's templates read as ``current_site`` (the sites framework is not installed)."""

    name: str
    domain: str


def portal_site() -> PortalSite:
    return PortalSite(name=PORTAL_NAME, domain=urlsplit(settings.SITE_URL).netloc)


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def render_email(template_prefix: str, context: dict) -> RenderedEmail:
    """Render ``<prefix>_subject.txt``, ``<prefix>_message.txt`` and ``<prefix>_message.html``.

    Emails are written in French, the portal's first language, whatever language the
    request that caused them was served in.
    """
    context = {"anpp": settings.ANPP_IDENTITY, "site_url": settings.SITE_URL, **context}
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_plain(f"{template_prefix}_subject.txt", context)
        text = render_plain(f"{template_prefix}_message.txt", context)
        html = render_to_string(f"{template_prefix}_message.html", context)
    subject = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split())
    return RenderedEmail(subject=subject, text=text, html=html)


def render_plain(template_name: str, context: dict) -> str:
    """Render a plain-text template (a subject, a text body) without HTML escaping."""
    # The Django backend's template wraps the engine's own, whose render takes a Context.
    return get_template(template_name).template.render(Context(context, autoescape=False))
