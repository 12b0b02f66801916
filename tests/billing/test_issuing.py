"""Numbering, refusals, credit notes, event invoices, payments, balances and Chorus Pro deposits."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from billing import selectors, services
from billing.models import Invoice, InvoicePayment, InvoiceSequence
from events import services as event_services
from members import services as member_services
from members.models import Adhesion

from ..factories import StaffFactory
from .conftest import called_adhesion, priced_registration, validated_adhesion

pytestmark = pytest.mark.django_db


def _without(field: str) -> None:
    identity = services.billing_identity_get()
    setattr(identity, field, "")
    identity.save()


@pytest.mark.parametrize(("field", "label"), [("iban", "IBAN"), ("siret", "SIRET de l'ANPP")])
def test_an_appel_is_refused_naming_the_missing_part_and_nothing_is_numbered(
    territory_a, staff, field, label
):
    _without(field)
    adhesion = validated_adhesion(territory_a)
    with pytest.raises(services.BillingIdentityIncomplete) as refused:
        member_services.call_issue(adhesion=adhesion, by=staff)
    assert label in str(refused.value) and "aucun numéro" in str(refused.value)
    adhesion.refresh_from_db()
    assert (
        adhesion.status == Adhesion.Status.VALIDEE and adhesion.call_number is None and not adhesion.call_pdf
    )
    assert not InvoiceSequence.objects.filter(last_number__gt=0).exists()
    assert not Invoice.objects.exists()


@pytest.mark.parametrize(("field", "label"), [("iban", "IBAN"), ("siret", "SIRET de l'ANPP")])
def test_an_event_invoice_and_a_credit_note_are_refused_without_numbering(territory_a, staff, field, label):
    registration = priced_registration(territory_a)
    invoice = services.event_invoice_issue(registration=registration, by=staff)
    _without(field)
    with pytest.raises(services.BillingIdentityIncomplete, match=label):
        services.event_invoice_issue(registration=priced_registration(territory_a), by=staff)
    participant = registration.participants.filter(status="confirmed", price__gt=0).first()
    with pytest.raises(event_services.EventsError, match=label):
        event_services.participant_cancel(participant=participant, by=staff)
    participant.refresh_from_db()
    assert participant.status == "confirmed"  # the cancellation waits for a credit note it can issue
    assert list(Invoice.objects.values_list("number", flat=True)) == [invoice.number]
    assert list(InvoiceSequence.objects.values_list("series", "last_number")) == [("F", 1)]


def test_the_admin_names_the_missing_parts_of_the_identity(client):

    _without("iban")
    client.force_login(StaffFactory())
    identity = services.billing_identity_get()
    response = client.get(reverse("admin:billing_billingidentity_change", args=[identity.pk]), follow=True)
    assert "IBAN" in response.content.decode()


def test_cancelling_a_called_adhesion_issues_a_credit_note_the_territory_sees_with_the_appel(
    client, territory_a, person_a, person_b, staff
):
    adhesion = called_adhesion(territory_a, staff)
    member_services.adhesion_cancel(adhesion=adhesion, by=staff, reason="Adhésion saisie en double.")
    appel = Invoice.objects.get(kind=Invoice.Kind.APPEL)
    note = Invoice.objects.get(kind=Invoice.Kind.AVOIR)
    assert note.corrects == appel and note.number == f"AV{timezone.localdate().year}-0001"
    assert note.total == appel.total and note.reason == "Adhésion saisie en double."
    assert selectors.invoice_balance(appel) == 0
    client.force_login(person_a)
    page = client.get(reverse("members:territory", kwargs={"slug": territory_a.slug})).content.decode()
    assert appel.number in page and note.number in page and f"corrige le n° {appel.number}" in page
    for invoice in (appel, note):
        response = client.get(reverse("billing:document", kwargs={"pk": invoice.pk}))
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    client.force_login(person_b)
    assert client.get(reverse("billing:document", kwargs={"pk": note.pk})).status_code == 404


def test_correcting_an_appel_amount_issues_a_credit_note_and_a_new_appel(territory_a, staff):
    adhesion = called_adhesion(territory_a, staff)
    new = member_services.adhesion_amount_correct(
        adhesion=adhesion, amount=Decimal("1500.00"), reason="Population corrigée", by=staff
    )
    assert (
        new.status == Adhesion.Status.APPEL_EMIS
        and new.call_number == f"{timezone.localdate().year}-0002"
        and new.amount == 1500
    )
    adhesion.refresh_from_db()
    assert adhesion.status == Adhesion.Status.ANNULEE
    note = Invoice.objects.get(kind=Invoice.Kind.AVOIR)
    assert note.corrects.number == f"{timezone.localdate().year}-0001" and note.total == Decimal("1877.00")
    assert new.invoices.get().total == Decimal("1500.00")
    assert selectors.total_balance(selectors.territory_invoices(territory_a)) == Decimal("1500.00")


def test_one_invoice_per_registration_for_its_paying_confirmed_participants(territory_a, staff):
    registration = priced_registration(territory_a, prices=(Decimal("90"), Decimal("90")))
    invoice = services.event_invoice_issue(registration=registration, by=staff)
    year = timezone.localdate().year
    assert invoice.number == f"F{year}-0001" and invoice.total == Decimal("180") and len(invoice.lines) == 2
    assert invoice.buyer_siret == "" and invoice.buyer_name == territory_a.name
    with pytest.raises(services.AlreadyInvoiced):
        services.event_invoice_issue(registration=registration, by=staff)
    free = priced_registration(territory_a, prices=())
    with pytest.raises(services.NothingToInvoice):
        services.event_invoice_issue(registration=free, by=staff)
    assert InvoiceSequence.objects.get(series="F").last_number == 1


def test_the_event_invoice_takes_the_buyer_details_of_the_territorys_adhesion(territory_a, staff):
    called_adhesion(territory_a, staff)
    invoice = services.event_invoice_issue(registration=priced_registration(territory_a), by=staff)
    assert (invoice.buyer_siret, invoice.buyer_service_code) == ("20007049800007", "SERVICE-FACT")


def test_staff_issue_all_invoices_of_an_event_and_beat_issues_them_on_the_events_date(
    territory_a, territory_b, staff
):
    first = priced_registration(territory_a)
    event = first.event
    priced_registration(territory_b, event=event)
    priced_registration(territory_b, event=event, prices=())  # nothing to invoice
    assert len(services.event_invoices_issue(event=event, by=staff)) == 2
    assert services.event_invoices_issue(event=event, by=staff) == []
    later = priced_registration(territory_a)
    later.event.invoices_issue_on = datetime.date(2030, 1, 10)
    later.event.save()
    assert services.event_invoices_issue_due(today=datetime.date(2030, 1, 9)) == 0
    assert services.event_invoices_issue_due(today=datetime.date(2030, 1, 10)) == 1
    assert later.invoices.filter(kind="facture").exists()


def test_a_territory_asks_for_its_invoice_and_sees_it_with_its_balance(client, territory_a, person_a):
    registration = priced_registration(territory_a)
    client.force_login(person_a)
    url = reverse("events:registration", kwargs={"pk": registration.pk})
    assert "Demander la facture maintenant" in client.get(url).content.decode()
    response = client.post(reverse("billing:request_invoice", kwargs={"pk": registration.pk}), follow=True)
    invoice = registration.invoices.get()
    page = response.content.decode()
    assert invoice.number in page and "Reste dû pour cette inscription" in page and "180 €" in page
    assert "Demander la facture maintenant" not in page


def test_cancelling_an_invoiced_participant_issues_a_credit_note_for_their_line(
    client, territory_a, person_a, staff
):
    registration = priced_registration(territory_a, prices=(Decimal("90"), Decimal("40")))
    invoice = services.event_invoice_issue(registration=registration, by=staff)
    cheaper = registration.participants.get(price=Decimal("40"))
    event_services.participant_cancel(participant=cheaper, by=person_a)
    note = invoice.credit_notes.get()
    assert note.total == Decimal("40") and note.lines[0]["participant"] == cheaper.pk
    assert selectors.invoice_balance(invoice) == Decimal("90")
    # The registration's page lists the credit note beside its invoice, by whom it was issued.
    assert note.created_by == person_a
    client.force_login(person_a)
    page = client.get(reverse("events:registration", kwargs={"pk": registration.pk})).content.decode()
    assert f"Avoir {note.number}" in page and "− 40 €" in page
    free = registration.participants.get(price=0)
    event_services.participant_cancel(participant=free, by=person_a)  # not on the invoice
    assert invoice.credit_notes.count() == 1


def test_payments_partial_then_full_and_never_in_the_future(territory_a, staff):
    invoice = services.event_invoice_issue(registration=priced_registration(territory_a), by=staff)
    today = timezone.localdate()
    pay = {"invoice": invoice, "method": "virement", "reference": "VIR-1", "by": staff}
    with pytest.raises(services.PaymentRefused, match="futur"):
        services.invoice_payment_record(
            paid_on=today + datetime.timedelta(days=1), amount=Decimal("10"), **pay
        )
    services.invoice_payment_record(paid_on=today, amount=Decimal("100"), **pay)
    assert selectors.invoice_balance(invoice) == Decimal("80")
    with pytest.raises(services.PaymentRefused, match="solde"):
        services.invoice_payment_record(paid_on=today, amount=Decimal("80.01"), **pay)
    services.invoice_payment_record(paid_on=today, amount=Decimal("80"), **pay)
    assert selectors.invoice_balance(invoice) == 0 and InvoicePayment.objects.count() == 2


def test_an_appel_paid_through_its_invoice_makes_the_adhesion_paid(territory_a, staff):
    adhesion = called_adhesion(territory_a, staff)
    appel = adhesion.invoices.get()
    today = timezone.localdate()
    services.invoice_payment_record(
        invoice=appel, paid_on=today, amount=Decimal("877"), method="mandat", reference="M-1", by=staff
    )
    assert selectors.invoice_balance(appel) == Decimal("1000.00")
    services.invoice_payment_record(
        invoice=appel, paid_on=today, amount=Decimal("1000"), method="mandat", reference="M-2", by=staff
    )
    adhesion.refresh_from_db()
    assert adhesion.status == Adhesion.Status.PAYEE and selectors.invoice_balance(appel) == 0


def test_an_adhesion_payment_dated_in_the_future_is_refused(territory_a, staff):
    adhesion = called_adhesion(territory_a, staff)
    with pytest.raises(services.PaymentRefused, match="futur"):
        member_services.payment_record(
            adhesion=adhesion,
            paid_on=timezone.localdate() + datetime.timedelta(days=1),
            amount=Decimal("10"),
            method="mandat",
            reference="",
            by=staff,
        )


def test_the_payment_form_keeps_what_was_typed_and_says_why(client, territory_a, staff):
    invoice = services.event_invoice_issue(registration=priced_registration(territory_a), by=staff)
    client.force_login(staff)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(
        reverse("billing:invoice_payment", kwargs={"pk": invoice.pk}),
        {"paid_on": tomorrow.isoformat(), "amount": "1 234,50", "method": "cheque", "reference": "CHQ-77"},
    )
    page = response.content.decode()
    assert response.status_code == 400 and "La date ne peut pas être dans le futur." in page
    assert "CHQ-77" in page and "1 234,50" in page
    response = client.post(
        reverse("billing:invoice_payment", kwargs={"pk": invoice.pk}),
        {
            "paid_on": timezone.localdate().isoformat(),
            "amount": "50,50",
            "method": "cheque",
            "reference": "CHQ-77",
        },
    )
    assert response.status_code == 302 and selectors.invoice_balance(invoice) == Decimal("129.50")


def _aged(invoice: Invoice, days: int) -> Invoice:
    Invoice.objects.filter(pk=invoice.pk).update(issued_at=timezone.now() - datetime.timedelta(days=days))
    return invoice


def test_the_unpaid_list_sorts_by_age_filters_undeposited_and_exports(
    client, territory_a, territory_b, staff
):
    invoices = [
        _aged(services.event_invoice_issue(registration=priced_registration(t), by=staff), days)
        for t, days in ((territory_a, 10), (territory_b, 45), (territory_a, 75), (territory_b, 120))
    ]
    paid = services.event_invoice_issue(registration=priced_registration(territory_a), by=staff)
    services.invoice_payment_record(
        invoice=paid,
        paid_on=timezone.localdate(),
        amount=paid.total,
        method="virement",
        reference="",
        by=staff,
    )
    services.chorus_deposit_record(
        invoice=invoices[1], deposited_on=timezone.localdate(), number="CPP-2026-0042", by=staff
    )
    buckets = selectors.unpaid_by_age(selectors.unpaid_invoices())
    assert [[i.number for i in b.invoices] for b in buckets] == [[i.number] for i in invoices]
    assert [b.total for b in buckets] == [Decimal("180")] * 4
    undeposited = selectors.unpaid_invoices(not_deposited=True)
    assert invoices[1].number not in [i.number for i in undeposited] and len(undeposited) == 3
    client.force_login(staff)
    page = client.get(reverse("billing:unpaid")).content.decode()
    assert "plus de 90 jours" in page and paid.number not in page and "CPP-2026-0042" in page
    csv = client.get(reverse("billing:unpaid"), {"format": "csv", "chorus": "non-depose"}).content.decode()
    assert invoices[0].number in csv and invoices[1].number not in csv and "Reste dû" in csv
    xlsx = client.get(reverse("billing:unpaid"), {"format": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_unpaid_list_takes_the_same_queries_for_many_invoices(
    client, territory_a, staff, django_assert_max_num_queries
):
    client.force_login(staff)
    services.event_invoice_issue(registration=priced_registration(territory_a), by=staff)
    with django_assert_max_num_queries(8):
        client.get(reverse("billing:unpaid"))
    for _ in range(5):
        services.event_invoice_issue(registration=priced_registration(territory_a), by=staff)
    called_adhesion(territory_a, staff)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("billing:unpaid")).status_code == 200


def test_a_chorus_deposit_is_recorded_by_hand_and_shown_to_the_territory(
    client, territory_a, person_a, staff
):
    invoice = services.event_invoice_issue(registration=priced_registration(territory_a), by=staff)
    client.force_login(staff)
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    url = reverse("billing:invoice_chorus", kwargs={"pk": invoice.pk})
    assert client.post(url, {"deposited_on": tomorrow, "number": "CPP-1"}).status_code == 400
    today = timezone.localdate()
    assert client.post(url, {"deposited_on": today.isoformat(), "number": "CPP-1"}).status_code == 302
    invoice.refresh_from_db()
    assert (invoice.chorus_deposited_on, invoice.chorus_number) == (today, "CPP-1")
    client.force_login(person_a)
    page = client.get(reverse("members:territory", kwargs={"slug": territory_a.slug})).content.decode()
    assert "Déposé sur Chorus Pro le" in page and "sous le n° CPP-1" in page


def test_an_event_invoice_is_numbered_without_rendering_its_pdf_which_the_worker_stores_after_the_commit(
    client, territory_a, person_a, staff, django_capture_on_commit_callbacks, monkeypatch
):
    """No PDF is rendered while the event and the series' number are locked (a registration to that
    event would wait for WeasyPrint): the worker renders it once committed."""
    from billing import pdf

    rendered = []
    real = pdf.invoice_pdf

    def watched(invoice, identity):
        rendered.append(invoice.number)
        return real(invoice, identity)

    monkeypatch.setattr(pdf, "invoice_pdf", watched)
    registration = priced_registration(territory_a)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invoice = services.event_invoice_issue(registration=registration, by=staff)
    invoice.refresh_from_db()
    assert invoice.number.startswith("F") and not invoice.pdf  # numbered, no PDF yet
    assert rendered == []  # nothing rendered by the issuing transaction
    for callback in callbacks:  # the commit: the render task runs (eager in tests)
        callback()
    invoice.refresh_from_db()
    assert invoice.pdf and rendered == [invoice.number]
    with invoice.pdf.open("rb") as stored:
        assert stored.read().startswith(b"%PDF")


def test_a_document_asked_for_before_the_worker_rendered_it_is_rendered_then(
    client, territory_a, person_a, staff
):
    registration = priced_registration(territory_a)
    invoice = services.event_invoice_issue(registration=registration, by=staff)  # its task never ran
    assert not Invoice.objects.get(pk=invoice.pk).pdf
    client.force_login(person_a)
    response = client.get(reverse("billing:document", kwargs={"pk": invoice.pk}))
    assert response.status_code == 200
    assert b"".join(response.streaming_content if response.streaming else [response.content]).startswith(
        b"%PDF"
    )
    assert Invoice.objects.get(pk=invoice.pk).pdf  # stored: the next download reads it


def test_a_kept_number_is_refused_in_each_series_the_portal_numbers_and_only_there(db, monkeypatch):
    """Numbers kept from before the portal (an import) may not enter a series the portal numbers:
    this Paris year's or a later one of any series, or a past year of that series that has a
    sequence. A past year of another series stays open, and a form of no series too."""
    monkeypatch.setattr(timezone, "now", lambda: datetime.datetime(2021, 6, 1, 10, tzinfo=datetime.UTC))
    InvoiceSequence.objects.create(series="A", year=2019, last_number=3)  # appels only, in 2019
    for number, words, year in (
        ("2021-0001", "appels", 2021),  # this year, nothing numbered yet
        ("F2021-0001", "factures", 2021),
        ("AV2021-0001", "avoirs", 2021),
        ("AV2022-0003", "avoirs", 2022),
        ("2019-0007", "appels", 2019),
    ):
        with pytest.raises(services.KeptNumberRefused) as refused:
            services.kept_number_check(number=number)
        assert str(refused.value) == (
            f"Le portail numérote déjà les {words} de {year} sous cette forme : "
            "un numéro importé ne peut pas entrer dans sa série."
        ), number
    for number in ("F2019-0007", "AV2019-0001", "2018-0007", "H-12"):
        services.kept_number_check(number=number)  # no error
