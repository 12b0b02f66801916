"""Template filters for French formats: ``{% load fr %}`` then ``{{ n|nombre }}``, ``{{ x|euros }}``,
``{{ price|prix }}`` ("Gratuit" for zero),
``{{ rate|prix_unitaire }}`` ("0,0525 €"), ``{{ t|heure }}`` ("9 h 30")."""

from django import template

from anpp_portal import formats

register = template.Library()


@register.filter
def nombre(value, decimals=None):
    return formats.format_number(value, decimals=decimals)


@register.filter
def euros(value):
    return formats.format_euros(value)


@register.filter
def prix_unitaire(value):
    return formats.format_unit_price(value)


@register.filter
def prix(value):
    return formats.format_price(value)


@register.filter
def heure(value):
    return formats.format_time(value)
