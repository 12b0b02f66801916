from decimal import Decimal

import pytest
from django.utils import timezone

from members import services as member_services
from members.models import Adhesion, Role

from ..events.factories import EventFactory, ParticipantFactory, RegistrationFactory
from ..factories import MembershipFactory, StaffFactory
from ..members.adhesion_factories import CampaignFactory

BUYER_SIRET = "20007049800007"


@pytest.fixture
def staff(db):
    return StaffFactory()


@pytest.fixture
def person_a(territory_a):
    return MembershipFactory(territory=territory_a, role=Role.REFERENT).user


@pytest.fixture
def person_b(territory_b):
    return MembershipFactory(territory=territory_b, role=Role.REFERENT).user


def validated_adhesion(territory, *, year=2018, amount=Decimal("1877.00")) -> Adhesion:
    return Adhesion.objects.create(
        territory=territory,
        campaign=CampaignFactory(year=year),
        status=Adhesion.Status.VALIDEE,
        amount=amount,
        amount_basis="37 533 habitants × 0,05 € = 1 877 €",
        signatory_name="Présidente du PETR",
        signatory_role="Présidente",
        billing_contact_email="compta@pays-a.test",
        billing_address=f"{territory.name}\n1 place de la Mairie\n16700 Ruffec",
        siret=BUYER_SIRET,
        chorus_service_code="SERVICE-FACT",
        engagement_number="ENG-2018-7",
    )


def called_adhesion(territory, staff, **kwargs) -> Adhesion:
    """An adhésion whose appel is issued and rendered (the worker's part, after the commit, run here)."""
    adhesion = member_services.call_issue(adhesion=validated_adhesion(territory, **kwargs), by=staff)
    member_services.adhesion_documents_render(adhesion_id=adhesion.pk)
    adhesion.refresh_from_db()
    return adhesion


def priced_registration(territory, *, event=None, prices=(Decimal("90"), Decimal("90"))):
    """A delegation with confirmed participants at ``prices``, one free guest and one waiting."""
    event = event or EventFactory(price_member=Decimal("90"))
    registration = RegistrationFactory(event=event, territory=territory)
    for price in prices:
        ParticipantFactory(registration=registration, price=price)
    ParticipantFactory(registration=registration, price=Decimal("0"))
    position = event.participants.filter(status="waiting").count() + 1
    ParticipantFactory(
        registration=registration, price=Decimal("90"), status="waiting", waiting_position=position
    )
    return registration


def record_payment(invoice, amount, by, reference="M-1"):
    """A payment of ``amount`` (a string) made today, as staff record it (billing.services)."""
    from billing import services

    return services.invoice_payment_record(
        invoice=invoice,
        paid_on=timezone.localdate(),
        amount=Decimal(amount),
        method="mandat",
        reference=reference,
        by=by,
    )
