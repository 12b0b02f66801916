from django import forms
from django.utils.translation import gettext_lazy as _

from anpp_portal import forms as portal_forms

from .models import Note, Theme


def _theme_choices():
    return [("", _("Tous"))] + [(t.slug, t.name) for t in Theme.objects.all()]


class NoteFilterForm(portal_forms.Form):
    type = forms.ChoiceField(label=_("Type de note"), required=False)
    theme = forms.ChoiceField(label=_("Thème"), required=False)
    annee = forms.TypedChoiceField(label=_("Année"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [("", _("Tous")), *Note.Kind.choices]
        self.fields["theme"].choices = _theme_choices()
        self.fields["annee"].choices = [("", _("Toutes"))] + [(y, str(y)) for y in years]


class NoteSearchForm(NoteFilterForm):
    q = forms.CharField(label=_("Rechercher dans les notes"), max_length=200, required=False)
    field_order = ["q", "type", "theme", "annee"]


class QASearchForm(portal_forms.Form):
    q = forms.CharField(label=_("Rechercher dans les questions-réponses"), max_length=200, required=False)
    theme = forms.ChoiceField(label=_("Thème"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].choices = _theme_choices()


class FollowForm(portal_forms.Form):
    themes = forms.ModelMultipleChoiceField(
        label=_("Thèmes suivis"),
        queryset=Theme.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Vous recevez un courriel pour chaque nouvelle note de ces thèmes."),
    )
