"""Text at the boundary: no C0 control character other than tab, newline and carriage return.

lxml refuses them in a Factur-X XML, openpyxl in a spreadsheet cell, WeasyPrint draws them as boxes:
a participant's name carrying ``\\x0b`` once made an invoice that could never be rendered. One rule,
applied at one depth:

- every CharField and TextField of every model gets :data:`validate_no_control_characters`
  (:func:`guard_model_text_fields`, from ``AnppPortalConfig.ready``), so ``full_clean`` (services,
  every ModelForm, the admin) refuses it with a French message at the field;
- every form of the project derives from :class:`anpp_portal.forms.Form` or ``ModelForm``, which add
  the same validator to each of their text fields (dynamic fields included);
- ``tests/test_control_characters.py`` walks the models and the forms and fails on one without it.

What was stored before is cleaned by each app's ``strip_control_characters`` data migration
(:func:`strip_stored_control_characters`), and the exports remove them when writing a cell
(:func:`strip_control_characters`).
"""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

# C0 controls but tab (\x09), newline (\x0a) and carriage return (\x0d): what XML 1.0 refuses, and
# what openpyxl's ILLEGAL_CHARACTERS_RE matches.
CONTROL_CHARACTERS_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def strip_control_characters(value):
    """``value`` without its control characters (anything that is not a string is returned as is)."""
    if isinstance(value, str):
        return CONTROL_CHARACTERS_RE.sub("", value)
    return value


@deconstructible
class ControlCharacterValidator:
    message = _(
        "Ce texte contient un caractère de contrôle invisible (%(code)s), souvent venu d'un copier-coller : "
        "retirez-le et réessayez."
    )
    code = "control_character"

    def __call__(self, value):
        match = CONTROL_CHARACTERS_RE.search(str(value)) if value is not None else None
        if match:
            raise ValidationError(
                self.message, code=self.code, params={"code": f"U+{ord(match.group()):04X}"}
            )

    def __eq__(self, other):
        return isinstance(other, ControlCharacterValidator)

    def __hash__(self):
        return hash(self.code)


validate_no_control_characters = ControlCharacterValidator()


def has_guard(field) -> bool:
    return any(isinstance(validator, ControlCharacterValidator) for validator in field.validators)


def guard_model_text_fields() -> None:
    """Add the validator to every CharField and TextField of every installed model (the list built
    by ``Field.validators``, not the field's ``validators`` argument: migrations do not see it)."""
    from django.apps import apps

    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.get_fields():
            if isinstance(field, models.CharField | models.TextField) and not has_guard(field):
                field.validators.append(validate_no_control_characters)


def _strip_deep(value):
    """``value`` (a string, or JSON: lists and dicts of them) without control characters."""
    if isinstance(value, str):
        return strip_control_characters(value)
    if isinstance(value, list):
        return [_strip_deep(item) for item in value]
    if isinstance(value, dict):
        return {_strip_deep(key): _strip_deep(item) for key, item in value.items()}
    return value


def strip_stored_control_characters(apps, app_label: str) -> int:
    """Data migration body: remove control characters from every text column of ``app_label``'s
    models, and from the strings inside their JSON columns (an invoice's lines carry participants'
    names, a fiche's answers what was typed). ``apps``: the migration's historical models.
    Returns the rows changed."""
    changed = 0
    for model in apps.get_app_config(app_label).get_models():
        fields = [
            field.attname
            for field in model._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField | models.JSONField)
        ]
        if not fields:
            continue
        batch = []
        for row in model._base_manager.only("pk", *fields).iterator(chunk_size=2000):
            dirty = False
            for name in fields:
                value = getattr(row, name)
                cleaned = _strip_deep(value)
                if cleaned != value:
                    setattr(row, name, cleaned)
                    dirty = True
            if dirty:
                batch.append(row)
        if batch:
            model._base_manager.bulk_update(batch, fields, batch_size=500)
            changed += len(batch)
    return changed
