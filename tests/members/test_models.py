import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from members.models import Department, Territory, User

from ..factories import TerritoryFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_email_is_the_identifier_and_is_unique_whatever_its_case():
    User.objects.create_user("Claire.Martin@Pays.fr", "x", first_name="Claire", last_name="Martin")
    assert User.objects.get_by_natural_key("claire.martin@pays.fr").first_name == "Claire"
    with pytest.raises(IntegrityError):
        User.objects.create_user("CLAIRE.MARTIN@pays.fr", "y", first_name="C", last_name="M")


def test_a_valid_siren_passes_and_a_wrong_checksum_is_refused_in_french():
    territory = TerritoryFactory.build(siren="200070498")
    territory.full_clean(exclude=["slug"])
    territory.siren = "200070499"
    with pytest.raises(ValidationError) as error:
        territory.full_clean(exclude=["slug"])
    assert "SIREN invalide" in str(error.value.message_dict["siren"])


def test_population_needs_its_reference_year():
    territory = TerritoryFactory.build(population=12000, population_year=None)
    with pytest.raises(ValidationError) as error:
        territory.full_clean()
    assert "année de référence" in str(error.value)


def test_absurd_population_is_refused():
    territory = TerritoryFactory.build(population=50_000_000)
    with pytest.raises(ValidationError) as error:
        territory.full_clean()
    assert "population" in error.value.message_dict


def test_the_official_departments_are_loaded_with_their_current_regions():
    assert Department.objects.count() == 101
    assert Department.objects.get(code="16").region == "75"  # Charente: Nouvelle-Aquitaine
    assert Department.objects.get(code="32").region == "76"  # Gers: Occitanie
    assert Department.objects.get(code="2A").region == "94"


def test_two_territories_cannot_share_a_siren_but_may_both_have_none():
    TerritoryFactory(siren="")
    TerritoryFactory(siren="")
    TerritoryFactory(siren="200070498")
    with pytest.raises(IntegrityError):
        Territory.objects.create(name="Doublon", slug="doublon", kind="petr", region="75", siren="200070498")


def test_a_user_is_shown_by_full_name():
    assert str(UserFactory.build(first_name="Claire", last_name="Martin")) == "Claire Martin"
