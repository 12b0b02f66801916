"""Personal data: a participant's anonymisation, and the retention of past events' participants."""

import datetime

from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from anpp_portal import pagecache

from ..models import Event, Participant

ANONYMOUS_NAME = "Anonyme"


def participant_anonymise(*, participant: Participant) -> None:
    """Replace a participant's name, email and needs; the seat, function, days and attendance stay,
    so the event's statistics do not change. Emails already sent to them lose their address too."""
    from anpp_portal.models import OutboundEmail

    if participant.email.endswith("@anonyme.invalid"):
        return
    OutboundEmail.objects.filter(to__iexact=participant.email, key__startswith="event-").update(
        to="participant-anonymise@anonyme.invalid", body_text="", body_html="", attachments=[], headers={}
    )
    redacted = {
        "first_name": ANONYMOUS_NAME,
        "last_name": f"n°{participant.pk}",
        "email": f"participant-{participant.pk}@anonyme.invalid",
        "dietary_needs": "",
        "accessibility_needs": "",
        "qr_secret": "",  # the QR code and the decline link stop working
    }
    Participant.objects.filter(pk=participant.pk).update(**redacted)
    pagecache.invalidate("events")  # update() sends no post_save: "my registrations" shows names
    # The audit trail keeps who changed the seat and when, but no longer whose seat it was.
    Participant.history.filter(id=participant.pk).update(**redacted)


def participants_anonymise_past(*, now=None) -> int:
    """Retention: participants of events that ended more than ANPP_EVENT_RETENTION_DAYS ago."""
    now = now or timezone.now()
    limit = timezone.localdate(now) - datetime.timedelta(days=settings.ANPP_EVENT_RETENTION_DAYS)
    ended = Event.objects.annotate(last_day=Max("days__date")).filter(last_day__lt=limit)
    count = 0
    for participant in Participant.objects.filter(event__in=ended).exclude(
        email__endswith="@anonyme.invalid"
    ):
        participant_anonymise(participant=participant)
        count += 1
    return count
