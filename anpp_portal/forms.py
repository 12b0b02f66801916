"""The base classes of every form of the portal: each text field refuses control characters
(anpp_portal/text.py), with a French message at the field, whatever the form's own fields are."""

from django import forms

from .text import has_guard, validate_no_control_characters


class TextGuardMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.guard_text_fields()

    def guard_text_fields(self) -> None:
        for field in self.fields.values():
            # A password is checked against its hash, never stored nor rendered: left as typed.
            text = isinstance(field, forms.CharField) and not isinstance(field.widget, forms.PasswordInput)
            if text and not has_guard(field):
                field.validators.append(validate_no_control_characters)

    def full_clean(self):
        # Again here: some forms add fields after __init__ (the event's days, meals and ateliers).
        self.guard_text_fields()
        super().full_clean()


class Form(TextGuardMixin, forms.Form):
    pass


class ModelForm(TextGuardMixin, forms.ModelForm):
    pass
