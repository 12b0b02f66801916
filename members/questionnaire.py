"""The fiche de renseignements: its sections, questions, choices and help texts, defined in code.

Answers are stored as JSON on ``FicheRenseignements.answers`` (one key per question, plus the list of
member EPCI under ``epci``), so that sections, completion, exports and the differences to last year
are computed from these definitions, not written once per question. Every field is optional while
the fiche is a draft; ``required`` lists what submission demands.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.utils.translation import gettext_lazy as _

from .validators import validate_siren

YES_NO = [("", "—"), ("oui", _("Oui")), ("non", _("Non"))]
LEGAL_FORMS = [
    ("", "—"),
    ("petr", _("PETR")),
    ("syndicat_mixte", _("Syndicat mixte")),
    ("association", _("Association")),
    ("gip", _("GIP")),
    ("epci", _("EPCI")),
    ("autre", _("Autre")),
]
SCOT_STAGES = [
    ("", "—"),
    ("elaboration", _("En élaboration")),
    ("approuve", _("Approuvé")),
    ("revision", _("En révision")),
]
PROGRAMMES = [
    ("contrat_ruralite", _("Contrat de ruralité / CRTE")),
    ("leader", _("LEADER")),
    ("scot", _("SCoT")),
    ("pcaet", _("PCAET")),
    ("tepcv", _("TEPCV")),
    ("cls", _("Contrat local de santé")),
    ("reciprocite", _("Contrat de réciprocité")),
    ("contrat_regional", _("Contrat régional")),
    ("autre_contrat", _("Autre contrat")),
]

NOT_NEGATIVE = _("Ce nombre ne peut pas être négatif.")
phone_validator = RegexValidator(
    r"^[0-9 +().-]{6,20}$", _("Saisissez un numéro de téléphone, par exemple 05 45 31 00 00.")
)


def _count(label, help_text="", max_value=100_000):
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=max_value,
        help_text=help_text,
        error_messages={"min_value": NOT_NEGATIVE, "invalid": _("Saisissez un nombre entier.")},
    )


def _euros(label, help_text=""):
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=Decimal("0"),
        max_digits=12,
        decimal_places=2,
        help_text=help_text,
        # A text input read in the person's locale: "125000,50" as French people type it.
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        error_messages={
            "min_value": _("Ce montant ne peut pas être négatif."),
            "max_decimal_places": _("Deux décimales au plus."),
            "invalid": _("Saisissez un montant en euros, par exemple 125000 ou 125000,50."),
        },
    )


def _choice(label, choices, help_text=""):
    return forms.ChoiceField(label=label, required=False, choices=choices, help_text=help_text)


def _text(label, help_text="", long=False):
    widget = forms.Textarea(attrs={"rows": 4}) if long else forms.TextInput()
    return forms.CharField(
        label=label, required=False, max_length=4000 if long else 200, help_text=help_text, widget=widget
    )


class IdentiteForm(forms.Form):
    nom = _text(_("Nom de la structure"))
    forme_juridique = _choice(_("Forme juridique"), LEGAL_FORMS)
    siren = forms.CharField(
        label=_("SIREN"),
        required=False,
        max_length=11,
        validators=[validate_siren],
        help_text=_("9 chiffres."),
    )
    annee_creation = forms.IntegerField(
        label=_("Année de création"),
        required=False,
        validators=[MinValueValidator(1950), MaxValueValidator(2100)],
        error_messages={"invalid": _("Saisissez une année, par exemple 2015.")},
    )
    adresse = _text(_("Adresse"), long=True)
    site_internet = forms.URLField(
        label=_("Site internet"),
        required=False,
        assume_scheme="https",
        error_messages={"invalid": _("Saisissez une adresse web complète, par exemple https://www.pays.fr.")},
    )
    email_contact = forms.EmailField(
        label=_("Email de contact"),
        required=False,
        error_messages={"invalid": _("Saisissez une adresse email valide.")},
    )
    telephone = forms.CharField(
        label=_("Téléphone"), required=False, max_length=20, validators=[phone_validator]
    )

    def clean_siren(self):
        return "".join(self.cleaned_data["siren"].split())


class PerimetreForm(forms.Form):
    nombre_communes = _count(_("Nombre de communes"), max_value=5000)
    population = _count(_("Population"), _("Population totale du territoire."), max_value=15_000_000)
    annee_population = forms.IntegerField(
        label=_("Année de la population"),
        required=False,
        validators=[MinValueValidator(1990), MaxValueValidator(2100)],
    )


class EpciForm(forms.Form):
    nom = forms.CharField(label=_("Nom de l'EPCI"), max_length=200, required=False)
    siren = forms.CharField(label=_("SIREN"), required=False, max_length=11, validators=[validate_siren])
    nombre_communes = _count(_("Communes"), max_value=5000)
    population = _count(_("Population"), max_value=15_000_000)

    def clean_siren(self):
        return "".join(self.cleaned_data["siren"].split())

    def clean(self):
        data = super().clean()
        if any(
            data.get(name) not in (None, "") for name in ("siren", "nombre_communes", "population")
        ) and not data.get("nom"):
            self.add_error("nom", _("Indiquez le nom de l'EPCI."))
        return data


class BaseEpciFormSet(forms.BaseFormSet):
    def rows(self) -> list[dict]:
        return [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and form.cleaned_data.get("nom") and not form.cleaned_data.get("DELETE")
        ]


EpciFormSet = forms.formset_factory(EpciForm, formset=BaseEpciFormSet, extra=1, can_delete=True, max_num=200)


class GouvernanceForm(forms.Form):
    president_nom = _text(_("Président(e)"))
    president_mandat = _text(_("Mandat du président"), _("Par exemple 2020-2026."))
    vice_presidents = _text(_("Vice-président(e)s"), _("Un nom par ligne, avec sa délégation."), long=True)
    codev_existe = _choice(_("Un conseil de développement existe-t-il ?"), YES_NO)
    codev_membres = _count(_("Nombre de membres du conseil de développement"))
    codev_partage_epci = _choice(_("Conseil de développement partagé avec un EPCI ?"), YES_NO)
    bureau_taille = _count(_("Nombre de membres du bureau"))
    assemblee_taille = _count(_("Nombre de membres de l'assemblée (comité syndical, conseil)"))


class EquipeForm(forms.Form):
    directeur_nom = _text(_("Directeur / directrice"))
    directeur_email = forms.EmailField(
        label=_("Email du directeur"),
        required=False,
        error_messages={"invalid": _("Saisissez une adresse email valide.")},
    )
    directeur_telephone = forms.CharField(
        label=_("Téléphone du directeur"), required=False, max_length=20, validators=[phone_validator]
    )
    etp = forms.DecimalField(
        label=_("Équipe (équivalents temps plein)"),
        required=False,
        min_value=Decimal("0"),
        max_digits=5,
        decimal_places=1,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        error_messages={"min_value": NOT_NEGATIVE, "invalid": _("Saisissez un nombre, par exemple 4,5.")},
    )
    postes_thematiques = _text(
        _("Postes thématiques"), _("Un poste par ligne (ex. : chargée de mission LEADER)."), long=True
    )


class BudgetForm(forms.Form):
    budget_fonctionnement = _euros(_("Budget de fonctionnement de l'année (€)"))
    budget_investissement = _euros(_("Budget d'investissement de l'année (€)"))


def _programme_fields():
    fields = {}
    for key, label in PROGRAMMES:
        fields[f"{key}_porte"] = _choice(
            _("%(programme)s : porté par le territoire ?") % {"programme": label}, YES_NO
        )
        fields[f"{key}_periode"] = _text(
            _("%(programme)s : période") % {"programme": label}, _("Par exemple 2017-2020.")
        )
        fields[f"{key}_montant"] = _euros(_("%(programme)s : montant (€)") % {"programme": label})
        fields[f"{key}_contact"] = _text(_("%(programme)s : contact") % {"programme": label})
    fields["leader_gal"] = _choice(_("LEADER : le territoire est-il porteur du GAL ?"), YES_NO)
    fields["scot_stade"] = _choice(_("SCoT : stade"), SCOT_STAGES)
    fields["reciprocite_metropole"] = _text(_("Contrat de réciprocité : avec quelle métropole ?"))
    return fields


ContractualisationForm = type("ContractualisationForm", (forms.Form,), _programme_fields())


class ProjetsForm(forms.Form):
    projets_phares = _text(
        _("Projets phares"), _("Deux ou trois projets qui illustrent l'action du territoire."), long=True
    )
    commentaires = _text(_("Commentaires libres"), long=True)


@dataclass(frozen=True)
class Section:
    slug: str
    title: str
    form_class: type
    required: tuple[str, ...]


SECTIONS = [
    Section("identite", _("Identité"), IdentiteForm, ("nom", "forme_juridique", "siren", "email_contact")),
    Section(
        "perimetre", _("Périmètre"), PerimetreForm, ("nombre_communes", "population", "annee_population")
    ),
    Section(
        "gouvernance",
        _("Gouvernance"),
        GouvernanceForm,
        ("president_nom", "codev_existe", "assemblee_taille"),
    ),
    Section("equipe", _("Équipe"), EquipeForm, ("directeur_nom", "etp")),
    Section("budget", _("Budget"), BudgetForm, ("budget_fonctionnement",)),
    Section(
        "contractualisation",
        _("Contractualisation et programmes"),
        ContractualisationForm,
        tuple(f"{key}_porte" for key, _label in PROGRAMMES if key != "autre_contrat"),
    ),
    Section("projets", _("Projets phares et commentaires"), ProjetsForm, ("projets_phares",)),
]
SECTIONS_BY_SLUG = {section.slug: section for section in SECTIONS}


def section_of_field(name: str) -> Section:
    for section in SECTIONS:
        if name in section.form_class.base_fields:
            return section
    raise KeyError(name)


def field_label(name: str) -> str:
    return str(section_of_field(name).form_class.base_fields[name].label)


def all_field_names() -> list[str]:
    return [name for section in SECTIONS for name in section.form_class.base_fields]


def to_json(value):
    """Form values to JSON: decimals as strings (no float rounding), dates as ISO strings."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def is_filled(value) -> bool:
    return value not in (None, "", [])


def missing_fields(answers: dict) -> list[tuple[Section, str]]:
    return [
        (section, name)
        for section in SECTIONS
        for name in section.required
        if not is_filled(answers.get(name))
    ]


def section_complete(section: Section, answers: dict) -> bool:
    return all(is_filled(answers.get(name)) for name in section.required)


def perimetre_error(population, epci_rows: list[dict]) -> str | None:
    """A territory cannot have fewer inhabitants than its member EPCI together."""
    total = sum(row.get("population") or 0 for row in epci_rows)
    if population is not None and epci_rows and total > population:
        return _(
            "La population (%(population)s) est inférieure à la somme de celle des EPCI membres (%(total)s)."
        ) % {"population": population, "total": total}
    return None
