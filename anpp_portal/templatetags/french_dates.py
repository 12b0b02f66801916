"""Django's ``date`` filter, writing the first of the month "1er" in French ("1er juin", not "1 juin")
and a time "14 h 05" (not "14:05").

Installed as a template builtin (settings.TEMPLATES ``builtins``), so every ``{{ d|date:"j F Y" }}``
of every template, the admin's included, reads the French way without loading anything; the rule
itself is anpp_portal.formats.french_day_pattern, as for dates written in Python (format_date)."""

from django import template
from django.template import defaultfilters
from django.utils import translation
from django.utils.formats import get_format

from anpp_portal.formats import french_date

register = template.Library()


@register.filter(expects_localtime=True, is_safe=False)
def date(value, arg=None):
    if value in (None, "") or not (translation.get_language() or "").startswith("fr"):
        return defaultfilters.date(value, arg)
    return french_date(value, arg or get_format("DATE_FORMAT"), defaultfilters.date)
