"""French numbers, amounts and times, read and written the way a French person types and reads them.

One place for "120 000", "1 234,50 €", "9 h 30": forms accept what people type (normal, non-breaking
or narrow non-breaking spaces as thousands separators, a comma or a point as the decimal mark) and
every page, email, PDF and export shows the same format.
"""

import datetime
import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils import formats, translation
from django.utils.translation import gettext_lazy as _

CENT = Decimal("0.01")
# Spaces a French number may carry as thousands separators: normal, no-break, narrow no-break, thin.
_SPACES = re.compile("[ \u00a0\u202f\u2009]")
_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")


def parse_decimal(text: str) -> Decimal:
    """``"1 234,50"`` → ``Decimal("1234.50")``. Raises ``ValueError`` for anything else.

    Spaces of any kind group thousands; a comma is the decimal mark (a point is accepted too, as in
    "4.5", when there is no comma; with a comma, points are thousands separators: "1.234,50")."""
    cleaned = _SPACES.sub("", str(text).strip())
    if "," in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".", 1)
    if not _NUMBER.match(cleaned):
        raise ValueError(text)
    try:
        return Decimal(cleaned)
    except InvalidOperation as error:  # pragma: no cover - the pattern above already excludes these
        raise ValueError(text) from error


def format_number(value, decimals: int | None = None) -> str:
    """``1234.5`` → ``"1 234,5"`` (French grouping, whatever the active language of the request)."""
    if value is None or value == "":
        return ""
    with translation.override("fr"):
        return formats.number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)


def format_euros(value) -> str:
    """``Decimal("1877")`` → ``"1 877 €"``; ``Decimal("1234.5")`` → ``"1 234,50 €"``."""
    if value is None or value == "":
        return ""
    amount = Decimal(value).quantize(CENT)
    if amount == amount.to_integral_value():
        return f"{format_number(amount.quantize(Decimal('1')))} €"
    return f"{format_number(amount, decimals=2)} €"


def format_unit_price(value) -> str:
    """A rate with as many decimals as it has, at least two: ``Decimal("0.0500")`` → ``"0,05 €"``,
    ``Decimal("0.0525")`` → ``"0,0525 €"`` (a rate per inhabitant is not rounded to the cent)."""
    if value is None or value == "":
        return ""
    amount = Decimal(value).normalize()
    decimals = max(2, -amount.as_tuple().exponent)
    return f"{format_number(amount, decimals=decimals)} €"


def format_price(value) -> str:
    """An amount to pay: ``"Gratuit"`` for zero, else :func:`format_euros`."""
    if value is not None and Decimal(value) == 0:
        return str(_("Gratuit"))
    return format_euros(value)


def format_time(value: datetime.time | datetime.datetime | None) -> str:
    """``time(9, 30)`` → ``"9 h 30"``; ``time(14, 0)`` → ``"14 h"``."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        from django.utils import timezone

        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{value.hour} h {value.minute:02d}" if value.minute else f"{value.hour} h"


class FrenchIntegerField(forms.IntegerField):
    """An integer typed the French way: ``"120 000"`` (any kind of space) is 120000."""

    widget = forms.TextInput(attrs={"inputmode": "numeric"})
    default_error_messages = {"invalid": _("Saisissez un nombre entier, par exemple 120 000.")}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, int):
            return value
        try:
            number = parse_decimal(value)
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        if number != number.to_integral_value():
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return int(number)

    def prepare_value(self, value):
        return format_number(value) if isinstance(value, int) else value

    def widget_attrs(self, widget):
        # No min/max/step HTML attributes: the browser would refuse "120 000" in a number input.
        return {}


class FrenchDecimalField(forms.DecimalField):
    """An amount typed the French way: ``"1 234,50"`` is ``Decimal("1234.50")``."""

    widget = forms.TextInput(attrs={"inputmode": "decimal"})
    default_error_messages = {"invalid": _("Saisissez un nombre, par exemple 1 234,50.")}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        try:
            return parse_decimal(value)
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None

    def prepare_value(self, value):
        # Decimals stored as JSON text ("450000.00") are shown in French format too.
        if isinstance(value, str) and _NUMBER.match(value.strip()):
            value = Decimal(value.strip())
        if isinstance(value, Decimal | int | float):
            return format_number(value, decimals=self.decimal_places)
        return value

    def widget_attrs(self, widget):
        return {}
