"""Form fields for lists kept as JSON on a model, so that staff never type JSON in the admin:
"7, 1" for days, one line per item for quotes and links, "Nom | rôle" for authors."""

from django import forms
from django.utils.translation import gettext_lazy as _


class IntegerListField(forms.CharField):
    """Whole numbers separated by commas or spaces: "30, 15, 7" ↔ ``[30, 15, 7]``."""

    def __init__(self, *, min_value=0, max_value=365, **kwargs):
        self.min_value, self.max_value = min_value, max_value
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault(
            "help_text",
            _("Des nombres de jours séparés par des virgules, par exemple « 7, 1 ». Vide : aucun."),
        )
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(str(v) for v in value)
        return value

    def to_python(self, value):
        if isinstance(value, list):
            return value
        numbers = []
        for part in (value or "").replace(";", ",").replace(" ", ",").split(","):
            if not part.strip():
                continue
            try:
                number = int(part)
            except ValueError:
                raise forms.ValidationError(
                    _("« %(part)s » n'est pas un nombre entier de jours.") % {"part": part.strip()}
                ) from None
            if not self.min_value <= number <= self.max_value:
                raise forms.ValidationError(
                    _("Chaque nombre doit être compris entre %(min)s et %(max)s.")
                    % {"min": self.min_value, "max": self.max_value}
                )
            numbers.append(number)
        return sorted(set(numbers), reverse=True)

    def has_changed(self, initial, data):
        try:
            return sorted(initial or [], reverse=True) != self.to_python(data)
        except forms.ValidationError:
            return True


class LinesField(forms.CharField):
    """One item per line ↔ a list of strings."""

    widget = forms.Textarea(attrs={"rows": 3})

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", _("Un élément par ligne."))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        if isinstance(value, list):
            return value
        return [line.strip() for line in (value or "").splitlines() if line.strip()]

    def has_changed(self, initial, data):
        return (initial or []) != self.to_python(data)


class NameRoleListField(LinesField):
    """One person per line, "Nom | rôle" (the rôle may be left out) ↔ ``[{"name", "role"}]``."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("Une personne par ligne : « Nom | rôle » (le rôle est facultatif)."))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(
                f"{item.get('name', '')} | {item['role']}" if item.get("role") else item.get("name", "")
                for item in value
            )
        return value

    def to_python(self, value):
        if isinstance(value, list):
            return value
        people = []
        for line in super().to_python(value):
            name, _sep, role = line.partition("|")
            if not name.strip():
                raise forms.ValidationError(_("Il manque un nom : « %(line)s ».") % {"line": line})
            people.append(
                {"name": name.strip(), "role": role.strip()} if role.strip() else {"name": name.strip()}
            )
        return people
