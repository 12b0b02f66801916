import datetime
from decimal import Decimal

import factory

from members.models import AdhesionCampaign, FeeBracket


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdhesionCampaign
        django_get_or_create = ("year",)

    year = 2018
    opens_on = factory.LazyAttribute(lambda o: datetime.date(o.year, 1, 15))
    closes_on = factory.LazyAttribute(lambda o: datetime.date(o.year, 6, 30))
    fee_mode = AdhesionCampaign.FeeMode.PER_INHABITANT
    rate_per_inhabitant = Decimal("0.05")
    fee_floor = Decimal("500")
    fee_ceiling = Decimal("3000")
    rounding = AdhesionCampaign.Rounding.EURO
    population_year = factory.LazyAttribute(lambda o: o.year - 3)
    reminder_days_without_submission = [15, 30]
    reminder_days_unpaid = [30, 60]


class BracketFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FeeBracket

    campaign = factory.SubFactory(CampaignFactory)
    min_population = 0
    max_population = None
    amount = Decimal("800")


def make_member(territory, on=None):
    """Give ``territory`` a paid adhésion of the current year: its people are members."""
    from django.utils import timezone

    from members.models import Adhesion

    year = (on or timezone.localdate()).year
    campaign = CampaignFactory(year=year)
    return Adhesion.objects.create(
        territory=territory, campaign=campaign, status=Adhesion.Status.PAYEE, amount=Decimal("500")
    )


def member_user(role="membre"):
    from ..factories import MembershipFactory

    membership = MembershipFactory(role=role)
    make_member(membership.territory)
    return membership.user


def appel_for(adhesion):
    """The appel document of an adhésion created directly with a call number (as a called adhésion
    has in billing's ledger), for tests that build adhésions without the services."""
    from django.utils import timezone

    from billing.models import Invoice

    amount = str(adhesion.amount)
    return Invoice.objects.create(
        kind=Invoice.Kind.APPEL,
        number=adhesion.call_number,
        issued_at=adhesion.call_issued_at or timezone.now(),
        territory=adhesion.territory,
        adhesion=adhesion,
        buyer_name=adhesion.territory.name,
        subject=f"Cotisation {adhesion.campaign.year}",
        lines=[{"label": "Cotisation", "quantity": 1, "unit_price": amount, "amount": amount}],
        total=adhesion.amount,
    )
