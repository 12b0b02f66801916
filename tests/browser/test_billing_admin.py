"""ANPP staff open a paid appel in the admin: its lines are a table with French amounts (not JSON),
its payments and its balance are there; screenshot at 1280 pixels in var/screenshots."""

import re
from decimal import Decimal

from django.utils import timezone

from billing import services
from members import services as member_services

from ..billing.conftest import validated_adhesion
from ..factories import StaffFactory, TerritoryFactory
from .test_adhesion import log_in

SCREENSHOTS = "var/screenshots"


def test_a_paid_appel_page_in_the_admin_shows_its_lines_as_a_table_and_its_payments(page, transactional_db):
    staff = StaffFactory()  # « Équipe ANPP », not a superuser
    territory = TerritoryFactory(name="PETR exemple du Val fictif")
    adhesion = member_services.call_issue(adhesion=validated_adhesion(territory), by=staff)
    appel = adhesion.invoices.get()
    for amount, method, reference in (
        ("1000.50", "mandat", "Mandat n° EXEMPLE-1"),
        ("876.50", "virement", "VIR-2"),
    ):
        services.invoice_payment_record(
            invoice=appel,
            paid_on=timezone.localdate(),
            amount=Decimal(amount),
            method=method,
            reference=reference,
            by=staff,
        )

    log_in(page, staff.email)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"/admin/billing/invoice/{appel.pk}/change/")
    lines = page.locator("table.ledger-lines")
    assert lines.is_visible()
    headers = [h.strip() for h in lines.locator("thead th").all_inner_texts()]
    assert headers == ["Libellé", "Quantité", "Prix unitaire", "Montant"]
    first_row = [
        c.replace("\u202f", " ").replace("\xa0", " ") for c in lines.locator("tbody tr td").all_inner_texts()
    ]
    assert first_row[0].startswith("Cotisation 2018 – PETR exemple du Val fictif")
    assert first_row[1:] == ["1", "1 877 €", "1 877 €"]
    payments = page.locator("#payments-group")
    text = payments.inner_text().replace("\u202f", " ").replace("\xa0", " ")
    assert (
        "1 000,50 €" in text and "876,50 €" in text and "Mandat n° EXEMPLE-1" in text and "Virement" in text
    )
    summary = page.locator(".field-ledger_summary").inner_text().replace("\u202f", " ").replace("\xa0", " ")
    assert re.search(r"reste dû 0 €", summary), summary
    assert "unit_price" not in page.content()
    # The table fits the page: nothing scrolls sideways at 1280 pixels.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=f"{SCREENSHOTS}/admin-appel-paid-1280.png", full_page=True)
