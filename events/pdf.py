"""Staff PDFs of an event (badges, feuilles d'émargement): HTML templates rendered by WeasyPrint.

The URL fetcher only reads the project's static files, so a template can never make WeasyPrint
fetch a remote or local file outside them.
"""

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import override
from weasyprint import HTML

from anpp_portal.pdf import url_fetcher

from . import qr, selectors
from .models import Event


def render_document(template: str, context: dict):
    with override("fr"):
        html = render_to_string(template, context)
    return HTML(string=html, base_url="/", url_fetcher=url_fetcher).render()


def badges_document(event: Event):
    """One badge per confirmed participant, with their personal QR code (events/qr.py)."""
    participants = [p for p in selectors.participants_for_staff(event) if p.status == "confirmed"]
    for participant in participants:
        # segno's SVG of our own signed code: no text typed by anyone goes into it.
        svg = qr.qr_svg(qr.code_for(participant)) if participant.qr_secret else ""
        participant.qr_svg = mark_safe(svg)  # noqa: S308
    return render_document("events/pdf/badges.html", {"event": event, "participants": participants})


def badges(event: Event) -> bytes:
    return badges_document(event).write_pdf()


def signin_sheets(event: Event) -> bytes:
    return signin_sheets_document(event).write_pdf()


def signin_sheets_document(event: Event):
    """One sheet per day and site, people sorted by name, the time each was checked in that day (if
    already), a column to sign."""
    participants = [p for p in selectors.participants_for_staff(event) if p.status == "confirmed"]
    sites = list(event.sites.all())
    sheets = []
    for day in event.days.all():
        of_day = []
        for participant in participants:
            if any(d.pk == day.pk for d in participant.days.all()):
                attendance = next((a for a in participant.attendances.all() if a.day_id == day.pk), None)
                of_day.append({"participant": participant, "attendance": attendance})
        day_sites = [day.site] if day.site else sites
        for site in day_sites or [None]:
            sheets.append({"day": day, "site": site, "participants": of_day})
    return render_document("events/pdf/signin_sheets.html", {"event": event, "sheets": sheets})
