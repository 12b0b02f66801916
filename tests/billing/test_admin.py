import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from billing import services
from billing.models import Invoice

from ..factories import UserFactory
from .conftest import called_adhesion, priced_registration

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
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
