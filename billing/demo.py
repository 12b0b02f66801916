"""Demo data of billing: a fictitious billing identity, loaded before the appels of the members demo.
(The demo's event invoice, partial payment and credit note are events': events/demo.py finish().)

Idempotent: the identity is written once.
"""

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
