import pytest

from members.models import Role

from ..factories import MembershipFactory, StaffFactory
from ..members.adhesion_factories import make_member


@pytest.fixture
def member_a(territory_a):
    """A person of territory A, whose adhésion is paid."""
    make_member(territory_a)
    return MembershipFactory(territory=territory_a, role=Role.MEMBRE).user


@pytest.fixture
def referent_of_a(member_a, territory_a):
    return MembershipFactory(territory=territory_a, role=Role.REFERENT).user


@pytest.fixture
def person_b(territory_b):
    make_member(territory_b)
    return MembershipFactory(territory=territory_b, role=Role.REFERENT).user


@pytest.fixture
def anpp_staff(db):
    return StaffFactory(first_name="Camille", last_name="Exemple")
