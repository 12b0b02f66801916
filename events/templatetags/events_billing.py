"""The invoices block of a registration's page: its documents (billing's) and, when it has
something to invoice and no invoice yet, the button asking for it. One line in the page's template:
{% load events_billing %}{% registration_invoices registration %}."""

from django import template

from billing import selectors
from members.permissions import Action, can

from ..models import Participant

register = template.Library()


@register.inclusion_tag("billing/_registration_invoices.html", takes_context=True)
def registration_invoices(context, registration):
    invoices = selectors.registration_invoices(registration)
    request = context.get("request")
    user = getattr(request, "user", None)
    has_invoice = any(invoice.kind == "facture" for invoice in invoices)
    payable = any(
        participant.status == Participant.Status.CONFIRMED and participant.price > 0
        for participant in context.get("participants", [])
    )
    may_request = (
        not has_invoice
        and payable
        and user is not None
        and (registration.territory is None or can(user, Action.ACT, registration.territory))
    )
    return {
        "registration": registration,
        "invoices": invoices,
        "balance": selectors.total_balance(invoices),
        "may_request": may_request,
        "csrf_token": context.get("csrf_token"),
    }
