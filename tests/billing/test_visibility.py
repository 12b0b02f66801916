"""Who sees a document: staff with the billing view permission, the people of its territory, and for
a personal registration its registrant alone; everyone else a 404 — for both kinds of document."""

import pytest
from django.urls import reverse

from billing import services

from ..events.factories import ParticipantFactory, RegistrationFactory
from ..factories import UserFactory
from .conftest import priced_registration

pytestmark = pytest.mark.django_db


def _status(client, user, invoice) -> int:
    client.force_login(user)
    return client.get(reverse("billing:document", kwargs={"pk": invoice.pk})).status_code


def test_a_personal_registration_invoice_is_its_registrants_alone(
    client, territory_a, person_a, person_b, staff
):
    registrant = UserFactory(first_name="Camille", last_name="Exemple")
    personal = RegistrationFactory(territory=None, created_by=registrant)
    ParticipantFactory(registration=personal, price=90)
    invoice = services.event_invoice_issue(registration=personal, by=staff)
    assert invoice.territory is None and invoice.buyer_name == "Camille Exemple"
    territory_invoice = services.event_invoice_issue(registration=priced_registration(territory_a), by=staff)

    assert _status(client, registrant, invoice) == 200
    assert _status(client, staff, invoice) == 200  # « Équipe ANPP »: billing view permission
    for other in (person_a, person_b, UserFactory()):  # a territory's people see no personal invoice
        assert _status(client, other, invoice) == 404
    assert _status(client, person_a, territory_invoice) == 200
    for other in (registrant, person_b):
        assert _status(client, other, territory_invoice) == 404
    staff_without_billing = UserFactory(is_staff=True)
    assert _status(client, staff_without_billing, invoice) == 404
    assert _status(client, staff_without_billing, territory_invoice) == 404
