from django import forms
from django.utils.translation import gettext_lazy as _


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Rechercher dans les articles"), max_length=200, required=False)
    annee = forms.TypedChoiceField(label=_("Année"), required=False, coerce=int, empty_value=None)
    rubrique = forms.ChoiceField(label=_("Rubrique"), required=False)

    def __init__(self, *args, **kwargs):
        from .selectors import search_filters

        super().__init__(*args, **kwargs)
        years, rubriques = search_filters()
        self.fields["annee"].choices = [("", _("Toutes"))] + [(y, str(y)) for y in years]
        self.fields["rubrique"].choices = [("", _("Toutes"))] + [(r.slug, r.name) for r in rubriques]


class SubscribeForm(forms.Form):
    email = forms.EmailField(
        label=_("Votre courriel"),
        max_length=254,
        error_messages={
            "required": _("Indiquez votre adresse électronique."),
            "invalid": _("Cette adresse électronique n'est pas valide (exemple : prenom.nom@exemple.fr)."),
        },
    )
