"""How the billing app's URLs name a territory's data, for tests/test_territory_isolation.py."""

from billing.models import Invoice, InvoicePayment

from .factories import stored_invoice


def territory_objects(territory) -> dict:
    """A stored event invoice of ``territory`` (the events access module made its registration)."""
    from events.models import Registration

    registration = Registration.objects.filter(territory=territory).order_by("pk").first()
    invoice = stored_invoice(territory, number=f"F2018-9{territory.pk:03d}", registration=registration)
    return {"invoice": invoice}


TERRITORY_URLS = {
    "billing:document": lambda own, other: [{"pk": other["invoice"].pk}],
    # Asking for the invoice of another territory's registration.
    "billing:request_invoice": lambda own, other: [{"pk": other["registration"].pk}],
}

_STAFF_ONLY = "ANPP staff only (staff_member_required): everyone else is sent to the admin login"
OTHER_URLS = {
    "billing:invoice_staff": _STAFF_ONLY,
    "billing:invoice_payment": _STAFF_ONLY,
    "billing:invoice_chorus": _STAFF_ONLY,
    "billing:invoice_correct": _STAFF_ONLY,
    "billing:ledger_export": _STAFF_ONLY + " (the year names no territory's data)",
}


def check_unchanged(other) -> None:
    """After every forbidden request, the other territory has still one document and no payment."""
    assert Invoice.objects.filter(territory=other["territory"]).count() == 1
    assert not InvoicePayment.objects.filter(invoice__territory=other["territory"]).exists()
