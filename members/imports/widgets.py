"""Cell readers of the imports: French numbers and dates, choices by code or label, a territory by SIREN.

Each raises ``ValueError`` with a French message; django-import-export reports it at the row and the
column (members/imports/resources.py).
"""

import re
from datetime import date, datetime, time
from decimal import Decimal

from django.utils import timezone
from import_export.widgets import ManyToManyWidget, Widget

from anpp_portal.exports import csv_cell
from anpp_portal.formats import parse_decimal

from .formats import header_key

SPACES = re.compile(r"[\s\u00a0\u202f]+")


def text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def siren_text(value) -> str:
    """A SIREN as typed: spaces removed (« 200 067 213 »); a number read from a workbook as text."""
    return SPACES.sub("", text(value))


class FrenchIntegerWidget(Widget):
    def clean(self, value, row=None, **kwargs):
        if isinstance(value, int | float) and not isinstance(value, bool):
            number = Decimal(str(value))
        else:
            raw = text(value)
            if not raw:
                return None
            try:
                number = parse_decimal(raw)
            except ValueError:
                raise ValueError(f"Nombre entier attendu, pas « {raw} ».") from None
        if number != number.to_integral_value() or number < 0:
            raise ValueError(f"Nombre entier positif attendu, pas « {text(value)} ».")
        return int(number)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


def parse_amount(value) -> Decimal | None:
    """An amount as a French spreadsheet holds it: « 1 234,50 », « 1234.5 », « 1 200 € », or a number."""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        amount = Decimal(str(value))
    else:
        raw = text(value).replace("€", "").strip()
        if not raw:
            return None
        try:
            amount = parse_decimal(raw)
        except ValueError:
            raise ValueError(f"Montant attendu (ex. 1 234,50), pas « {text(value)} ».") from None
    if amount != amount.quantize(Decimal("0.01")):
        raise ValueError(f"Au plus deux décimales : « {text(value)} ».")
    return amount.quantize(Decimal("0.01"))


def render_amount(value: Decimal | None) -> str:
    """« 1234,50 »: the decimal comma, no grouping, so that the spreadsheet reads a number (as
    anpp_portal/exports.py writes amounts)."""
    return "" if value is None else csv_cell(value)


class FrenchDecimalWidget(Widget):
    def clean(self, value, row=None, **kwargs):
        return parse_amount(value)

    def render(self, value, obj=None, **kwargs):
        return render_amount(value)


def parse_date(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = text(value)
    if not raw:
        return None
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d/%m/%y"):
        try:
            return datetime.strptime(raw.split(" ")[0], pattern).date()
        except ValueError:
            continue
    raise ValueError(f"Date attendue au format JJ/MM/AAAA, pas « {raw} ».")


def render_date(value: date | None) -> str:
    return "" if value is None else value.strftime("%d/%m/%Y")


class FrenchDateTimeWidget(Widget):
    """A day typed in the sheet, stored as noon of that day in Paris (it reads as the same day)."""

    def clean(self, value, row=None, **kwargs):
        day = parse_date(value)
        if day is None:
            return None
        return timezone.make_aware(datetime.combine(day, time(12, 0)))

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else render_date(timezone.localtime(value).date())


class ChoiceWidget(Widget):
    """A choice typed as its code, its label, or the label's short form before a parenthesis."""

    def __init__(self, choices, what: str, allow_blank_as=None):
        super().__init__()
        self.choices = [(str(code), str(label)) for code, label in choices]
        self.what = what
        self.allow_blank_as = allow_blank_as
        self.lookup = {}
        for code, label in self.choices:
            for name in (code, label, label.split(" (")[0]):
                self.lookup.setdefault(header_key(name), code)

    def clean(self, value, row=None, **kwargs):
        raw = text(value)
        if not raw:
            if self.allow_blank_as is not None:
                return self.allow_blank_as
            raise ValueError(f"{self.what} manquant(e).")
        code = self.lookup.get(header_key(raw))
        if code is None:
            possible = ", ".join(label.split(" (")[0] for _, label in self.choices)
            raise ValueError(f"{self.what} inconnu(e) : « {raw} ». Valeurs possibles : {possible}.")
        return code

    def render(self, value, obj=None, **kwargs):
        return next((label.split(" (")[0] for code, label in self.choices if code == value), text(value))


class DepartmentsWidget(ManyToManyWidget):
    """Département codes separated by commas (« 16, 17 »); an unknown code is refused by name."""

    def __init__(self, model):
        super().__init__(model, separator=",", field="code")
        self._known = None

    def known(self) -> dict:
        if self._known is None:
            self._known = {department.code: department for department in self.model.objects.all()}
        return self._known

    def clean(self, value, row=None, **kwargs):
        codes = [code for code in re.split(r"[,;\s]+", text(value).upper()) if code]
        departments = []
        for code in codes:
            code = code.zfill(2) if code.isdigit() and len(code) < 2 else code
            department = self.known().get(code)
            if department is None:
                raise ValueError(f"Département inconnu : « {code} ».")
            departments.append(department)
        return departments

    def render(self, value, obj=None, **kwargs):
        return ", ".join(sorted(department.code for department in value.all())) if value is not None else ""


class TerritoryBySirenWidget(Widget):
    """The territory of a SIREN, from the territories already in the portal (read once per import)."""

    def __init__(self, model):
        super().__init__()
        self.model = model
        self._by_siren = None

    def clean(self, value, row=None, **kwargs):
        siren = siren_text(value)
        if not siren:
            raise ValueError("Indiquez le SIREN du territoire.")
        if self._by_siren is None:
            self._by_siren = {
                territory.siren: territory for territory in self.model.objects.exclude(siren="")
            }
        territory = self._by_siren.get(siren)
        if territory is None:
            raise ValueError(f"Aucun territoire n'a le SIREN {siren} : importez d'abord les territoires.")
        return territory

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else value.siren
