"""One function per email of the events app; each goes through the outbox with a unique key.

The services record an email (its key, its address, what it is about) in the transaction that causes
it; the worker renders it just before sending (``render_participant_email`` and the others below,
called by anpp_portal/outbox.py with ids), so a registration does not wait for templates, the
``.ics`` or the QR code image, and the email shows the participation as it is when it leaves.
Emails holding a personal QR code or a link to decline are ``sensitive``: erased once sent.
"""

from django.conf import settings
from django.urls import reverse

from anpp_portal.emails import render_email
from anpp_portal.models import OutboundEmail
from anpp_portal.outbox import Attachment, email_enqueue

from . import qr
from .ics import ics_filename, participant_ics
from .models import Participant, Registration, SessionChoice

PARTICIPANT_RENDERER = "events.emails.render_participant_email"


def registered_by_someone_else(participant: Participant) -> bool:
    by = participant.registration.created_by
    return by is None or (by.email or "").lower() != participant.email.lower()


def _participant_context(participant: Participant) -> dict:
    event = participant.event
    registration = participant.registration
    active = [p for p in registration.participants.all() if p.status == Participant.Status.CONFIRMED]
    context = {
        "participant": participant,
        "event": event,
        "days": list(event.days.select_related("site").order_by("date")),
        "sites": list(event.sites.all()),
        "participant_days": list(participant.days.order_by("date")),
        "choices": list(participant.session_choices.select_related("session__day", "session__site")),
        "registration": registration,
        "registration_total": sum((p.price for p in active), start=participant.price * 0),
        "registration_size": len(active),
        "has_qr": participant.status == Participant.Status.CONFIRMED and bool(participant.qr_secret),
        # Only a confirmed seat is paid for: a cancelled or waiting participant owes nothing.
        "owes": participant.status == Participant.Status.CONFIRMED,
    }
    if (
        participant.qr_secret
        and participant.status != Participant.Status.CANCELLED
        and registered_by_someone_else(participant)
    ):
        context["registered_by"] = registration.created_by
        context["decline_url"] = settings.SITE_URL + reverse(
            "events:decline", kwargs={"token": qr.decline_token(participant)}
        )
    return context


def render_participant_email(*, participant_id: int, name: str, extra: dict | None = None):
    """Called by the worker: the email ``name`` of one participant, with its attachments."""
    participant = Participant.objects.select_related("event", "registration__created_by").get(
        pk=participant_id
    )
    context = {**_participant_context(participant), **(extra or {})}
    attachments = []
    if name in ("confirmation", "promotion", "reminder") and context["has_qr"]:
        attachments.append(
            Attachment(ics_filename(participant.event), participant_ics(participant), "text/calendar")
        )
        attachments.append(Attachment("code-qr.png", qr.qr_png(qr.code_for(participant)), "image/png"))
    return render_email(f"events/email/{name}", context), attachments


def _render_args(participant: Participant, name: str, extra: dict | None = None) -> dict:
    return {"participant_id": participant.pk, "name": name, "extra": extra or {}}


def _send(
    participant: Participant, key: str, name: str, *, extra: dict | None = None, sensitive=False, fresh=False
):
    return email_enqueue(
        key=key,
        to=participant.email,
        render_with=PARTICIPANT_RENDERER,
        render_args=_render_args(participant, name, extra),
        sensitive=sensitive,
        fresh=fresh,
    )


# The participant was created in this transaction: its confirmation's key cannot exist yet.
def confirmation(participant: Participant, *, fresh: bool = False):
    return _send(
        participant, f"event-confirmation:{participant.pk}", "confirmation", sensitive=True, fresh=fresh
    )


def waiting(participant: Participant, *, fresh: bool = False):
    return _send(participant, f"event-waiting:{participant.pk}", "waiting", sensitive=True, fresh=fresh)


def confirmation_becomes_waiting(email, participant: Participant) -> None:
    """The confirmation recorded in this transaction becomes the waiting-list email, as ``waiting``
    would have recorded it: registration_create records every participant's confirmation before it
    counts the seats, and one UPDATE of that row (not yet committed, so neither seen nor sent)
    replaces it for a participant who found no seat."""
    OutboundEmail.objects.filter(pk=email.pk, key=f"event-confirmation:{participant.pk}").update(
        key=f"event-waiting:{participant.pk}",
        render_args=_render_args(participant, "waiting"),
    )


def promotion(participant: Participant):
    return _send(participant, f"event-promotion:{participant.pk}", "promotion", sensitive=True)


def cancellation(participant: Participant):
    return _send(participant, f"event-cancellation:{participant.pk}", "cancellation")


def reminder(participant: Participant, *, offset: int):
    return _send(
        participant,
        f"event-reminder:{participant.pk}:{offset}",
        "reminder",
        extra={"offset": offset},
        sensitive=True,
    )


def staff_message(participant: Participant, *, subject: str, body: str, key: str):
    return _send(
        participant,
        f"event-message:{key}:{participant.pk}",
        "staff_message",
        extra={"message_subject": subject, "message_body": body},
    )


# --- Ateliers ---------------------------------------------------------------------------------


def atelier_promotion(choice: SessionChoice):
    return email_enqueue(
        key=f"event-atelier-promotion:{choice.pk}",
        to=choice.participant.email,
        render_with="events.emails.render_atelier_promotion",
        render_args={"choice_id": choice.pk},
    )


def render_atelier_promotion(*, choice_id: int):
    choice = SessionChoice.objects.select_related("session__day", "session__site", "participant").get(
        pk=choice_id
    )
    context = {**_participant_context(choice.participant), "session": choice.session}
    return render_email("events/email/atelier_promotion", context), []


# --- The person who registered ------------------------------------------------------------------


def registration_recap(registration: Registration):
    return email_enqueue(
        key=f"event-recap:{registration.pk}",
        to=registration.created_by.email,
        render_with="events.emails.render_registration_recap",
        render_args={"registration_id": registration.pk},
    )


def render_registration_recap(*, registration_id: int):
    from .selectors import registration_for_recap

    registration = registration_for_recap(registration_id)
    participants = list(registration.participants.all())
    confirmed = [p for p in participants if p.status == Participant.Status.CONFIRMED]
    context = {
        "registration": registration,
        "event": registration.event,
        "participants": participants,
        "total": sum((p.price for p in confirmed), start=0),
        "manage_url": settings.SITE_URL + registration.get_absolute_url(),
    }
    return render_email("events/email/recap", context), []


def already_registered(registration: Registration, address: str):
    """To the owner of an address named again for the same event: told, not confirmed twice."""
    return email_enqueue(
        key=f"event-already:{registration.pk}:{address}",
        to=address,
        render_with="events.emails.render_already_registered",
        render_args={"registration_id": registration.pk},
    )


def render_already_registered(*, registration_id: int):
    registration = Registration.objects.select_related("event", "territory", "created_by").get(
        pk=registration_id
    )
    context = {"registration": registration, "event": registration.event}
    return render_email("events/email/already_registered", context), []
