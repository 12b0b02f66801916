"""Who is a member on a given day: member prices and members-only reading both depend on it."""

import datetime
from decimal import Decimal

import pytest

from members.models import Adhesion
from members.selectors import territories_with_valid_adhesion, user_is_member

from ..factories import MembershipFactory, TerritoryFactory
from .adhesion_factories import CampaignFactory

pytestmark = pytest.mark.django_db

# The 2019 campaign closes on 30 June 2019 (CampaignFactory).
CLOSES_2019 = datetime.date(2019, 6, 30)


def adhesion(territory, year, status=Adhesion.Status.PAYEE):
    return Adhesion.objects.create(
        territory=territory, campaign=CampaignFactory(year=year), status=status, amount=Decimal("500")
    )


@pytest.fixture
def time_machine_today(monkeypatch):
    """Set the local date the services read (the clock is outside the project)."""
    from django.utils import timezone

    def travel(day):
        monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)

    return travel


def members_on(day):
    return set(territories_with_valid_adhesion(day).values_list("name", flat=True))


def test_last_years_adhesion_counts_until_this_years_campaign_closes_then_lapses(territory_a):
    adhesion(territory_a, 2018)
    CampaignFactory(year=2019)
    assert members_on(datetime.date(2019, 1, 1)) == {"PETR du Pays A"}
    assert members_on(CLOSES_2019) == {"PETR du Pays A"}
    assert members_on(CLOSES_2019 + datetime.timedelta(days=1)) == set()
    assert members_on(datetime.date(2019, 12, 31)) == set()


def test_this_years_adhesion_keeps_the_territory_a_member_after_the_campaign_closes(territory_a):
    adhesion(territory_a, 2018)
    adhesion(territory_a, 2019)
    assert members_on(CLOSES_2019 + datetime.timedelta(days=1)) == {"PETR du Pays A"}


def test_without_a_campaign_this_year_last_years_adhesion_still_counts(territory_a):
    adhesion(territory_a, 2018)
    assert members_on(datetime.date(2019, 9, 1)) == {"PETR du Pays A"}
    # An adhésion two years old never counts.
    assert members_on(datetime.date(2020, 1, 2)) == set()


@pytest.mark.parametrize(
    ("status", "member"),
    [
        (Adhesion.Status.BROUILLON, False),
        (Adhesion.Status.SOUMISE, False),
        (Adhesion.Status.VALIDEE, True),
        (Adhesion.Status.APPEL_EMIS, True),
        (Adhesion.Status.PAYEE, True),
        (Adhesion.Status.ANNULEE, False),
    ],
)
def test_only_a_validated_adhesion_makes_a_member(territory_a, status, member):
    adhesion(territory_a, 2019, status=status)
    assert members_on(datetime.date(2019, 3, 1)) == ({"PETR du Pays A"} if member else set())


def test_a_person_is_a_member_through_their_territory_only_while_its_adhesion_is_valid(
    territory_a, referent_a
):
    adhesion(territory_a, 2018)
    CampaignFactory(year=2019)
    outsider = MembershipFactory(territory=TerritoryFactory()).user
    assert user_is_member(referent_a, datetime.date(2019, 3, 1))
    assert not user_is_member(outsider, datetime.date(2019, 3, 1))
    assert not user_is_member(referent_a, CLOSES_2019 + datetime.timedelta(days=1))


def test_a_lapsed_territory_pays_the_non_member_price_and_cannot_read_members_only_issues(
    territory_a, referent_a, time_machine_today
):
    """What depends on the rule, seen from the two apps that use it, on the day after the close."""
    from events.services import is_member_territory
    from publications.access import can_read_full

    from ..publications.factories import IssueFactory

    adhesion(territory_a, 2018)
    CampaignFactory(year=2019)
    issue = IssueFactory(visibility="members")
    time_machine_today(datetime.date(2019, 3, 1))
    assert is_member_territory(territory_a) and can_read_full(referent_a, issue)
    time_machine_today(CLOSES_2019 + datetime.timedelta(days=1))
    referent_a._publications_is_member = None  # a new request
    assert not is_member_territory(territory_a) and not can_read_full(referent_a, issue)
