"""The cotisation computation: one service function, per-inhabitant with floor and ceiling, or brackets."""

from decimal import Decimal

import pytest

from members import services
from members.models import AdhesionCampaign, FlatFee, Territory

from .adhesion_factories import BracketFactory, CampaignFactory

pytestmark = pytest.mark.django_db
PETR = Territory.Kind.PETR


def compute(campaign, population, kind=PETR):
    return services.cotisation_compute(campaign=campaign, kind=kind, population=population)


@pytest.mark.parametrize(
    ("population", "expected"),
    [
        (37533, Decimal("1877.00")),  # 1 876,65 € rounded to the euro
        (10000, Decimal("500.00")),  # exactly the floor
        (9999, Decimal("500.00")),  # 499,95 € → 500 € (rounding), floor not needed
        (5000, Decimal("500.00")),  # 250 € → floor
        (60000, Decimal("3000.00")),  # exactly the ceiling
        (60010, Decimal("3000.00")),  # 3 000,50 € → ceiling
        (200000, Decimal("3000.00")),
    ],
)
def test_per_inhabitant_with_floor_and_ceiling(population, expected):
    assert compute(CampaignFactory(), population).amount == expected


def test_the_basis_reads_like_the_call_for_payment():
    campaign = CampaignFactory()
    # French typography: thousands grouped with a non-breaking space.
    assert compute(campaign, 37533).basis == "37\u00a0533 habitants × 0,05 € = 1\u00a0877 €"
    assert compute(campaign, 5000).basis.endswith("porté au plancher de 500 €")
    assert compute(campaign, 200000).basis.endswith("ramené au plafond de 3\u00a0000 €")


def test_rounding_to_the_cent_keeps_cents():
    campaign = CampaignFactory(rounding=AdhesionCampaign.Rounding.CENT, fee_floor=None, fee_ceiling=None)
    assert compute(campaign, 37533).amount == Decimal("1876.65")
    campaign.rate_per_inhabitant = Decimal("0.0333")
    assert compute(campaign, 15).amount == Decimal("0.50")  # 0,4995 → half up


def test_rounding_to_ten_euros():
    campaign = CampaignFactory(rounding=AdhesionCampaign.Rounding.TEN_EUROS, fee_floor=None, fee_ceiling=None)
    assert compute(campaign, 37533).amount == Decimal("1880.00")
    assert compute(campaign, 37400).amount == Decimal("1870.00")


@pytest.fixture
def bracket_campaign():
    campaign = CampaignFactory(fee_mode=AdhesionCampaign.FeeMode.BRACKETS, rate_per_inhabitant=None)
    BracketFactory(campaign=campaign, min_population=0, max_population=19999, amount=Decimal("600"))
    BracketFactory(campaign=campaign, min_population=20000, max_population=49999, amount=Decimal("1200"))
    BracketFactory(campaign=campaign, min_population=50000, max_population=None, amount=Decimal("2000"))
    return campaign


@pytest.mark.parametrize(
    ("population", "expected"),
    [(1, "600"), (19999, "600"), (20000, "1200"), (49999, "1200"), (50000, "2000"), (1_000_000, "2000")],
)
def test_brackets_including_their_edges(bracket_campaign, population, expected):
    assert compute(bracket_campaign, population).amount == Decimal(expected)


def test_a_bracket_basis_names_the_bracket(bracket_campaign):
    assert compute(bracket_campaign, 37533).basis == (
        "37\u00a0533 habitants : tranche de 20\u00a0000 à 49\u00a0999 habitants = 1\u00a0200 €"
    )


def test_a_population_outside_every_bracket_is_refused_clearly():
    campaign = CampaignFactory(fee_mode=AdhesionCampaign.FeeMode.BRACKETS)
    BracketFactory(campaign=campaign, min_population=1000, max_population=5000)
    with pytest.raises(services.NoFeeForPopulation, match="Aucune tranche"):
        compute(campaign, 999)


def test_kinds_without_population_pay_a_flat_fee():
    campaign = CampaignFactory()
    FlatFee.objects.create(
        campaign=campaign, kind=Territory.Kind.CONSEIL_DEVELOPPEMENT, amount=Decimal("150")
    )
    quote = compute(campaign, None, kind=Territory.Kind.CONSEIL_DEVELOPPEMENT)
    assert quote.amount == Decimal("150.00")
    assert "Forfait" in quote.basis


def test_a_missing_population_is_asked_for():
    with pytest.raises(services.NoFeeForPopulation, match="population"):
        compute(CampaignFactory(), None)
