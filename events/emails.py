"""One function per email of the events app; each goes through the outbox with a unique key."""

from anpp_portal.outbox import Attachment, email_enqueue

from .ics import event_ics, ics_filename
from .models import Participant


def _context(participant: Participant) -> dict:
    event = participant.event
    registration = participant.registration
    active = [p for p in registration.participants.all() if p.status == Participant.Status.CONFIRMED]
    return {
        "participant": participant,
        "event": event,
        "days": list(event.days.select_related("site").order_by("date")),
        "sites": list(event.sites.all()),
        "participant_days": list(participant.days.order_by("date")),
        "choices": list(participant.session_choices.select_related("session__day", "session__site")),
        "registration": registration,
        "registration_total": sum((p.price for p in active), start=participant.price * 0),
        "registration_size": len(active),
    }


def _send(participant: Participant, key: str, name: str, *, ics: bool = False, extra: dict | None = None):
    attachments = None
    if ics:
        attachments = [
            Attachment(ics_filename(participant.event), event_ics(participant.event), "text/calendar")
        ]
    return email_enqueue(
        key=key,
        to=participant.email,
        template=f"events/email/{name}",
        context={**_context(participant), **(extra or {})},
        attachments=attachments,
    )


def confirmation(participant: Participant):
    return _send(participant, f"event-confirmation:{participant.pk}", "confirmation", ics=True)


def waiting(participant: Participant):
    return _send(participant, f"event-waiting:{participant.pk}", "waiting")


def promotion(participant: Participant):
    return _send(participant, f"event-promotion:{participant.pk}", "promotion", ics=True)


def cancellation(participant: Participant):
    return _send(participant, f"event-cancellation:{participant.pk}", "cancellation")


def reminder(participant: Participant, *, offset: int):
    return _send(
        participant,
        f"event-reminder:{participant.pk}:{offset}",
        "reminder",
        ics=True,
        extra={"offset": offset},
    )


def staff_message(participant: Participant, *, subject: str, body: str, key: str):
    return _send(
        participant,
        f"event-message:{key}:{participant.pk}",
        "staff_message",
        extra={"message_subject": subject, "message_body": body},
    )
