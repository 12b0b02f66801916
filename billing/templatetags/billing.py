"""The block that shows a territory's documents where its people already look: the territory's
year page, in one line: {% load billing %}{% territory_invoices territory %}. (A registration's
block is events', events/templatetags/events_billing.py: billing imports no app.)"""

from django import template

from .. import selectors

register = template.Library()


@register.inclusion_tag("members/territory/_invoices.html", takes_context=True)
def territory_invoices(context, territory):
    invoices = selectors.territory_invoices(territory)
    return {"territory": territory, "invoices": invoices, "balance": selectors.total_balance(invoices)}
