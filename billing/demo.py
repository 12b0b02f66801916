"""Demo data of billing: a fictitious billing identity (before the appels of the members demo), then
one event invoice with a partial payment and one credit note (after the events demo).

Idempotent: the identity is written once, the documents only when the demo registration has none.
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from . import services
from .models import BillingIdentity

# Visibly fictitious: a document made from them says it is an example (BillingIdentity.is_example).
EXAMPLE_IDENTITY = {
    "legal_name": "Association Nationale des Pôles territoriaux et des Pays",
    "street": "22 rue Joubert",
    "postal_code": "75009",
    "city": "Paris",
    "email": "facturation@anpp.demo",
    "siret": "12345678200010",
    "vat_category": BillingIdentity.VatCategory.NOT_SUBJECT,
    "vat_mention": "TVA non applicable (mention d'exemple, à remplacer par celle de l'ANPP)",
    "vat_exemption_code": "VATEX-EU-O",
    "iban": "FR7630006000011234567890189",
    "bic": "EXPLFRPPXXX",
    "bank": "Banque fictive (exemple)",
    "account_holder": "ANPP – compte d'exemple",
    "signatory_name": "Prénom Nom (exemple)",
    "signatory_title": "Président (exemple)",
    "payment_terms": "À réception, par mandat administratif ou virement (conditions d'exemple).",
    "is_example": True,
}


def load() -> list:
    identity = services.billing_identity_get()
    if identity.missing_fields():
        for field, value in EXAMPLE_IDENTITY.items():
            setattr(identity, field, value)
        identity.save()
    return []


@transaction.atomic
def finish() -> None:
    """An invoice of the Pays Ruffécois' delegation to the demo's fictional upcoming event, paid in
    part, and a credit note for one of its participants, cancelled afterwards. (The seed's past
    gatherings say nothing of prices, so they are free in the demo and have nothing to invoice.)"""
    from events.models import Participant, Registration
    from members.models import User

    registration = (
        Registration.objects.filter(event__slug__startswith="exemple-", territory__slug="pays-ruffecois")
        .order_by("pk")
        .first()
    )
    if registration is None or registration.invoices.exists():
        return
    staff = User.objects.get(email="equipe@anpp.demo")
    invoice = services.event_invoice_issue(registration=registration, by=staff)
    services.invoice_payment_record(
        invoice=invoice,
        paid_on=timezone.localdate() - datetime.timedelta(days=3),
        amount=(invoice.total / 2).quantize(Decimal("1")),
        method="mandat",
        reference="Mandat n° EXEMPLE-042",
        by=staff,
    )
    last = (
        registration.participants.filter(status=Participant.Status.CONFIRMED, price__gt=0)
        .order_by("-pk")
        .first()
    )
    # Cancelled as the events service does, without its email (demo participants get none).
    Participant.objects.filter(pk=last.pk).update(
        status=Participant.Status.CANCELLED, cancelled_at=timezone.now(), waiting_position=None
    )
    services.participant_credit(participant=last, by=staff)
