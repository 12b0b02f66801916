"""Numbers and dates in the admin the French way: "2 624,00" and "52 480" in the lists and read-only
fields, "40,00" and "52 480" (typed back "1 234,50" as well) in the inputs of amounts and counts;
"1er juin 2026" and "7 décembre 2026 à 9 h 30" for dates and times.

Django's admin shows a number through one function, ``django.contrib.admin.utils.display_for_field``
(imported by the changelist and the read-only fields), which groups thousands only when
``USE_THOUSAND_SEPARATOR`` is on; turning that on would group years ("2 026") everywhere. So the
admin's two callers get the portal's formatting (anpp_portal.formats), for quantities only: not a
primary key, a year or a coded choice. Installed by the admin's AppConfig before its autodiscovery.
"""

from decimal import Decimal

from django.contrib.admin import helpers, options
from django.contrib.admin import utils as admin_utils
from django.contrib.admin.templatetags import admin_list
from django.db import models

from .formats import FrenchDecimalField, FrenchIntegerField, format_date, format_datetime, format_number

_django_display_for_field = admin_utils.display_for_field
_django_display_for_value = admin_utils.display_for_value

# Whole numbers that name something rather than count it: shown as typed ("2026", "n°7").
NOT_QUANTITIES = {"year", "edition", "number", "population_year", "position", "order"}


def is_quantity(field) -> bool:
    if not isinstance(field, models.DecimalField | models.IntegerField | models.FloatField):
        return False
    if field.choices or isinstance(field, models.AutoField | models.BigAutoField | models.SmallAutoField):
        return False
    return field.name not in NOT_QUANTITIES and not field.name.endswith("_year")


def display_for_field(value, field, empty_value_display, avoid_link=False):
    if value is not None and not field.choices and isinstance(field, models.DateTimeField):
        return format_datetime(value)
    if value is not None and not field.choices and isinstance(field, models.DateField):
        return format_date(value)
    if value is not None and is_quantity(field):
        decimals = field.decimal_places if isinstance(field, models.DecimalField) else None
        return format_number(value, decimals=decimals)
    return _django_display_for_field(value, field, empty_value_display, avoid_link)


def display_for_value(value, empty_value_display, boolean=False):
    """A column computed by a method: an amount (a Decimal, "payé (€)") is grouped; a whole number
    may be a year, and is left as Django shows it."""
    if isinstance(value, Decimal) and not boolean:
        return format_number(value, decimals=2)
    return _django_display_for_value(value, empty_value_display, boolean)


def install() -> None:
    admin_list.display_for_field = display_for_field
    admin_list.display_for_value = display_for_value
    helpers.display_for_field = display_for_field
    # Every ModelAdmin copies these defaults when it is registered: amounts and counts are typed as
    # on the site ("40,00", "52 480"). Years are small integer fields, never PositiveIntegerField.
    options.FORMFIELD_FOR_DBFIELD_DEFAULTS[models.DecimalField] = {"form_class": FrenchDecimalField}
    options.FORMFIELD_FOR_DBFIELD_DEFAULTS[models.PositiveIntegerField] = {"form_class": FrenchIntegerField}
