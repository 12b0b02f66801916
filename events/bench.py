"""The events app's part of `make bench`: its data (60 events, 20,000 registrations, and a 200-seat
event for the registration burst) and its in-process figures (badges and émargement PDFs)."""

import datetime
import time
from decimal import Decimal

# bench/run.py imports this module's constants and snippets without setting Django up: the models
# are imported inside the functions that run in a Django process.

BURST_SLUG = "bench-rafale"
BURST_CAPACITY = 200
BURST_PEOPLE = 500
BIG_EVENT_SLUG = "bench-evenement-000"


def _event(n: int, *, start: datetime.date, capacity: int, slug=None):
    from django.utils import timezone

    from .models import Event, EventDay, Site

    now = timezone.now()
    event = Event.objects.create(
        kind=[Event.Kind.EGPP, Event.Kind.CNPP, Event.Kind.RTPP][n % 3],
        title=f"Rencontre n°{n}",
        edition=2000 + n // 3,
        slug=slug or f"bench-evenement-{n:03d}",
        status=Event.Status.PUBLISHED,
        capacity=capacity,
        registration_opens_at=now - datetime.timedelta(days=30),
        registration_closes_at=now + datetime.timedelta(days=30),
        cancellation_deadline=now + datetime.timedelta(days=30),
        price_member=Decimal("90"),
        price_non_member=Decimal("150"),
        price_partner=Decimal("0"),
        ask_dietary=False,
        ask_accessibility=False,
        ask_meals=False,
    )
    site = Site.objects.create(
        event=event, name="Salle des fêtes", address="1 place de la Mairie", city="Fleurance"
    )
    EventDay.objects.create(event=event, date=start, site=site)
    return event


def generate(*, rng, staff, events: int = 60, registrations: int = 20_000) -> None:
    from django.utils import timezone

    from members.models import Territory, User

    from .models import Function, Participant, Registration

    territories = list(Territory.objects.filter(slug__startswith="bench-").values_list("pk", flat=True))
    referents = list(User.objects.filter(email__startswith="referent").values_list("pk", flat=True))
    today = timezone.localdate()
    per_event = registrations // events
    for n in range(events):
        start = today + datetime.timedelta(days=(n - 30) * 12)
        event = _event(n, start=start, capacity=per_event + 20)
        day = event.days.get()
        registrations = Registration.objects.bulk_create(
            [
                Registration(
                    event=event,
                    created_by_id=referents[i % len(referents)],
                    territory_id=territories[i % len(territories)],
                )
                for i in range(per_event // 4)
            ]
        )
        participants = [
            Participant(
                registration=registrations[i // 4],
                event=event,
                first_name="Participant",
                last_name=f"{n:03d}-{i:04d}",
                email=f"p{n:03d}-{i:04d}@bench.test",
                function=rng.choice([Function.ELU, Function.TECHNICIEN]),
                status=Participant.Status.CONFIRMED,
                price=Decimal("90"),
            )
            for i in range(per_event // 4 * 4)
        ]
        created = Participant.objects.bulk_create(participants, batch_size=1000)
        Participant.days.through.objects.bulk_create(
            [Participant.days.through(participant_id=p.pk, eventday_id=day.pk) for p in created],
            batch_size=2000,
        )
    burst = _event(999, start=today + datetime.timedelta(days=45), capacity=BURST_CAPACITY, slug=BURST_SLUG)
    password = User.objects.get(email="referent0000@bench.test").password
    User.objects.bulk_create(
        [
            User(
                email=f"rafale{n:03d}@bench.test",
                first_name="Personne",
                last_name=f"{n:03d}",
                password=password,
            )
            for n in range(BURST_PEOPLE)
        ]
    )
    assert burst.days.count() == 1


def measure(*, anonymous, staff):
    from . import pdf
    from .models import Event, Participant

    entries, failures = [], []
    event = Event.objects.get(slug=BIG_EVENT_SLUG)
    confirmed = event.participants.filter(status=Participant.Status.CONFIRMED)
    sample = list(confirmed.order_by("pk").values_list("pk", flat=True)[:200])
    confirmed.exclude(pk__in=sample).update(status=Participant.Status.CANCELLED)
    started = time.perf_counter()
    badges = pdf.badges(event)
    entries.append(
        [
            "Badges de 200 participants (PDF)",
            f"{(time.perf_counter() - started) * 1000:.0f} ms, {len(badges) // 1024} Kio",
        ]
    )
    started = time.perf_counter()
    sheets = pdf.signin_sheets(event)
    entries.append(
        [
            "Feuille d'émargement, 200 participants (PDF)",
            f"{(time.perf_counter() - started) * 1000:.0f} ms, {len(sheets) // 1024} Kio",
        ]
    )
    if not badges.startswith(b"%PDF") or not sheets.startswith(b"%PDF"):
        failures.append("the badges or émargement PDF is not a PDF")
    pages = [
        ("Événements `/evenements/`", "/evenements/"),
        ("Page d'un événement", f"/evenements/{BIG_EVENT_SLUG}/"),
    ]
    return "Événements : PDF", entries, failures, pages


def burst_sessions_snippet() -> str:
    """A `manage.py shell` snippet printing the burst's logged-in cookies and the event's day, as JSON."""
    return f"""
import json
from django.contrib.auth import SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.conf import settings
from members.models import User
from events.models import Event
people = []
for user in User.objects.filter(email__startswith="rafale").order_by("email"):
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    people.append({{"email": user.email, "cookie": f"{{settings.SESSION_COOKIE_NAME}}={{session.session_key}}"}})
event = Event.objects.get(slug="{BURST_SLUG}")
print(json.dumps({{"people": people, "day": event.days.get().pk, "slug": event.slug}}))
"""


BURST_COUNTS_SNIPPET = f"""
import json
from events.models import Event, Participant
event = Event.objects.get(slug="{BURST_SLUG}")
counts = {{status: event.participants.filter(status=status).count() for status in ("confirmed", "waiting", "cancelled")}}
from anpp_portal.models import OutboundEmail
counts["emails"] = OutboundEmail.objects.filter(to__startswith="rafale").count()
print(json.dumps(counts))
"""
