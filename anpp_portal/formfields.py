"""Form fields shared by the apps' forms."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .formats import format_number


class PersonNameField(forms.CharField):
    """A first or last name, at most ``max_length`` characters (150, as the models).

    The input carries no HTML ``maxlength``: a browser silently cuts a pasted 2,000-character name
    to 150 and the person never knows. The server refuses it instead, in French, next to the field,
    with what was typed kept."""

    def __init__(self, *, max_length: int = 150, **kwargs):
        super().__init__(max_length=max_length, **kwargs)
        self.validators = [v for v in self.validators if v.code != "max_length"]

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)
        return attrs

    def validate(self, value):
        super().validate(value)
        if value and len(value) > self.max_length:
            raise forms.ValidationError(
                _("Ce nom est trop long : %(limit)s caractères au plus (vous en avez saisi %(typed)s)."),
                code="max_length",
                params={"limit": format_number(self.max_length), "typed": format_number(len(value))},
            )
