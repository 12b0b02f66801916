import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from billing import services
from billing.models import Invoice

from ..factories import StaffFactory
from .conftest import called_adhesion, priced_registration

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(StaffFactory())
    return client


def test_the_documents_list_shows_balances_and_filters_what_is_not_deposited(
    admin_client, territory_a, staff, django_assert_max_num_queries
):
    called_adhesion(territory_a, staff)
    invoice = services.event_invoice_issue(registration=priced_registration(territory_a), by=staff)
    services.chorus_deposit_record(
        invoice=invoice, deposited_on=timezone.localdate(), number="CPP-9", by=staff
    )
    url = reverse("admin:billing_invoice_changelist")
    with django_assert_max_num_queries(12):
        page = admin_client.get(url).content.decode().replace("\u202f", " ").replace("\xa0", " ")
    assert f"{timezone.localdate().year}-0001" in page and invoice.number in page and "1 877 €" in page
    page = admin_client.get(url, {"chorus": "non"}).content.decode()
    assert f"{timezone.localdate().year}-0001" in page and invoice.number not in page


def test_staff_record_a_chorus_deposit_from_the_admin_through_the_service(admin_client, territory_a, staff):
    invoice = services.event_invoice_issue(registration=priced_registration(territory_a), by=staff)
    url = reverse("admin:billing_invoice_change", args=[invoice.pk])
    page = admin_client.get(url).content.decode()
    assert invoice.number in page and "facturation/facture-" not in page  # no storage URL of the PDF
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    admin_client.post(
        url, {"chorus_deposited_on": tomorrow.isoformat(), "chorus_number": "CPP-1", **_inline()}
    )
    invoice.refresh_from_db()
    assert invoice.chorus_deposited_on is None  # refused: in the future
    admin_client.post(
        url, {"chorus_deposited_on": timezone.localdate().isoformat(), "chorus_number": "CPP-1", **_inline()}
    )
    invoice.refresh_from_db()
    assert invoice.chorus_number == "CPP-1"
    assert admin_client.get(reverse("admin:billing_invoice_add")).status_code == 403  # issued, never typed in
    assert Invoice.objects.count() == 1


def _inline() -> dict:
    return {
        "payments-TOTAL_FORMS": "0",
        "payments-INITIAL_FORMS": "0",
        "payments-MIN_NUM_FORMS": "0",
        "payments-MAX_NUM_FORMS": "1000",
    }


def _page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode().replace("\u202f", " ").replace("\xa0", " ")


def test_a_paid_appel_page_shows_its_lines_as_a_table_its_payments_and_its_balance(
    client, territory_a, territory_b, staff, django_assert_max_num_queries
):
    adhesion = called_adhesion(territory_a, staff)
    appel = adhesion.invoices.get()
    called_adhesion(territory_b, staff)  # another territory's appel, not on this page
    today = timezone.localdate()
    for amount, reference in (("1000.50", "M-2018-117"), ("876.50", "V-2018-9")):
        services.invoice_payment_record(
            invoice=appel,
            paid_on=today,
            amount=Decimal(amount),
            method="mandat",
            reference=reference,
            by=staff,
        )
    client.force_login(staff)  # a member of « Équipe ANPP », not a superuser
    with django_assert_max_num_queries(30):
        page = _page(client, reverse("admin:billing_invoice_change", args=[appel.pk]))
    assert "unit_price" not in page and '"amount"' not in page  # no JSON
    assert '<table class="ledger-lines">' in page
    assert f"Cotisation 2018 – {territory_a.name}" in page and "37 533 habitants" in page
    assert page.count("1 877 €") >= 3  # unit price, line amount, total
    assert "1 000,50 €" in page and "876,50 €" in page and "M-2018-117" in page and "V-2018-9" in page
    assert "Mandat administratif" in page and "Aucun avoir." in page
    assert "reste dû <strong>" not in page and "= <strong>reste dû 0 €</strong>" in page
    assert territory_b.name not in page


def test_a_corrected_invoice_page_lists_its_credit_notes_and_what_remains(client, territory_a, staff):
    invoice = services.event_invoice_issue(registration=priced_registration(territory_a), by=staff)
    note = services.credit_note_issue(
        invoice=invoice,
        lines=[services.document_line("Geste commercial", Decimal("45.50"))],
        reason="Retard",
        by=staff,
    )
    client.force_login(staff)
    page = _page(client, reverse("admin:billing_invoice_change", args=[invoice.pk]))
    assert note.number in page and "45,50 €" in page and "Retard" in page
    assert "= <strong>reste dû 134,50 €</strong>" in page
    page = _page(client, reverse("admin:billing_invoice_change", args=[note.pk]))
    assert "Un avoir ne se paie pas" in page and invoice.number in page and "Geste commercial" in page
