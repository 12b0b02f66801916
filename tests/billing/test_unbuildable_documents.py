"""Issue 23, finding 3: a document number is taken only in the transaction that also builds and
validates the document's Factur-X XML, so a document that cannot be built takes no number (it used
to take F2026-0002 and answer 500 forever)."""

import pytest
from django.utils import timezone

from billing import services
from billing.models import Invoice, InvoiceSequence
from events.models import Participant
from members import services as member_services
from members.models import Adhesion

from .conftest import priced_registration, validated_adhesion

pytestmark = pytest.mark.django_db


def _stored_with_a_control_character(participant: Participant) -> None:
    # As text stored before the portal refused control characters (update() skips validation).
    Participant.objects.filter(pk=participant.pk).update(last_name="Exem\x0bple")


def test_an_event_invoice_that_cannot_be_built_takes_no_number(territory_a, staff):
    registration = priced_registration(territory_a)
    participant = registration.participants.filter(status="confirmed", price__gt=0).first()
    _stored_with_a_control_character(participant)
    with pytest.raises(services.BillingError, match="aucun numéro attribué"):
        services.event_invoice_issue(registration=registration, by=staff)
    assert not Invoice.objects.exists()
    assert not InvoiceSequence.objects.filter(last_number__gt=0).exists()

    Participant.objects.filter(pk=participant.pk).update(last_name="Exemple")
    invoice = services.event_invoice_issue(registration=registration, by=staff)
    assert invoice.number == f"F{timezone.localdate().year}-0001"  # the number was not lost


def test_the_batch_issues_the_others_and_leaves_the_unbuildable_one_unnumbered(
    territory_a, territory_b, staff
):
    broken = priced_registration(territory_a)
    _stored_with_a_control_character(broken.participants.filter(status="confirmed", price__gt=0).first())
    fine = priced_registration(territory_b, event=broken.event)
    issued = services.event_invoices_issue(event=broken.event, by=staff)
    assert [invoice.registration_id for invoice in issued] == [fine.pk]
    assert issued[0].number == f"F{timezone.localdate().year}-0001"
    assert not broken.invoices.exists()


def test_a_credit_note_that_cannot_be_built_takes_no_number(territory_a, staff):
    registration = priced_registration(territory_a)
    invoice = services.event_invoice_issue(registration=registration, by=staff)
    participant = registration.participants.filter(status="confirmed", price__gt=0).first()
    _stored_with_a_control_character(participant)
    participant.refresh_from_db()
    with pytest.raises(services.BillingError, match="Factur-X ne peut pas être construit"):
        services.participant_credit(participant=participant, by=staff)
    assert list(Invoice.objects.values_list("number", flat=True)) == [invoice.number]
    assert not InvoiceSequence.objects.filter(series="AV", last_number__gt=0).exists()


def test_an_appel_that_cannot_be_built_takes_no_call_number(territory_a, staff):
    adhesion = validated_adhesion(territory_a)
    Adhesion.objects.filter(pk=adhesion.pk).update(billing_address="1 place\x01de la Mairie\n16700 Ruffec")
    adhesion.refresh_from_db()
    with pytest.raises(services.BillingError, match="Factur-X ne peut pas être construit"):
        member_services.call_issue(adhesion=adhesion, by=staff)
    adhesion.refresh_from_db()
    assert adhesion.status == Adhesion.Status.VALIDEE and adhesion.call_number is None
    assert not InvoiceSequence.objects.filter(last_number__gt=0).exists()
    assert not Invoice.objects.exists()


def test_a_document_numbered_before_the_fix_becomes_renderable_once_its_stored_text_is_cleaned(
    territory_a, staff
):
    """A document numbered with a control character in its lines (before this fix) answered 500
    forever: the data migration strips them from the stored lines and buyer too."""
    from django.apps import apps

    from anpp_portal.text import strip_stored_control_characters
    from billing.einvoice import invoice_xml

    invoice = services.event_invoice_issue(registration=priced_registration(territory_a), by=staff)
    lines = [
        {**line, "label": line["label"].replace("Participation", "Partici\x0bpation")}
        for line in invoice.lines
    ]
    Invoice.objects.filter(pk=invoice.pk).update(lines=lines, buyer_name="PETR du\x01 Pays A")
    invoice.refresh_from_db()
    with pytest.raises(ValueError):
        invoice_xml(invoice, services.billing_identity_get())
    assert strip_stored_control_characters(apps, "billing") == 1
    invoice.refresh_from_db()
    assert invoice.buyer_name == "PETR du Pays A"
    assert all(line["label"].startswith("Participation de ") for line in invoice.lines)
    assert b"Participation de " in invoice_xml(invoice, services.billing_identity_get())
