"""Seats under concurrent registrations, on PostgreSQL (SQLite serialises writers by itself)."""

import threading
import time

import pytest
from django.db import connection

from events import services
from events.models import Event, Participant

from ..factories import StaffFactory
from .factories import EventFactory
from .helpers import person

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ATTEMPTS = 60
SEATS = 10


def _burst(event, user, delegation=lambda n, event: [person(n, event)], attempts=ATTEMPTS) -> list[Exception]:
    """``attempts`` threads register one person (or ``delegation``) each, released at the same instant."""
    barrier = threading.Barrier(attempts)
    errors: list[Exception] = []

    def attempt(n):
        try:
            barrier.wait()
            services.registration_create(event=event, by=user, participants=delegation(n, event))
        except Exception as exc:  # collected and asserted on below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@pytest.fixture
def slow_count(monkeypatch):
    """Widen the window between counting the seats and taking one, as a loaded server would."""
    count = services.Seats.__init__

    def slow(self, *args, **kwargs):
        count(self, *args, **kwargs)
        time.sleep(0.05)

    monkeypatch.setattr(services.Seats, "__init__", slow)


def test_sixty_simultaneous_attempts_on_ten_seats_confirm_exactly_ten(slow_count):
    event = EventFactory(capacity=SEATS)
    # Staff may register other addresses without a territory, and are not rate-limited.
    errors = _burst(event, StaffFactory())
    assert errors == []
    assert Participant.objects.filter(event=event, status="confirmed").count() == SEATS
    waiting = list(Participant.objects.filter(event=event, status="waiting").order_by("waiting_position"))
    assert len(waiting) == ATTEMPTS - SEATS
    assert [p.waiting_position for p in waiting] == list(range(1, ATTEMPTS - SEATS + 1))


def test_without_the_lock_the_same_burst_overbooks_the_event(slow_count, monkeypatch):
    """Negative control: the test above would catch a missing lock."""
    monkeypatch.setattr(
        services.registrations, "lock_event", lambda event_id, **kwargs: Event.objects.get(pk=event_id)
    )
    event = EventFactory(capacity=SEATS)
    _burst(event, StaffFactory())
    assert Participant.objects.filter(event=event, status="confirmed").count() > SEATS


DAY_SEATS = (7, 4)


def _delegation_of_three(n, event):
    """Three people: one for each day, one for both (the days with their own capacity)."""
    day1, day2 = event.days.order_by("date")
    first, second, both = (person(3 * n + k, event) for k in range(3))
    first.days, second.days = [day1], [day2]
    return [first, second, both]


def _day_room_event():
    event = EventFactory(capacity=None)
    for day, seats in zip(event.days.order_by("date"), DAY_SEATS, strict=True):
        type(day).objects.filter(pk=day.pk).update(capacity=seats)
    return event


def test_simultaneous_delegations_fill_each_days_room_exactly(slow_count):
    event = _day_room_event()
    errors = _burst(event, StaffFactory(), delegation=_delegation_of_three, attempts=20)
    assert errors == []
    for day, seats in zip(event.days.order_by("date"), DAY_SEATS, strict=True):
        assert day.participants.filter(status="confirmed").count() == seats
    waiting = Participant.objects.filter(event=event, status="waiting")
    assert waiting.count() == 60 - Participant.objects.filter(event=event, status="confirmed").count()
    assert sorted(waiting.values_list("waiting_position", flat=True)) == list(range(1, waiting.count() + 1))


def test_without_the_lock_the_delegations_overbook_a_day(slow_count, monkeypatch):
    """Negative control: the test above would catch a missing lock."""
    monkeypatch.setattr(
        services.registrations, "lock_event", lambda event_id, **kwargs: Event.objects.get(pk=event_id)
    )
    event = _day_room_event()
    _burst(event, StaffFactory(), delegation=_delegation_of_three, attempts=20)
    overbooked = [
        day.participants.filter(status="confirmed").count() > seats
        for day, seats in zip(event.days.order_by("date"), DAY_SEATS, strict=True)
    ]
    assert any(overbooked)


def test_simultaneous_cancellations_promote_each_waiting_person_once(monkeypatch):
    event = EventFactory(capacity=5)
    user = StaffFactory()
    outcome = services.registration_create(
        event=event, by=user, participants=[person(n, event) for n in range(10)]
    )
    barrier = threading.Barrier(5)
    errors = []

    def cancel(participant):
        try:
            barrier.wait()
            services.participant_cancel(participant=participant, by=user)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=cancel, args=(p,)) for p in outcome.confirmed]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    statuses = dict(Participant.objects.filter(event=event).values_list("last_name", "status"))
    assert [statuses[f"Nom{n}"] for n in range(5, 10)] == ["confirmed"] * 5
    assert Participant.objects.filter(event=event, status="confirmed").count() == 5
