from datetime import timedelta

import factory
from allauth.account.models import EmailAddress
from django.urls import reverse
from django.utils import timezone
from stdnum import luhn

from members.models import Invitation, Role, Territory, TerritoryMembership, User

PASSWORD = "mot-de-passe-de-test-2018"


def valid_siren(n: int) -> str:
    base = f"2{n:07d}"
    return base + luhn.calc_check_digit(base)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@territoire.test")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified_email(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


class StaffFactory(UserFactory):
    """ANPP staff as the group « Équipe ANPP » makes them (members/staff.py), not superusers."""

    is_staff = True

    @factory.post_generation
    def staff_group(obj, create, extracted, **kwargs):
        if create:
            from importlib import import_module

            from django.contrib.auth.models import Group, Permission

            from members.staff import STAFF_GROUP

            group = Group.objects.filter(name=STAFF_GROUP).first()
            if group is None:
                # A transactional test flushed what the data migration made: make it again, the same way.
                migration = import_module("members.migrations.0013_staff_group")
                group = Group.objects.create(name=STAFF_GROUP)
                group.permissions.add(
                    *Permission.objects.filter(content_type__app_label__in=migration.APPS).exclude(
                        codename__in=migration.ACCOUNT_ADMINISTRATION
                    )
                )
                # Apps added since give the group their permissions in their own migration.
                later = import_module("resources.migrations.0002_search_tables_and_staff_permissions")
                group.permissions.add(*Permission.objects.filter(content_type__app_label__in=later.APPS))
            obj.groups.add(group)


class ViewOnlyStaffFactory(UserFactory):
    """A staff account holding only the view permissions of « Équipe ANPP »: it reads what staff read
    and changes nothing (the second role of a staff rule's test)."""

    is_staff = True

    @factory.post_generation
    def view_permissions(obj, create, extracted, **kwargs):
        if create:
            group = StaffFactory().groups.get()  # makes the group if a flush removed it
            obj.user_permissions.set(group.permissions.filter(codename__startswith="view_"))


class TerritoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Territory
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"PETR du Pays n°{n}")
    slug = factory.Sequence(lambda n: f"pays-{n}")
    kind = Territory.Kind.PETR
    siren = factory.Sequence(valid_siren)
    region = "75"
    population = 37533
    population_year = 2018
    communes_count = 80


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TerritoryMembership

    user = factory.SubFactory(UserFactory)
    territory = factory.SubFactory(TerritoryFactory)
    role = Role.MEMBRE


def invitation_path(key: str) -> str:
    return reverse("members:invitation", kwargs={"key": key})


class InvitationFactory(factory.django.DjangoModelFactory):
    """Pass ``key="..."`` to know the link: only its hash is stored."""

    class Meta:
        model = Invitation

    class Params:
        key = factory.Sequence(lambda n: f"cle-invitation-{n:04d}-abcdefghijklmnop")

    territory = factory.SubFactory(TerritoryFactory)
    email = factory.Sequence(lambda n: f"invite{n}@territoire.test")
    role = Role.MEMBRE
    key_hash = factory.LazyAttribute(lambda o: Invitation.hash_key(o.key))
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))


def load_departments(*codes):
    """The départements ``codes``. Loaded by a data migration, they are gone after a test that
    flushes the database (transactional_db, the browser tests): load them again then."""
    import importlib

    from django.apps import apps

    from members.models import Department

    if not Department.objects.exists():
        importlib.import_module("members.migrations.0002_load_departments").load(apps, None)
    return Department.objects.filter(code__in=codes)
