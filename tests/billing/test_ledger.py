"""One ledger: a document's balance (total − payments − credit notes) and a territory's, the
adhésion paid when its appel's balance reaches zero (attestation once), credit notes capped by what
remains of the document, overpayments refused naming the balance, numbers in the Paris year."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from anpp_portal.models import OutboundEmail
from billing import selectors, services
from billing.models import Invoice, InvoicePayment
from members import services as member_services
from members.models import Adhesion

from .conftest import called_adhesion, priced_registration, record_payment, validated_adhesion

pytestmark = pytest.mark.django_db


def _plain(text: str) -> str:
    return text.replace("\u202f", " ").replace("\xa0", " ")


def _credit(invoice, amount, staff):
    return services.credit_note_issue(
        invoice=invoice,
        lines=[services.document_line("Geste commercial", Decimal(amount))],
        reason="Test",
        by=staff,
    )


def test_a_document_balance_is_its_total_less_its_payments_and_credit_notes(territory_a, staff):
    invoice = services.event_invoice_issue(registration=priced_registration(territory_a), by=staff)
    assert invoice.total == Decimal("180") and selectors.document_balance(invoice) == Decimal("180")
    record_payment(invoice, "60", staff)
    assert selectors.document_balance(invoice) == Decimal("120")
    note = _credit(invoice, "90", staff)
    assert selectors.document_balance(invoice) == Decimal("30")
    assert selectors.document_balance(note) == 0  # a credit note asks for nothing itself
    [row] = selectors.with_balance(Invoice.objects.filter(pk=invoice.pk))
    assert (row.paid, row.credited, row.balance) == (Decimal("60"), Decimal("90"), Decimal("30"))


def test_a_territory_balance_sums_its_documents_of_three_years_and_no_other_territory(
    territory_a, territory_b, staff, monkeypatch
):
    # Appels of three campaigns issued in three years (the clock, outside the project, is mocked).
    for year, amount in ((2016, "1000.00"), (2017, "1100.00"), (2018, "1200.00")):
        issued = datetime.datetime(year, 3, 1, 10, tzinfo=datetime.UTC)
        monkeypatch.setattr(timezone, "now", lambda issued=issued: issued)
        member_services.call_issue(
            adhesion=validated_adhesion(territory_a, year=year, amount=Decimal(amount)), by=staff
        )
    monkeypatch.undo()
    appels = {a.adhesion.campaign.year: a for a in Invoice.objects.filter(kind=Invoice.Kind.APPEL)}
    record_payment(appels[2016], "1000", staff)  # settled
    record_payment(appels[2017], "100.50", staff)  # 999,50 € remain
    invoice_b = services.event_invoice_issue(registration=priced_registration(territory_b), by=staff)
    record_payment(invoice_b, "20", staff)

    assert selectors.territory_balance(territory_a) == Decimal("999.50") + Decimal("1200.00")
    assert selectors.territory_balance(territory_a, year=2016) == 0
    assert selectors.territory_balance(territory_a, year=2017) == Decimal("999.50")
    assert selectors.territory_balance(territory_a, year=2018) == Decimal("1200.00")
    assert selectors.territory_balance(territory_b) == Decimal("160")
    paid_2017 = Adhesion.objects.get(campaign__year=2017)
    assert Adhesion.objects.get(campaign__year=2016).status == Adhesion.Status.PAYEE
    assert paid_2017.status == Adhesion.Status.APPEL_EMIS


def test_the_adhesion_is_paid_when_its_appel_balance_reaches_zero_and_the_attestation_comes_once(
    territory_a, staff, django_capture_on_commit_callbacks
):
    adhesion = called_adhesion(territory_a, staff)
    appel = adhesion.invoices.get(kind=Invoice.Kind.APPEL)
    with django_capture_on_commit_callbacks(execute=True):
        record_payment(appel, "1000", staff)
    adhesion.refresh_from_db()
    assert adhesion.status == Adhesion.Status.APPEL_EMIS and not adhesion.attestation_pdf
    with django_capture_on_commit_callbacks(execute=True):
        record_payment(appel, "877", staff, reference="V-2")
    adhesion.refresh_from_db()
    assert selectors.document_balance(appel) == 0
    assert adhesion.status == Adhesion.Status.PAYEE and adhesion.attestation_pdf
    attestation = adhesion.attestation_pdf.name
    # A second rendering (a duplicated task, beat's safety net) neither replaces nor re-sends it.
    assert member_services.adhesion_documents_render(adhesion_id=adhesion.pk) == []
    adhesion.refresh_from_db()
    assert adhesion.attestation_pdf.name == attestation
    paid_emails = OutboundEmail.objects.filter(key__startswith=f"adhesion:{adhesion.pk}:paid:")
    assert paid_emails.values("key").distinct().count() == 1
    # A settled appel takes no more payment: the refusal names its balance.
    with pytest.raises(services.PaymentRefused) as refused:
        record_payment(appel, "1", staff, reference="M-3")
    assert "solde restant dû" in str(refused.value) and "(0 €)" in _plain(str(refused.value))
    assert appel.payments.count() == 2


def test_an_overpayment_is_refused_with_a_french_message_naming_the_balance(territory_a, staff):
    adhesion = called_adhesion(territory_a, staff)
    appel = adhesion.invoices.get(kind=Invoice.Kind.APPEL)
    record_payment(appel, "1000", staff)
    with pytest.raises(services.PaymentRefused) as refused:
        record_payment(appel, "877.01", staff, reference="M-2")
    assert "solde restant dû" in str(refused.value) and "(877 €)" in _plain(str(refused.value))
    invoice = services.event_invoice_issue(registration=priced_registration(territory_a), by=staff)
    _credit(invoice, "45.50", staff)
    with pytest.raises(services.PaymentRefused) as refused:
        record_payment(invoice, "140", staff)
    assert "(134,50 €)" in _plain(str(refused.value))
    assert InvoicePayment.objects.count() == 1
    adhesion.refresh_from_db()
    assert adhesion.status == Adhesion.Status.APPEL_EMIS


def test_the_staff_page_refuses_an_overpayment_next_to_the_amount_keeping_what_was_typed(
    client, territory_a, staff
):
    adhesion = called_adhesion(territory_a, staff)
    appel = adhesion.invoices.get(kind=Invoice.Kind.APPEL)
    client.force_login(staff)
    from django.urls import reverse

    response = client.post(
        reverse("billing:invoice_payment", kwargs={"pk": appel.pk}),
        {
            "paid_on": timezone.localdate().isoformat(),
            "amount": "2000",
            "method": "virement",
            "reference": "V-9",
        },
    )
    page = _plain(response.content.decode())
    assert "solde restant dû" in page and "1 877 €" in page and 'value="V-9"' in page
    assert not InvoicePayment.objects.exists()


def test_a_credit_note_never_exceeds_what_remains_of_the_document_it_corrects(territory_a, staff):
    invoice = services.event_invoice_issue(registration=priced_registration(territory_a), by=staff)
    _credit(invoice, "100", staff)
    with pytest.raises(services.CreditNoteTooLarge) as refused:
        _credit(invoice, "80.01", staff)
    assert _plain(str(refused.value)) == (
        f"Avoir refusé : 80,01 € dépasse ce qui reste de {invoice} à corriger (80 €)."
    )
    _credit(invoice, "80", staff)
    with pytest.raises(services.CreditNoteTooLarge):
        _credit(invoice, "0.01", staff)
    assert invoice.credit_notes.count() == 2 and selectors.document_balance(invoice) == 0
    # Nothing was numbered for the refused ones: the series stays gapless.
    year = timezone.localdate().year
    assert sorted(invoice.credit_notes.values_list("number", flat=True)) == [
        f"AV{year}-0001",
        f"AV{year}-0002",
    ]


@pytest.mark.parametrize(
    ("utc_time", "year"),
    [
        (datetime.datetime(2018, 12, 31, 22, 30, tzinfo=datetime.UTC), 2018),  # 23 h 30 in Paris
        (datetime.datetime(2018, 12, 31, 23, 30, tzinfo=datetime.UTC), 2019),  # already 0 h 30 on 1 January
    ],
)
def test_a_document_takes_the_series_of_its_year_on_paris_time(
    territory_a, territory_b, staff, monkeypatch, utc_time, year
):
    monkeypatch.setattr(timezone, "now", lambda: utc_time)
    adhesion = member_services.call_issue(adhesion=validated_adhesion(territory_a), by=staff)
    invoice = services.event_invoice_issue(registration=priced_registration(territory_b), by=staff)
    note = _credit(invoice, "10", staff)
    assert adhesion.call_number == f"{year}-0001" and adhesion.invoices.get().number == f"{year}-0001"
    assert (invoice.number, note.number) == (f"F{year}-0001", f"AV{year}-0001")
