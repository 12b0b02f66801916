"""Rendering of the portal's own emails from their subject/txt/html template trio."""

from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation


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
        subject = render_to_string(f"{template_prefix}_subject.txt", context)
        text = render_to_string(f"{template_prefix}_message.txt", context)
        html = render_to_string(f"{template_prefix}_message.html", context)
    subject = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split())
    return RenderedEmail(subject=subject, text=text, html=html)
