"""billing's refusals no longer derive members' (billing imports no app): both derive the ground
floor's ``Refused``, so a members page still shows billing's refusal, and billing's pages show the
refusal of the adhésion behind an appel, each as a French message instead of an error page."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from anpp_portal.errors import Refused
from billing import services
from billing.models import Invoice, InvoicePayment
from members import services as member_services
from members.models import Adhesion

from ..factories import MembershipFactory
from .conftest import called_adhesion, priced_registration, validated_adhesion

pytestmark = pytest.mark.django_db


def test_billing_and_members_refusals_are_both_the_ground_floors_refusal():
    assert issubclass(services.BillingError, Refused) and issubclass(member_services.MembersError, Refused)
    assert not issubclass(services.BillingError, member_services.MembersError)


def test_the_adhesions_admin_shows_billings_refusal_for_each_territory(
    client, staff, territory_a, territory_b
):
    identity = services.billing_identity_get()
    identity.iban = ""
    identity.save()
    adhesions = [validated_adhesion(territory_a), validated_adhesion(territory_b)]
    client.force_login(staff)
    response = client.post(
        reverse("admin:members_adhesion_changelist"),
        {"action": "issue_calls", "_selected_action": [adhesion.pk for adhesion in adhesions]},
        follow=True,
    )
    assert response.status_code == 200
    shown = [str(message) for message in response.context["messages"]]
    for adhesion in adhesions:
        assert any(
            message.startswith(f"{adhesion} :") and "IBAN" in message and "aucun numéro attribué" in message
            for message in shown
        ), shown
    assert not Invoice.objects.exists()


def test_the_appel_payment_page_shows_the_adhesions_refusal_and_records_nothing(
    client, staff, territory_a, territory_b
):
    appels = {}
    for territory in (territory_a, territory_b):
        adhesion = called_adhesion(territory, staff)
        appels[territory.pk] = adhesion.invoices.get(kind=Invoice.Kind.APPEL)
    # The appel of territory A still owes, but its adhésion is no longer waiting for a payment:
    # members refuses it (WrongStatus), after billing accepted the amount.
    Adhesion.objects.filter(territory=territory_a).update(status=Adhesion.Status.SOUMISE)
    client.force_login(staff)
    today = timezone.localdate().strftime("%d/%m/%Y")
    post = {"paid_on": today, "amount": "100", "method": "virement", "reference": "V-1"}
    refused = client.post(reverse("billing:invoice_payment", kwargs={"pk": appels[territory_a.pk].pk}), post)
    assert refused.status_code == 400
    assert "Impossible depuis le statut « Soumise »" in refused.content.decode()
    assert not InvoicePayment.objects.filter(invoice=appels[territory_a.pk]).exists()
    # The other territory's appel, whose adhésion waits for its payment, takes it.
    accepted = client.post(reverse("billing:invoice_payment", kwargs={"pk": appels[territory_b.pk].pk}), post)
    assert accepted.status_code == 302
    assert InvoicePayment.objects.get(invoice=appels[territory_b.pk]).amount == Decimal("100")


def test_an_event_invoice_asked_twice_shows_billings_refusal_on_the_registration_page(client, territory_a):
    registration = priced_registration(territory_a)
    referent = MembershipFactory(territory=territory_a, role="referent").user
    client.force_login(referent)
    url = reverse("billing:request_invoice", kwargs={"pk": registration.pk})
    client.post(url)
    page = client.post(url, follow=True).content.decode()
    number = Invoice.objects.get(registration=registration).number
    assert f"Cette inscription a déjà sa facture, n° {number}." in page
