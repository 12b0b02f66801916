"""Demo data of the events app: the 2018 editions of EGPP, CNPP and RTPP, and an upcoming RTPP open
for registration (the 2018 ones are past, so the registration flow can be tried on this one).

Idempotent: events are looked up by slug and left alone once they exist. Demo participants are
written directly (not through the services) so that loading the demo never queues an email.
Capacities of the past editions are scaled down so that one of them shows a waiting list.
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from members.models import Territory, User

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
    territories = list(
        Territory.objects.filter(slug__in=["pays-ruffecois", "portes-de-gascogne"]).order_by("slug")
    )
    paris_sites = [
        {"name": "Palais du Luxembourg (Sénat)", "address": "15 rue de Vaugirard", "city": "75006 Paris"}
    ]

    egpp, created = _event(
        "egpp-2018-nancy",
        kind=Event.Kind.EGPP,
        title="États Généraux des Pôles territoriaux et des Pays 2018",
        edition=2018,
        description="Deux journées de débats et d'ateliers pour les élus et techniciens des territoires de projets.",
        status=Event.Status.CLOSED,
        capacity=300,
        registration_opens_at=_aware(datetime.date(2018, 6, 1)),
        registration_closes_at=_aware(datetime.date(2018, 10, 1)),
        cancellation_deadline=_aware(datetime.date(2018, 10, 1)),
        price_member=Decimal("90"),
        price_non_member=Decimal("150"),
    )
    if created:
        _programme(
            egpp,
            [{"name": "Centre Prouvé", "address": "1 place de la République", "city": "54000 Nancy"}],
            [
                (datetime.date(2018, 10, 8), 0, T(9, 30), T(18, 0)),
                (datetime.date(2018, 10, 9), 0, T(9, 0), T(16, 30)),
            ],
            [
                (
                    0,
                    0,
                    T(9, 30),
                    T(11, 0),
                    "Plénière d'ouverture : les territoires de projets, 10 ans après",
                    "",
                    False,
                    None,
                ),
                (0, 0, T(14, 0), T(16, 0), "Atelier : contrats de réciprocité ville-campagne", "", True, 80),
                (0, 0, T(14, 0), T(16, 0), "Atelier : transition énergétique et PCAET", "", True, 80),
                (1, 0, T(9, 30), T(11, 30), "Atelier : LEADER 2021-2027", "", True, 80),
                (1, 0, T(14, 0), T(16, 0), "Plénière de clôture", "", False, None),
            ],
        )
        _registrations(egpp, territories=territories, people_per_territory=5)

    cnpp, created = _event(
        "cnpp-2018-senat",
        kind=Event.Kind.CNPP,
        title="Conférence Nationale des Pôles territoriaux et des Pays 2018",
        edition=2018,
        description="Une journée au Sénat avec environ 200 élus et techniciens.",
        status=Event.Status.CLOSED,
        capacity=200,
        members_only=True,
        # The exact 2018 date is illustrative in the demo.
        registration_opens_at=_aware(datetime.date(2018, 9, 1)),
        registration_closes_at=_aware(datetime.date(2018, 11, 30)),
        cancellation_deadline=_aware(datetime.date(2018, 11, 30)),
    )
    if created:
        _programme(
            cnpp,
            paris_sites,
            [(datetime.date(2018, 12, 6), 0, T(9, 0), T(17, 0))],
            [
                (
                    0,
                    0,
                    T(9, 30),
                    T(12, 30),
                    "Les territoires de projets et la cohésion des territoires",
                    "",
                    False,
                    None,
                ),
                (0, 0, T(14, 0), T(16, 30), "Table ronde avec les sénateurs", "", False, None),
            ],
        )
        _registrations(cnpp, territories=territories, people_per_territory=4)

    rtpp_sites = [
        {
            "name": "Lycée agricole de Beaulieu-Lavacant",
            "address": "Route de Condom",
            "city": "32500 Fleurance",
        },
        {
            "name": "Hôtel de Région Occitanie",
            "address": "22 boulevard du Maréchal Juin",
            "city": "31400 Toulouse",
        },
    ]
    rtpp_sessions = [
        (
            0,
            0,
            T(9, 30),
            T(12, 0),
            "Ouverture et visite du territoire",
            "PETR Pays Portes de Gascogne",
            False,
            None,
        ),
        (
            0,
            0,
            T(14, 0),
            T(16, 30),
            "Atelier : alimentation et projets alimentaires territoriaux",
            "",
            True,
            6,
        ),
        (0, 0, T(14, 0), T(16, 30), "Atelier : ingénierie territoriale partagée", "", True, 30),
        (1, 1, T(9, 30), T(12, 0), "Atelier : fonds européens et LEADER", "Région Occitanie", True, 30),
        (1, 1, T(9, 30), T(12, 0), "Atelier : mobilités rurales", "", True, 30),
        (1, 1, T(14, 0), T(15, 30), "Restitution et clôture", "", False, None),
    ]
    rtpp, created = _event(
        "rtpp-2018-fleurance-toulouse",
        kind=Event.Kind.RTPP,
        title="Rencontres Techniques des Pôles territoriaux et des Pays 2018",
        edition=2018,
        description="Deux journées sur deux sites, Fleurance puis Toulouse, pour les techniciens des territoires.",
        status=Event.Status.CLOSED,
        # Scaled down for the demo (200 seats in reality) so that it shows a waiting list.
        capacity=8,
        registration_opens_at=_aware(datetime.date(2018, 6, 1)),
        registration_closes_at=_aware(datetime.date(2018, 9, 20)),
        cancellation_deadline=_aware(datetime.date(2018, 9, 20)),
        price_member=Decimal("40"),
        price_non_member=Decimal("80"),
    )
    if created:
        _programme(
            rtpp,
            rtpp_sites,
            [
                (datetime.date(2018, 9, 25), 0, T(9, 0), T(17, 30)),
                (datetime.date(2018, 9, 26), 1, T(9, 0), T(16, 0)),
            ],
            rtpp_sessions,
        )
        _registrations(rtpp, territories=territories, people_per_territory=6)

    # An upcoming edition, open today, so that registering can be tried in the demo.
    today = timezone.localdate()
    start = today + datetime.timedelta(days=60)
    upcoming, created = _event(
        f"rtpp-{start.year}",
        kind=Event.Kind.RTPP,
        title=f"Rencontres Techniques des Pôles territoriaux et des Pays {start.year}",
        edition=start.year,
        description="Deux journées de rencontres techniques : visites, ateliers et échanges entre territoires.",
        status=Event.Status.PUBLISHED,
        capacity=200,
        registration_opens_at=timezone.now() - datetime.timedelta(days=1),
        registration_closes_at=_aware(start - datetime.timedelta(days=7), 23),
        cancellation_deadline=_aware(start - datetime.timedelta(days=7), 23),
        price_member=Decimal("40"),
        price_non_member=Decimal("80"),
        practical_info="Navette entre Fleurance et Toulouse le soir du premier jour.",
    )
    if created:
        _programme(
            upcoming,
            rtpp_sites,
            [(start, 0, T(9, 0), T(17, 30)), (start + datetime.timedelta(days=1), 1, T(9, 0), T(16, 0))],
            rtpp_sessions,
        )
    return []
