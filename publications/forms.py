from django import forms
from django.utils.translation import gettext_lazy as _

from anpp_portal import forms as portal_forms

from .fts import MAX_QUERY_WORDS, parse_query


class SearchForm(portal_forms.Form):
    q = forms.CharField(label=_("Rechercher dans les articles"), max_length=200, required=False)
    annee = forms.TypedChoiceField(label=_("Année"), required=False, coerce=int, empty_value=None)
    rubrique = forms.ChoiceField(label=_("Rubrique"), required=False)

    def __init__(self, *args, **kwargs):
        from .selectors import search_filters

        super().__init__(*args, **kwargs)
        years, rubriques = search_filters()
        self.fields["annee"].choices = [("", _("Toutes"))] + [(y, str(y)) for y in years]
        self.fields["rubrique"].choices = [("", _("Toutes"))] + [(r.slug, r.name) for r in rubriques]

    def clean_q(self):
        q = self.cleaned_data["q"]
        if parse_query(q).too_long:
            raise forms.ValidationError(
                _(
                    "Votre recherche compte trop de mots : %(max)d au plus, sans compter les mots "
                    "courants comme « de » ou « la ». Retirez-en quelques-uns."
                ),
                code="too_long",
                params={"max": MAX_QUERY_WORDS},
            )
        return q


class SubscribeForm(portal_forms.Form):
    email = forms.EmailField(
        label=_("Votre courriel"),
        max_length=254,
        error_messages={
            "required": _("Indiquez votre adresse électronique."),
            "invalid": _("Cette adresse électronique n'est pas valide (exemple : prenom.nom@exemple.fr)."),
        },
    )


def shipped_issue_folders() -> list[tuple[str, str]]:
    """(name, label) of the issue folders shipped in publications/content/."""
    from .demo import CONTENT_DIR

    return [
        (path.name, path.name)
        for path in sorted(CONTENT_DIR.iterdir())
        if path.is_dir() and (path / "issue.yaml").is_file()
    ]


class IssueImportForm(portal_forms.Form):
    """Staff import an issue folder, as ``manage.py import_issue``: one shipped with the portal, or
    a .zip of a folder (issue.yaml and the NN-slug.md files)."""

    folder = forms.ChoiceField(label=_("Dossier livré avec le portail"), required=False)
    archive = forms.FileField(
        label=_("ou une archive .zip du dossier"),
        required=False,
        help_text=_("Le fichier issue.yaml et un fichier NN-titre.md par article, comme dans le README."),
    )
    publish = forms.BooleanField(
        label=_("Publier le numéro après l'import"),
        required=False,
        help_text=_(
            "Sans cette case, le numéro importé reste un brouillon, invisible du public ; "
            "publié, il est annoncé une fois aux abonnés de la lettre."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["folder"].choices = [("", "—"), *shipped_issue_folders()]

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("folder")) == bool(cleaned.get("archive")):
            raise forms.ValidationError(
                _("Choisissez un dossier livré avec le portail ou une archive .zip, pas les deux.")
            )
        return cleaned
