"""Blocks that show a territory's documents where its people already look: the territory page and
the registration page. Each is one line in the page's template: {% load billing %}{% … %}."""

from django import template

from members.permissions import Action, can

from .. import selectors

register = template.Library()


@register.inclusion_tag("members/territory/_invoices.html", takes_context=True)
def territory_invoices(context, territory):
    invoices = selectors.territory_invoices(territory)
    return {"territory": territory, "invoices": invoices, "balance": selectors.total_balance(invoices)}


@register.inclusion_tag("billing/_registration_invoices.html", takes_context=True)
def registration_invoices(context, registration):
    from events.models import Participant

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
