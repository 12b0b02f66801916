"""What billing asks of events, registered in billing's registry by EventsConfig.ready(): billing
imports no app (STYLE.md habit 13), so it reaches a registration's invoice through these functions."""

from decimal import Decimal

from billing import registry
from billing.services import NothingToInvoice, document_line
from members.services import territory_buyer

from ..models import Event, Participant, Registration
from ..selectors import registrations_visible_to
from .registrations import lock_event


def registration_lock(*, registration: Registration) -> Registration:
    """``registration`` read again, its event locked until the caller's transaction ends: no
    participant of the event changes while its invoice is made."""
    lock_event(registration.event_id)
    return Registration.objects.select_related("event", "territory", "created_by").get(pk=registration.pk)


def _buyer(registration: Registration) -> dict:
    if registration.territory_id:
        return territory_buyer(registration.territory)
    person = registration.created_by
    return {
        "buyer_name": person.get_full_name() if person else "",
        "buyer_email": person.email if person else "",
    }


def registration_invoice_content(*, registration: Registration) -> dict:
    """The subject, lines (one per confirmed participant with a price above zero), total and buyer of
    the registration's invoice; NothingToInvoice when no one has a price to pay."""
    participants = list(
        registration.participants.filter(status=Participant.Status.CONFIRMED, price__gt=0).order_by(
            "last_name", "first_name", "pk"
        )
    )
    if not participants:
        raise NothingToInvoice("Aucun participant confirmé avec un tarif payant : rien à facturer.")
    return {
        "subject": f"Participation à « {registration.event.title} »",
        "lines": [
            document_line(
                f"Participation de {p.full_name} ({p.get_function_display().lower()})",
                p.price,
                participant=p.pk,
            )
            for p in participants
        ],
        "total": sum((p.price for p in participants), Decimal("0")),
        **_buyer(registration),
    }


def registrations_to_invoice(*, event: Event):
    """The registrations of ``event`` with a confirmed participant who has a price to pay."""
    return event.registrations.filter(
        participants__status=Participant.Status.CONFIRMED, participants__price__gt=0
    )


def events_to_invoice(*, today):
    """The events whose invoicing date has come, cancelled ones excepted."""
    return Event.objects.filter(invoices_issue_on__lte=today).exclude(status=Event.Status.CANCELLED)


def _registrations_visible_to(*, user):
    return registrations_visible_to(user)


def register() -> None:
    registry.register("registrations_visible_to", _registrations_visible_to)
    registry.register("registration_lock", registration_lock)
    registry.register("registration_invoice_content", registration_invoice_content)
    registry.register("registrations_to_invoice", registrations_to_invoice)
    registry.register("events_to_invoice", events_to_invoice)
