from django import forms
from django.utils.translation import gettext_lazy as _

from anpp_portal import forms as portal_forms
from anpp_portal.formats import FrenchIntegerField
from anpp_portal.formfields import PersonNameField
from anpp_portal.validators import validate_siren

from .models import Adhesion, DirectoryProfile, JoinRequest, Role, Territory


class SignupForm(portal_forms.Form):
    """Extra fields of allauth's signup form: a person is known by first and last name."""

    first_name = PersonNameField(
        label=_("Prénom"), widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    last_name = PersonNameField(label=_("Nom"), widget=forms.TextInput(attrs={"autocomplete": "family-name"}))

    field_order = ["first_name", "last_name", "email", "password1", "password2"]

    def signup(self, request, user):
        user.first_name = self.cleaned_data["first_name"].strip()
        user.last_name = self.cleaned_data["last_name"].strip()
        user.save(update_fields=["first_name", "last_name"])


class InvitationForm(portal_forms.Form):
    email = forms.EmailField(
        label=_("Adresse email de la personne à inviter"),
        max_length=254,  # as the model: a longer address is a form error, not a 500 at full_clean
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        error_messages={"invalid": _("Saisissez une adresse email valide, par exemple prenom.nom@pays.fr.")},
    )
    role = forms.ChoiceField(
        label=_("Rôle"),
        choices=Role.choices,
        initial=Role.MEMBRE,
        help_text=_("Un référent peut inviter et gérer les personnes du territoire."),
    )


class RoleForm(portal_forms.Form):
    role = forms.ChoiceField(label=_("Rôle"), choices=Role.choices)


class AdhesionForm(portal_forms.ModelForm):
    """What a territory fills for its yearly adhésion; required fields are enforced at submission."""

    # Longer than the 14 digits it stores: people type SIRETs with spaces ("200 070 498 00007").
    siret = forms.CharField(
        label=_("SIRET"),
        max_length=20,
        required=False,
        help_text=_("14 chiffres, espaces acceptés."),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    # Typed the French way: "37 533" (any kind of space).
    population = FrenchIntegerField(
        label=_("Population retenue"),
        required=False,
        min_value=1,
        max_value=15_000_000,
        help_text=_("Population retenue par le barème de l'année ; elle sert au calcul de la cotisation."),
        error_messages={
            "min_value": _("La population doit être d'au moins un habitant."),
            "max_value": _("Cette population paraît trop élevée pour un territoire."),
        },
    )

    class Meta:
        model = Adhesion
        fields = [
            "population",
            "signatory_name",
            "signatory_role",
            "billing_contact_name",
            "billing_contact_email",
            "billing_address",
            "siret",
            "chorus_service_code",
            "engagement_number",
            "deliberation_date",
        ]
        widgets = {
            "billing_address": forms.Textarea(attrs={"rows": 4, "autocomplete": "street-address"}),
            "deliberation_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {
            "chorus_service_code": _("Si votre structure reçoit ses factures par Chorus Pro."),
        }
        error_messages = {
            "billing_contact_email": {"invalid": _("Saisissez une adresse email valide.")},
            "deliberation_date": {"invalid": _("Saisissez une date valide, par exemple 15/01/2018.")},
        }

    def clean_siret(self):
        return "".join(self.cleaned_data["siret"].split())

    def clean_population(self):
        population = self.cleaned_data["population"]
        if population is not None and population < 1:
            raise forms.ValidationError(_("La population doit être d'au moins un habitant."))
        return population


class DeleteAccountForm(portal_forms.Form):
    password = forms.CharField(
        label=_("Votre mot de passe, pour confirmer"),
        max_length=4096,  # hashing a megabyte-long "password" is work an attacker should not get for free
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(
        label=_("Je comprends que la suppression est définitive."),
        error_messages={"required": _("Cochez la case pour confirmer.")},
    )

    def __init__(self, user, *args, rate_limited: bool = False, **kwargs):
        self.user = user
        self.rate_limited = rate_limited
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if self.rate_limited:  # the password is not even checked: guessing it here gets nowhere
            raise forms.ValidationError(
                _("Trop de tentatives de suppression : réessayez dans un quart d'heure."), code="rate_limited"
            )
        if not self.user.check_password(password):
            raise forms.ValidationError(_("Mot de passe incorrect."))
        return password


class DirectoryFilterForm(portal_forms.Form):
    """The directory's filters (GET): only values some member territory has are offered."""

    region = forms.ChoiceField(label=_("Région"), required=False)
    departement = forms.ChoiceField(label=_("Département"), required=False)
    nature = forms.ChoiceField(label=_("Nature"), required=False)

    def __init__(self, *args, choices: dict, **kwargs):
        super().__init__(*args, **kwargs)
        invalid = _("Ce choix ne correspond à aucun territoire membre ; choisissez dans la liste.")
        for name, key, empty in (
            ("region", "regions", _("Toutes les régions")),
            ("departement", "departments", _("Tous les départements")),
            ("nature", "kinds", _("Toutes les natures")),
        ):
            self.fields[name].choices = [("", empty), *choices[key]]
            self.fields[name].error_messages["invalid_choice"] = invalid


class DirectoryProfileForm(portal_forms.ModelForm):
    """The référent's choice of what the public directory shows of the territory."""

    class Meta:
        model = DirectoryProfile
        fields = [
            "show_population",
            "show_communes",
            "show_epci",
            "show_website",
            "show_contact",
            "contact_email",
        ]
        labels = {
            "show_population": _("Publier la population"),
            "show_communes": _("Publier le nombre de communes"),
            "show_epci": _("Publier la liste des EPCI membres"),
            "show_website": _("Publier le site internet"),
            "show_contact": _("Publier l'adresse de contact"),
            "contact_email": _("Adresse email de contact publique (facultative)"),
        }
        error_messages = {
            "contact_email": {
                "invalid": _("Saisissez une adresse email valide, par exemple contact@pays.fr.")
            }
        }


class SimulatorForm(portal_forms.Form):
    """The public cotisation simulator: a kind of territory and a population."""

    nature = forms.ChoiceField(label=_("Nature du territoire"), choices=Territory.Kind.choices)
    population = FrenchIntegerField(
        label=_("Population"),
        required=False,
        min_value=1,
        max_value=15_000_000,
        help_text=_("Par exemple 37 533. Inutile pour un conseil de développement au forfait."),
        error_messages={
            "min_value": _("La population doit être d'au moins un habitant."),
            "max_value": _("Cette population paraît trop élevée pour un territoire."),
        },
    )


class JoinRequestForm(portal_forms.ModelForm):
    """A territory not yet in the portal asks to join the ANPP."""

    siren = forms.CharField(
        label=_("SIREN de la structure"),
        max_length=11,
        help_text=_("9 chiffres, espaces acceptés (par exemple 200 070 498)."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    population = FrenchIntegerField(
        label=_("Population"),
        min_value=1,
        max_value=15_000_000,
        help_text=_("Population municipale du territoire, par exemple 37 533."),
        error_messages={
            "min_value": _("La population doit être d'au moins un habitant."),
            "max_value": _("Cette population paraît trop élevée pour un territoire."),
        },
    )

    class Meta:
        model = JoinRequest
        fields = [
            "territory_name",
            "kind",
            "siren",
            "departments",
            "population",
            "first_name",
            "last_name",
            "function",
            "email",
        ]
        field_classes = {"first_name": PersonNameField, "last_name": PersonNameField}
        labels = {
            "territory_name": _("Nom du territoire"),
            "first_name": _("Votre prénom"),
            "last_name": _("Votre nom"),
            "function": _("Votre fonction"),
            "email": _("Votre adresse email"),
        }
        help_texts = {
            "territory_name": _("Par exemple : PETR du Pays Ruffécois."),
            "departments": _("Maintenez Ctrl (ou Cmd) pour en choisir plusieurs."),
            "function": _("Par exemple : directrice, président."),
            "email": _("Si la demande est acceptée, l'invitation à créer votre compte y sera envoyée."),
        }
        widgets = {
            "departments": forms.SelectMultiple(attrs={"size": 6}),
            "first_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "last_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
        }
        error_messages = {
            "territory_name": {"required": _("Indiquez le nom du territoire.")},
            "kind": {"required": _("Choisissez la nature du territoire.")},
            "departments": {"required": _("Choisissez au moins un département.")},
            "first_name": {"required": _("Indiquez votre prénom.")},
            "last_name": {"required": _("Indiquez votre nom.")},
            "function": {"required": _("Indiquez votre fonction.")},
            "email": {
                "required": _("Indiquez votre adresse email."),
                "invalid": _("Saisissez une adresse email valide, par exemple prenom.nom@pays.fr."),
            },
        }

    def clean_siren(self):
        siren = "".join(self.cleaned_data["siren"].split())
        validate_siren(siren)
        return siren


class SurveyResultsFilterForm(portal_forms.Form):
    """The filters of a survey's results (GET): a région, a kind of territory; empty keeps all."""

    region = forms.ChoiceField(label=_("Région"), required=False)
    nature = forms.ChoiceField(label=_("Nature du territoire"), required=False)

    def __init__(self, *args, **kwargs):
        from localflavor.fr.fr_region import REGION_2016_CHOICES

        super().__init__(*args, **kwargs)
        invalid = _("Ce choix n'existe pas ; choisissez dans la liste.")
        self.fields["region"].choices = [("", _("Toutes les régions")), *REGION_2016_CHOICES]
        self.fields["nature"].choices = [("", _("Toutes les natures")), *Territory.Kind.choices]
        for name in ("region", "nature"):
            self.fields[name].error_messages["invalid_choice"] = invalid

    def filters(self) -> dict:
        """The filters to apply: none while the form is invalid (its errors are shown instead)."""
        if not self.is_valid():
            return {"region": "", "kind": ""}
        return {"region": self.cleaned_data["region"], "kind": self.cleaned_data["nature"]}
