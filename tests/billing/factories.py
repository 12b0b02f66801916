"""Documents as the services leave them, for tests that need one without issuing it."""

from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from billing.models import Invoice


def stored_invoice(
    territory, *, number: str, kind=Invoice.Kind.FACTURE, total=Decimal("90"), **fields
) -> Invoice:
    invoice = Invoice(
        kind=kind,
        number=number,
        issued_at=timezone.now(),
        territory=territory,
        buyer_name=territory.name,
        subject="Participation (test)",
        lines=[{"label": "Participation", "quantity": 1, "unit_price": str(total), "amount": str(total)}],
        total=total,
        **fields,
    )
    invoice.pdf.save(f"{kind}-{number}.pdf", ContentFile(b"%PDF-1.7 facture"), save=False)
    invoice.save()
    return invoice
