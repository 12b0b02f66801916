from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anpp_portal import forms as portal_forms
from anpp_portal.formats import FrenchDecimalField

from .models import PaymentMethod


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _not_in_future(value):
    if value and value > timezone.localdate():
        raise forms.ValidationError(_("La date ne peut pas être dans le futur."))
    return value


class PaymentForm(portal_forms.Form):
    paid_on = forms.DateField(label=_("Date du paiement"), widget=DateInput())
    amount = FrenchDecimalField(label=_("Montant (€)"), max_digits=10, decimal_places=2, min_value=0.01)
    method = forms.ChoiceField(label=_("Mode de paiement"), choices=PaymentMethod.choices)
    reference = forms.CharField(
        label=_("Référence"),
        max_length=100,
        required=False,
        help_text=_("N° de mandat, de virement ou de chèque."),
    )

    def clean_paid_on(self):
        return _not_in_future(self.cleaned_data["paid_on"])


class ChorusDepositForm(portal_forms.Form):
    deposited_on = forms.DateField(label=_("Déposé sur Chorus Pro le"), widget=DateInput())
    number = forms.CharField(label=_("Numéro de dépôt Chorus Pro"), max_length=50)

    def clean_deposited_on(self):
        return _not_in_future(self.cleaned_data["deposited_on"])


class AmountCorrectionForm(portal_forms.Form):
    amount = FrenchDecimalField(
        label=_("Montant corrigé (€)"), max_digits=10, decimal_places=2, min_value=0.01
    )
    reason = forms.CharField(label=_("Motif de la correction"), max_length=300)
