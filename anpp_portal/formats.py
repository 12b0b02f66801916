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


def format_date(value: datetime.date | datetime.datetime | None, pattern: str = "j F Y") -> str:
    """``date(2026, 6, 1)`` → ``"1er juin 2026"``; ``pattern`` as Django's ``date`` filter ("l j F"
    gives "lundi 1er juin"). The first of the month is "1er" in French; Django writes "1"."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime.datetime):
        from django.utils import timezone

        value = timezone.localtime(value) if timezone.is_aware(value) else value
    with translation.override("fr"):
        return french_date(value, pattern, formats.date_format)


# A time in a date pattern ("j F Y à H:i") is written by format_time: "14 h 05", not "14:05".
_TIME_IN_PATTERN = re.compile(r"(?<!\\)[HG]:i")


def french_date(value, pattern: str, render) -> str:
    """``render(value, pattern)`` (Django's date_format or date filter) the French way: "1er juin",
    and any "H:i" written "14 h 05"."""
    pieces = _TIME_IN_PATTERN.split(pattern)
    if len(pieces) == 1:
        return render(value, french_day_pattern(value, pattern))
    written = [render(value, french_day_pattern(value, piece)) if piece else "" for piece in pieces]
    return format_time(value).join(written)


def french_day_pattern(value, pattern: str) -> str:
    """``pattern`` with its day of the month ("j", not escaped) written "1er" on the first, when the
    month follows in words ("j F": "1er juin"); a numeric date stays numeric ("j/m": "1/06")."""
    if getattr(value, "day", None) != 1:
        return pattern
    return re.sub(r"(?<!\\)j(?=\s+[FEMN])", r"1\\e\\r", pattern)


def format_datetime(value: datetime.datetime | None) -> str:
    """``"7 décembre 2026 à 9 h 30"`` (local time)."""
    if value is None:
        return ""
    return f"{format_date(value)} à {format_time(value)}"


class FrenchLimitInt(int):
    """A validator's limit that prints itself the French way in its message ("5 000", not "5000")
    and compares and serialises (migrations) as the plain number it is."""

    def __str__(self):
        return format_number(int(self))


class FrenchLimitDecimal(Decimal):
    def __str__(self):
        return format_number(Decimal(self))


def limit(value):
    """Wrap a Min/MaxValueValidator's limit: ``MaxValueValidator(limit(5000))`` says "5 000" and
    ``MinValueValidator(limit(Decimal("0.01")))`` says "0,01" ("inférieure ou égale à 5 000")."""
    if value is None or isinstance(value, FrenchLimitInt | FrenchLimitDecimal):
        return value
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return FrenchLimitInt(value)
    return FrenchLimitDecimal(str(value))


class FrenchIntegerField(forms.IntegerField):
    """An integer typed the French way: ``"120 000"`` (any kind of space) is 120000."""

    widget = forms.TextInput(attrs={"inputmode": "numeric"})
    default_error_messages = {"invalid": _("Saisissez un nombre entier, par exemple 120 000.")}

    def __init__(self, *, max_value=None, min_value=None, **kwargs):
        # "inférieure ou égale à 15 000 000", not "15000000"
        super().__init__(max_value=limit(max_value), min_value=limit(min_value), **kwargs)

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

    def __init__(self, *, max_value=None, min_value=None, **kwargs):
        # "supérieure ou égale à 0,01", not "0.01"
        super().__init__(max_value=limit(max_value), min_value=limit(min_value), **kwargs)

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
