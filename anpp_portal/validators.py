"""Validators of French public identifiers (SIREN, SIRET), usable on model fields of every app.

python-stdnum (a dependency of django-localflavor) knows the checksums and La Poste's exception.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.fr import siren, siret


def validate_siren(value: str) -> None:
    if not (value or "").isdigit() or not siren.is_valid(value):
        raise ValidationError(
            _("Numéro SIREN invalide : 9 chiffres dont le dernier est une clé de contrôle."),
            code="invalid_siren",
        )


def validate_siret(value: str) -> None:
    if not (value or "").isdigit() or not siret.is_valid(value):
        raise ValidationError(
            _("Numéro SIRET invalide : 14 chiffres (SIREN + NIC) avec une clé de contrôle valide."),
            code="invalid_siret",
        )
