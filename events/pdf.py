"""Staff PDFs of an event (badges, feuilles d'émargement): HTML templates rendered by WeasyPrint.

The URL fetcher only reads the project's static files, so a template can never make WeasyPrint
fetch a remote or local file outside them.
"""

from django.template.loader import render_to_string
from django.utils.translation import override
from weasyprint import HTML

from anpp_portal.pdf import url_fetcher

from . import selectors
from .models import Event


def render_document(template: str, context: dict):
    with override("fr"):
        html = render_to_string(template, context)
    return HTML(string=html, base_url="/", url_fetcher=url_fetcher).render()


def badges_document(event: Event):
    participants = [p for p in selectors.participants_for_staff(event) if p.status == "confirmed"]
    return render_document("events/pdf/badges.html", {"event": event, "participants": participants})


def badges(event: Event) -> bytes:
    return badges_document(event).write_pdf()


def signin_sheets(event: Event) -> bytes:
    return signin_sheets_document(event).write_pdf()


def signin_sheets_document(event: Event):
    """One sheet per day and site, people sorted by name, a column to sign."""
    participants = [p for p in selectors.participants_for_staff(event) if p.status == "confirmed"]
    sites = list(event.sites.all())
    sheets = []
    for day in event.days.all():
        of_day = [p for p in participants if any(d.pk == day.pk for d in p.days.all())]
        day_sites = [day.site] if day.site else sites
        for site in day_sites or [None]:
            sheets.append({"day": day, "site": site, "participants": of_day})
    return render_document("events/pdf/signin_sheets.html", {"event": event, "sheets": sheets})
