from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Role


class SignupForm(forms.Form):
    """Extra fields of allauth's signup form: a person is known by first and last name."""

    first_name = forms.CharField(
        label=_("Prénom"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        label=_("Nom"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )

    field_order = ["first_name", "last_name", "email", "password1", "password2"]

    def signup(self, request, user):
        user.first_name = self.cleaned_data["first_name"].strip()
        user.last_name = self.cleaned_data["last_name"].strip()
        user.save(update_fields=["first_name", "last_name"])


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label=_("Adresse email de la personne à inviter"),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        error_messages={"invalid": _("Saisissez une adresse email valide, par exemple prenom.nom@pays.fr.")},
    )
    role = forms.ChoiceField(
        label=_("Rôle"),
        choices=Role.choices,
        initial=Role.MEMBRE,
        help_text=_("Un référent peut inviter et gérer les personnes du territoire."),
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Rôle"), choices=Role.choices)
