import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from events.models import Event, EventDay, Function, Participant, Registration, Session, Site

from ..factories import UserFactory


def in_days(n: int) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=n)


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event
        skip_postgeneration_save = True

    kind = Event.Kind.RTPP
    title = factory.Sequence(lambda n: f"Rencontres techniques n°{n}")
    edition = 2026
    slug = factory.Sequence(lambda n: f"rencontres-{n}")
    status = Event.Status.PUBLISHED
    capacity = 10
    registration_opens_at = factory.LazyFunction(lambda: in_days(-10))
    registration_closes_at = factory.LazyFunction(lambda: in_days(20))
    cancellation_deadline = factory.LazyFunction(lambda: in_days(20))
    price_member = Decimal("40.00")
    price_non_member = Decimal("80.00")
    price_partner = Decimal("0")

    @factory.post_generation
    def with_days(obj, create, extracted, **kwargs):
        """Two days starting 30 days from now, on one site, unless ``with_days=False``."""
        if not create or extracted is False:
            return
        site = Site.objects.create(
            event=obj, name="Salle des fêtes", address="Place de la mairie", city="Fleurance"
        )
        start = timezone.localdate() + datetime.timedelta(days=30)
        for offset in range(extracted or 2):
            EventDay.objects.create(event=obj, date=start + datetime.timedelta(days=offset), site=site)


def add_atelier(event, *, day=None, capacity=None, title="Atelier mobilités") -> Session:
    day = day or event.days.order_by("date").first()
    return Session.objects.create(
        event=event,
        day=day,
        site=event.sites.first(),
        starts_at=datetime.time(14, 0),
        ends_at=datetime.time(16, 0),
        title=title,
        speakers="Marie Dupont (ADEME)",
        is_atelier=True,
        capacity=capacity,
    )


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    event = factory.SubFactory(EventFactory)
    created_by = factory.SubFactory(UserFactory)


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    registration = factory.SubFactory(RegistrationFactory)
    event = factory.LazyAttribute(lambda o: o.registration.event)
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    email = factory.Sequence(lambda n: f"participant{n}@territoire.test")
    function = Function.TECHNICIEN
    status = Participant.Status.CONFIRMED
