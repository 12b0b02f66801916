"""Issue 28, survivors of the mutation run on billing/services.py: each refusal of a payment says
why, in French, word for word (an imported spreadsheet's report and the staff page show it)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from billing import services

from .conftest import priced_registration, record_payment

pytestmark = pytest.mark.django_db


def _pay(invoice, staff, *, amount="10", paid_on=None):
    return services.payment_add(
        invoice=invoice,
        paid_on=paid_on or timezone.localdate(),
        amount=Decimal(amount),
        method="virement",
        reference="VIR-FICTIF",
        by=staff,
    )


@pytest.mark.parametrize(
    "change, message",
    [
        (
            {"paid_on": timezone.localdate() + timedelta(days=1)},
            "La date du paiement ne peut pas être dans le futur.",
        ),
        ({"amount": "0"}, "Le montant doit être positif, avec au plus deux décimales."),
        ({"amount": "-5"}, "Le montant doit être positif, avec au plus deux décimales."),
        ({"amount": "10.005"}, "Le montant doit être positif, avec au plus deux décimales."),
    ],
    ids=["dated-tomorrow", "zero", "negative", "three-decimals"],
)
def test_a_payment_dated_tomorrow_or_of_a_wrong_amount_is_refused_saying_why(
    territory_a, staff, change, message
):
    invoice = services.event_invoice_issue(registration=priced_registration(territory_a), by=staff)
    with pytest.raises(services.PaymentRefused) as refused:
        _pay(invoice, staff, **change)
    assert str(refused.value) == message
    assert not invoice.payments.exists()


def test_a_credit_note_is_never_paid_and_the_refusal_says_why(territory_a, territory_b, staff):
    for territory in (territory_a, territory_b):
        invoice = services.event_invoice_issue(registration=priced_registration(territory), by=staff)
        note = services.credit_note_issue(
            invoice=invoice,
            lines=[services.document_line("Geste fictif", Decimal("20"))],
            reason="Fictif",
            by=staff,
        )
        with pytest.raises(services.PaymentRefused) as refused:
            _pay(note, staff)
        assert (
            str(refused.value) == "Un avoir ne se paie pas : il vient en déduction du document qu'il corrige."
        )
        assert not note.payments.exists()
        assert _pay(invoice, staff).amount == Decimal("10")  # the document it corrects is paid as usual


def test_an_overpayment_names_the_amount_refused_and_the_balance_and_a_payment_keeps_who_recorded_it(
    territory_a, staff
):
    invoice = services.event_invoice_issue(registration=priced_registration(territory_a), by=staff)
    with pytest.raises(services.PaymentRefused) as refused:
        _pay(invoice, staff, amount="200.50")
    words = str(refused.value).replace("\u202f", " ").replace("\u00a0", " ")
    assert words == f"Paiement refusé : 200,50 € dépasse le solde restant dû de {invoice} (180 €)."
    payment = _pay(invoice, staff, amount="180")
    payment.refresh_from_db()
    assert payment.recorded_by == staff


def test_staff_who_may_only_read_the_ledger_see_no_form_on_a_document_page_and_staff_who_may_change_it_do(
    client, territory_a, territory_b, staff
):
    from django.urls import reverse

    from ..factories import ViewOnlyStaffFactory

    reader = ViewOnlyStaffFactory()
    for territory in (territory_a, territory_b):
        invoice = services.event_invoice_issue(registration=priced_registration(territory), by=staff)
        url = reverse("billing:invoice_staff", kwargs={"pk": invoice.pk})
        actions = [
            reverse(f"billing:{name}", kwargs={"pk": invoice.pk})
            for name in ("invoice_payment", "invoice_chorus")
        ]
        client.force_login(staff)
        page = client.get(url).content.decode()
        assert all(f'action="{action}"' in page for action in actions)
        client.force_login(reader)
        response = client.get(url)
        page = response.content.decode()
        assert response.status_code == 200 and invoice.number in page
        assert not any(f'action="{action}"' in page for action in actions)
        assert "Pas encore déposée" in page  # what the Chorus Pro deposit is, without its form


def test_a_payment_of_an_event_invoice_keeps_who_recorded_it_and_a_credit_note_is_never_corrected(
    territory_a, staff
):
    from ..factories import StaffFactory

    colleague = StaffFactory()
    invoice = services.event_invoice_issue(registration=priced_registration(territory_a), by=staff)
    paid = record_payment(invoice, "20", colleague)  # through invoice_payment_record
    assert paid.recorded_by == colleague
    note = services.credit_note_issue(
        invoice=invoice, lines=[services.document_line("Geste (fictif)", Decimal("10"))], reason="R", by=staff
    )
    with pytest.raises(services.BillingError) as refused:
        services.credit_note_issue(
            invoice=note, lines=[services.document_line("Geste", Decimal("1"))], reason="R", by=staff
        )
    assert str(refused.value) == "Un avoir ne se corrige pas par un autre avoir."
    for amount in ("0", "-5"):
        with pytest.raises(services.BillingError) as refused:
            services.credit_note_issue(
                invoice=invoice,
                lines=[services.document_line("Geste", Decimal(amount))],
                reason="R",
                by=staff,
            )
        assert str(refused.value) == "Un avoir porte sur un montant positif."
