"""make run's demo data: an appel, an event invoice, a credit note and a partial payment, each
readable by the territory that owns it and a 404 for the other demo territory."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from billing import selectors
from billing.models import Invoice, InvoicePayment
from members.models import User

pytestmark = pytest.mark.django_db


def test_the_demo_holds_each_kind_of_document_visible_only_to_its_territory(client):
    call_command("load_demo_data", force=True, stdout=io.StringIO())
    call_command("load_demo_data", force=True, stdout=io.StringIO())  # a second run adds nothing
    ruffecois = User.objects.get(email="direction@ruffecois.demo")
    gascogne = User.objects.get(email="direction@portesdegascogne.demo")
    invoice = Invoice.objects.get(kind=Invoice.Kind.FACTURE)
    note = Invoice.objects.get(kind=Invoice.Kind.AVOIR)
    appel = Invoice.objects.filter(kind=Invoice.Kind.APPEL, territory__slug="pays-ruffecois").first()
    assert note.corrects == invoice and InvoicePayment.objects.filter(invoice=invoice).count() == 1
    assert 0 < selectors.invoice_balance(invoice) < invoice.total - note.total  # paid in part
    gascogne_appel = Invoice.objects.get(kind=Invoice.Kind.APPEL, territory__slug="portes-de-gascogne")
    for document, owner, other in (
        (appel, ruffecois, gascogne),
        (invoice, ruffecois, gascogne),
        (note, ruffecois, gascogne),
        (gascogne_appel, gascogne, ruffecois),
    ):
        url = reverse("billing:document", kwargs={"pk": document.pk})
        client.force_login(owner)
        assert client.get(url).status_code == 200
        page = client.get(reverse("members:territory", kwargs={"slug": document.territory.slug}))
        assert document.number in page.content.decode()
        client.force_login(other)
        assert client.get(url).status_code == 404
