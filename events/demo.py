"""Demo data of the events app: the RTPP and CNPP of 2017 and the EGPP of 2018, as the first issue of
the magazine reports them (true dates and places, past editions), and an upcoming, visibly fictional
example event open for registration.

Idempotent: events are looked up by slug and left alone once they exist. Demo participants are
written directly (not through the services) so that loading the demo never queues an email.
The RTPP's capacity is scaled down so that staff see a waiting list.
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from members.models import Territory, User

from . import qr
from .models import Event, EventDay, Function, Participant, Registration, Session, SessionChoice, Site

T = datetime.time


def _aware(date: datetime.date, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(date, T(hour, 0)))


def _event(slug: str, **fields) -> tuple[Event, bool]:
    event = Event.objects.filter(slug=slug).first()
    if event is not None:
        return event, False
    return Event.objects.create(slug=slug, **fields), True


def _programme(event: Event, sites: list[dict], days: list[tuple], sessions: list[tuple]) -> None:
    site_objects = [Site.objects.create(event=event, **site) for site in sites]
    day_objects = [
        EventDay.objects.create(
            event=event, date=date, site=site_objects[site_index], starts_at=start, ends_at=end
        )
        for date, site_index, start, end in days
    ]
    for day_index, site_index, start, end, title, speakers, is_atelier, capacity in sessions:
        Session.objects.create(
            event=event,
            day=day_objects[day_index],
            site=site_objects[site_index],
            starts_at=start,
            ends_at=end,
            title=title,
            speakers=speakers,
            is_atelier=is_atelier,
            capacity=capacity,
        )


PEOPLE = [
    ("Claire", "Martin", Function.TECHNICIEN),
    ("Jean-Pierre", "Fabre", Function.ELU),
    ("Sophie", "Lacombe", Function.TECHNICIEN),
    ("Michel", "Dupuy", Function.ELU),
    ("Nadia", "Benali", Function.TECHNICIEN),
    ("Patrick", "Soulé", Function.ELU),
    ("Isabelle", "Roux", Function.PARTENAIRE),
    ("Thomas", "Garnier", Function.TECHNICIEN),
    ("Martine", "Castex", Function.ELU),
    ("Luc", "Bernard", Function.AUTRE),
    ("Élodie", "Marty", Function.TECHNICIEN),
    ("Bernard", "Lafitte", Function.ELU),
]


def _registrations(event: Event, *, territories: list[Territory], people_per_territory: int) -> None:
    """Delegations of the demo territories (and a few personal registrations), in arrival order."""
    days = list(event.days.all())
    ateliers = list(event.sessions.filter(is_atelier=True))
    confirmed = 0
    waiting_position = 0
    for t_index, territory in enumerate(territories):
        creator = User.objects.filter(memberships__territory=territory).first()
        if creator is None:
            continue
        registration = Registration.objects.create(
            event=event, created_by=creator, territory=territory, created_at=event.registration_opens_at
        )
        for p_index in range(people_per_territory):
            first, last, function = PEOPLE[(t_index * 5 + p_index) % len(PEOPLE)]
            has_seat = event.capacity is None or confirmed < event.capacity
            if has_seat:
                confirmed += 1
            else:
                waiting_position += 1
            participant = Participant.objects.create(
                registration=registration,
                event=event,
                first_name=first,
                last_name=f"{last}-{territory.slug[:6]}{p_index}" if p_index >= len(PEOPLE) else last,
                email=f"{slugify(first)}.{slugify(last)}.{p_index}@{territory.slug}.demo",
                function=function,
                status=Participant.Status.CONFIRMED if has_seat else Participant.Status.WAITING,
                waiting_position=None if has_seat else waiting_position,
                price=event.price_partner if function == Function.PARTENAIRE else event.price_member,
                qr_secret=qr.new_secret(),  # their QR code, on the badges
                created_at=registration.created_at,  # with their delegation, not on the day of the demo
            )
            participant.days.set(days)
            for day in days:
                of_day = [a for a in ateliers if a.day_id == day.pk]
                if of_day:
                    atelier = of_day[p_index % len(of_day)]
                    SessionChoice.objects.create(
                        participant=participant,
                        session=atelier,
                        status=SessionChoice.Status.CONFIRMED if has_seat else SessionChoice.Status.WAITING,
                    )


@transaction.atomic
def load() -> list:
    """The three gatherings the first issue of the magazine reports (publications/content/), with
    their true dates and places and nothing the issue does not say (no venue, no programme), as
    past editions; and one upcoming event, visibly fictional, to try registering."""
    territories = list(
        Territory.objects.filter(slug__in=["pays-ruffecois", "portes-de-gascogne"]).order_by("slug")
    )

    # "Les Rencontres Techniques des Pôles territoriaux et des Pays les 25-26 septembre, ayant réuni
    # 200 participants à Fleurance et Toulouse, sur la question des coopérations interterritoriales
    # et des contrats de réciprocité" (Territoires de Projets n°01, édito).
    rtpp, created = _event(
        "rtpp-2017-fleurance-toulouse",
        kind=Event.Kind.RTPP,
        title="Rencontres Techniques des Pôles territoriaux et des Pays 2017",
        edition=2017,
        description=(
            "Deux journées à Fleurance et Toulouse, sur la question des coopérations interterritoriales "
            "et des contrats de réciprocité : 200 participants."
        ),
        status=Event.Status.CLOSED,
        # Scaled down for the demo (200 participants in reality) so that staff see a waiting list.
        capacity=8,
        registration_opens_at=_aware(datetime.date(2017, 6, 1)),
        registration_closes_at=_aware(datetime.date(2017, 9, 20)),
        cancellation_deadline=_aware(datetime.date(2017, 9, 20)),
    )
    if created:
        for city in ("Fleurance", "Toulouse"):
            Site.objects.create(event=rtpp, name=city, address="", city=city)
        for day in (datetime.date(2017, 9, 25), datetime.date(2017, 9, 26)):
            EventDay.objects.create(event=rtpp, date=day)
        _registrations(rtpp, territories=territories, people_per_territory=6)

    # "La Conférence Nationale des Pôles territoriaux et des Pays du 23 octobre, au Sénat, où 200 élus
    # et techniciens ont pu discuter avec les grandes institutions et entreprises partenaires des
    # Territoires de projets" (same édito).
    cnpp, created = _event(
        "cnpp-2017-senat",
        kind=Event.Kind.CNPP,
        title="Conférence Nationale des Pôles territoriaux et des Pays 2017",
        edition=2017,
        description=(
            "Une journée au Sénat, où 200 élus et techniciens ont pu discuter avec les grandes institutions "
            "et entreprises partenaires des Territoires de projets."
        ),
        status=Event.Status.CLOSED,
        members_only=True,
        registration_opens_at=_aware(datetime.date(2017, 9, 1)),
        registration_closes_at=_aware(datetime.date(2017, 10, 16)),
        cancellation_deadline=_aware(datetime.date(2017, 10, 16)),
    )
    if created:
        senat = Site.objects.create(
            event=cnpp, name="Sénat, Palais du Luxembourg", address="15 rue de Vaugirard", city="75006 Paris"
        )
        EventDay.objects.create(event=cnpp, date=datetime.date(2017, 10, 23), site=senat)
        _registrations(cnpp, territories=territories, people_per_territory=4)

    # "La tenue des prochains EGPP, les 8 et 9 Octobre 2018, à Nancy" (same édito).
    egpp, created = _event(
        "egpp-2018-nancy",
        kind=Event.Kind.EGPP,
        title="États Généraux des Pôles territoriaux et des Pays 2018",
        edition=2018,
        description="Les États Généraux des Pôles territoriaux et des Pays, les 8 et 9 octobre 2018 à Nancy.",
        status=Event.Status.CLOSED,
        registration_opens_at=_aware(datetime.date(2018, 6, 1)),
        registration_closes_at=_aware(datetime.date(2018, 10, 1)),
        cancellation_deadline=_aware(datetime.date(2018, 10, 1)),
    )
    if created:
        nancy = Site.objects.create(event=egpp, name="Nancy", address="", city="Nancy")
        for day in (datetime.date(2018, 10, 8), datetime.date(2018, 10, 9)):
            EventDay.objects.create(event=egpp, date=day, site=nancy)
        _registrations(egpp, territories=territories, people_per_territory=5)

    # An upcoming event, open today, so that registering can be tried in the demo. Everything about
    # it is invented, and it says so.
    today = timezone.localdate()
    start = today + datetime.timedelta(days=60)
    upcoming, created = _event(
        f"exemple-rtpp-{start.year}",
        kind=Event.Kind.RTPP,
        title=f"Exemple fictif : Rencontres Techniques {start.year}",
        edition=start.year,
        description=(
            "Événement fictif, créé pour la démonstration du portail : sa date, ses lieux et son programme "
            "sont inventés. Inscrivez-vous pour essayer le parcours d'inscription."
        ),
        status=Event.Status.PUBLISHED,
        capacity=200,
        registration_opens_at=timezone.now() - datetime.timedelta(days=1),
        registration_closes_at=_aware(start - datetime.timedelta(days=7), 23),
        cancellation_deadline=_aware(start - datetime.timedelta(days=7), 23),
        price_member=Decimal("40"),
        price_non_member=Decimal("80"),
        practical_info="Informations pratiques fictives : une navette relie les deux lieux d'exemple le soir du premier jour.",
    )
    if created:
        _programme(
            upcoming,
            [
                {"name": "Salle d'exemple A", "address": "1 place de l'Exemple", "city": "Ville-Exemple"},
                {"name": "Salle d'exemple B", "address": "2 rue Fictive", "city": "Autre-Ville-Exemple"},
            ],
            [(start, 0, T(9, 0), T(17, 30)), (start + datetime.timedelta(days=1), 1, T(9, 0), T(16, 0))],
            [
                (0, 0, T(9, 30), T(12, 0), "Ouverture (séance d'exemple)", "", False, None),
                (0, 0, T(14, 0), T(16, 30), "Atelier d'exemple : alimentation", "", True, 6),
                (0, 0, T(14, 0), T(16, 30), "Atelier d'exemple : ingénierie partagée", "", True, 30),
                (1, 1, T(9, 30), T(12, 0), "Atelier d'exemple : fonds européens", "", True, 30),
                (1, 1, T(9, 30), T(12, 0), "Atelier d'exemple : mobilités", "", True, 30),
                (1, 1, T(14, 0), T(15, 30), "Clôture (séance d'exemple)", "", False, None),
            ],
        )
        # A few delegations, so that staff can try invoicing them (one is invoiced by finish() below).
        _registrations(upcoming, territories=territories, people_per_territory=3)
    return []


@transaction.atomic
def finish() -> None:
    """An invoice of the Pays Ruffécois' delegation to the demo's fictional upcoming event, paid in
    part, and a credit note for one of its participants, cancelled afterwards. (The seed's past
    gatherings say nothing of prices, so they are free in the demo and have nothing to invoice.)"""
    from billing import services as billing_services

    registration = (
        Registration.objects.filter(event__slug__startswith="exemple-", territory__slug="pays-ruffecois")
        .order_by("pk")
        .first()
    )
    if registration is None or registration.invoices.exists():
        return
    staff = User.objects.get(email="equipe@anpp.demo")
    invoice = billing_services.event_invoice_issue(registration=registration, by=staff)
    billing_services.invoice_payment_record(
        invoice=invoice,
        paid_on=timezone.localdate() - datetime.timedelta(days=3),
        amount=(invoice.total / 2).quantize(Decimal("1")),
        method="mandat",
        reference="Mandat n° EXEMPLE-042",
        by=staff,
    )
    last = (
        registration.participants.filter(status=Participant.Status.CONFIRMED, price__gt=0)
        .order_by("-pk")
        .first()
    )
    # Cancelled as the events service does, without its email (demo participants get none).
    Participant.objects.filter(pk=last.pk).update(
        status=Participant.Status.CANCELLED, cancelled_at=timezone.now(), waiting_position=None
    )
    billing_services.participant_credit(participant=last, by=staff)
