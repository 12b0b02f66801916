"""Demo data of the members app: two territories, their référents and one ANPP staff account.

Idempotent: every object is looked up by its natural key, so running it twice changes nothing.
"""

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.db import transaction

from .models import Department, Role, Territory, TerritoryMembership, User


@dataclass(frozen=True)
class DemoAccount:
    email: str
    password: str
    description: str


STAFF = DemoAccount("equipe@anpp.demo", "anpp-demo-2018", "ANPP staff (admin and dashboard)")
REFERENT_RUFFECOIS = DemoAccount(
    "direction@ruffecois.demo", "ruffec-demo-2018", "référent, PETR du Pays Ruffécois"
)
REFERENT_GASCOGNE = DemoAccount(
    "direction@portesdegascogne.demo", "gascogne-demo-2018", "référent, PETR Pays Portes de Gascogne"
)

TERRITORIES = [
    {
        "slug": "pays-ruffecois",
        "name": "PETR du Pays Ruffécois",
        "kind": Territory.Kind.PETR,
        "siren": "200070498",
        "region": "75",
        "departments": ["16"],
        "address": "8 rue du Docteur Emile Roux",
        "postal_code": "16700",
        "city": "Ruffec",
        "website": "http://www.paysduruffecois.com/",
        "population": 37533,
        "population_year": 2018,
        "communes_count": 80,
    },
    {
        "slug": "portes-de-gascogne",
        "name": "PETR Pays Portes de Gascogne",
        "kind": Territory.Kind.PETR,
        "siren": "200041556",
        "region": "76",
        "departments": ["32"],
        "address": "Le Prieuré, Place Nationale",
        "postal_code": "32500",
        "city": "Fleurance",
        "website": "",
        "population": 68000,
        "population_year": 2018,
        "communes_count": 158,
    },
]


def _account(account: DemoAccount, *, first_name: str, last_name: str, is_staff: bool = False) -> User:
    user, created = User.objects.get_or_create(
        email=account.email,
        defaults={
            "first_name": first_name,
            "last_name": last_name,
            "is_staff": is_staff,
            "is_superuser": is_staff,
        },
    )
    if created:
        user.set_password(account.password)
        user.save(update_fields=["password"])
    EmailAddress.objects.get_or_create(
        user=user, email=account.email, defaults={"verified": True, "primary": True}
    )
    return user


@transaction.atomic
def load() -> list[DemoAccount]:
    territories = {}
    for data in TERRITORIES:
        data = dict(data)
        departments = data.pop("departments")
        territory, _ = Territory.objects.update_or_create(slug=data.pop("slug"), defaults=data)
        territory.departments.set(Department.objects.filter(code__in=departments))
        territories[territory.slug] = territory

    _account(STAFF, first_name="Michael", last_name="Restier", is_staff=True)
    ruffec = _account(REFERENT_RUFFECOIS, first_name="Claire", last_name="Martin")
    gascogne = _account(REFERENT_GASCOGNE, first_name="Julien", last_name="Dupuy")
    TerritoryMembership.objects.get_or_create(
        user=ruffec,
        territory=territories["pays-ruffecois"],
        defaults={"role": Role.REFERENT, "function": "Directrice"},
    )
    TerritoryMembership.objects.get_or_create(
        user=gascogne,
        territory=territories["portes-de-gascogne"],
        defaults={"role": Role.REFERENT, "function": "Directeur"},
    )
    return [STAFF, REFERENT_RUFFECOIS, REFERENT_GASCOGNE]
