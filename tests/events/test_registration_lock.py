"""What a registration does while it holds the event's lock: count the seats, and move to the
waiting list whoever finds none. Everything else (participants, days, audit rows, emails) is written
before the lock, so that registrations to one event wait for each other as briefly as possible."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from anpp_portal.models import OutboundEmail
from events import services
from events.models import Participant

from ..factories import StaffFactory, UserFactory
from .factories import EventFactory, add_atelier
from .helpers import person

pytestmark = pytest.mark.django_db


def _statement(sql: str) -> tuple[str, str]:
    """("SELECT", "events_event") for a statement: its kind and the first table it names."""
    return sql.split()[0], re.search(r'"(\w+)"', sql).group(1)


def _under_lock(monkeypatch, event, by, participants) -> list[tuple[str, str]]:
    """The statements a registration of ``participants`` runs from the moment it takes the lock."""
    marks = []
    lock_event = services.lock_event

    def marked(event_id, **kwargs):
        marks.append(len(context.captured_queries))
        return lock_event(event_id, **kwargs)

    monkeypatch.setattr(services.registrations, "lock_event", marked)
    with CaptureQueriesContext(connection) as context:
        services.registration_create(event=event, by=by, participants=participants)
    assert len(marks) == 1
    statements = [query["sql"] for query in context.captured_queries[marks[0] :]]
    return [
        _statement(sql) for sql in statements if sql.split()[0] in {"SELECT", "INSERT", "UPDATE", "DELETE"}
    ]


def test_a_confirmed_registration_only_counts_the_seats_under_the_lock(monkeypatch):
    event = EventFactory(capacity=10)
    staff = StaffFactory()
    under_lock = _under_lock(monkeypatch, event, staff, [person(0, event), person(1, event)])
    # The event's row (locked) and one count of the seats held by others, whatever the delegation's size.
    assert under_lock == [("SELECT", "events_event"), ("SELECT", "events_participant")]
    assert Participant.objects.filter(event=event, status="confirmed").count() == 2


def test_a_day_with_its_own_capacity_adds_one_count_under_the_lock(monkeypatch):
    event = EventFactory(capacity=10)
    event.days.update(capacity=5)
    staff = StaffFactory()
    under_lock = _under_lock(monkeypatch, event, staff, [person(0, event)])
    assert under_lock == [
        ("SELECT", "events_event"),
        ("SELECT", "events_participant"),
        ("SELECT", "events_eventday"),
        ("SELECT", "events_participant_days"),
    ]


def test_a_participant_who_finds_no_seat_waits_in_three_updates_under_the_lock(monkeypatch):
    event = EventFactory(capacity=1)
    staff = StaffFactory()
    services.registration_create(event=event, by=staff, participants=[person(0, event)])
    under_lock = _under_lock(monkeypatch, event, staff, [person(1, event)])
    assert under_lock == [
        ("SELECT", "events_event"),
        ("SELECT", "events_participant"),
        ("UPDATE", "events_participant"),
        ("UPDATE", "events_historicalparticipant"),
        ("UPDATE", "anpp_portal_outboundemail"),
    ]


def test_who_finds_no_seat_has_the_audit_row_and_the_email_of_the_waiting_list(referent_a, territory_a):
    event = EventFactory(capacity=1)
    outcome = services.registration_create(
        event=event,
        by=referent_a,
        territory=territory_a,
        participants=[person(0, event), person(1, event), person(2, event)],
    )
    assert [p.last_name for p in outcome.confirmed] == ["Nom0"]
    assert [(p.last_name, p.waiting_position) for p in outcome.waiting] == [("Nom1", 1), ("Nom2", 2)]
    for participant in outcome.waiting:
        stored = Participant.objects.get(pk=participant.pk)
        assert (stored.status, stored.waiting_position) == ("waiting", participant.waiting_position)
        history = list(Participant.history.filter(id=participant.pk))
        assert [(h.history_type, h.status, h.waiting_position) for h in history] == [
            ("+", "waiting", participant.waiting_position)
        ]
        email = OutboundEmail.objects.get(key=f"event-waiting:{participant.pk}")
        assert email.to == participant.email
        assert email.render_args == {"participant_id": participant.pk, "name": "waiting", "extra": {}}
        assert not OutboundEmail.objects.filter(key=f"event-confirmation:{participant.pk}").exists()
    seated = outcome.confirmed[0]
    assert (
        OutboundEmail.objects.get(key=f"event-confirmation:{seated.pk}").render_args["name"] == "confirmation"
    )
    assert [h.status for h in Participant.history.filter(id=seated.pk)] == ["confirmed"]


def test_a_day_full_for_one_participant_seats_the_next_one_who_comes_another_day(referent_a, territory_a):
    """Seats are counted per participant in the delegation's order, against others' seats and the
    ones the delegation has just taken."""
    event = EventFactory(capacity=None)
    day1, day2 = event.days.order_by("date")
    type(day1).objects.filter(pk=day1.pk).update(capacity=1)
    first, second, third = person(0, event), person(1, event), person(2, event)
    first.days, second.days, third.days = [day1], [day1, day2], [day2]
    outcome = services.registration_create(
        event=event, by=referent_a, territory=territory_a, participants=[first, second, third]
    )
    assert [p.last_name for p in outcome.confirmed] == ["Nom0", "Nom2"]
    assert [p.last_name for p in outcome.waiting] == ["Nom1"]


def test_a_waiting_participant_waits_for_the_ateliers_too(referent_a, territory_a):
    event = EventFactory(capacity=1)
    atelier = add_atelier(event, capacity=5)
    services.registration_create(
        event=event, by=referent_a, territory=territory_a, participants=[person(0, event)]
    )
    outcome = services.registration_create(
        event=event,
        by=referent_a,
        territory=territory_a,
        participants=[person(1, event, sessions=[atelier])],
    )
    waiting = outcome.waiting[0]
    assert [c.status for c in waiting.session_choices.all()] == ["waiting"]


def test_a_seat_given_back_goes_to_the_next_person_who_registers(referent_a, territory_a):
    """Only confirmed seats count: a cancelled participant and the waiting ones hold none."""
    event = EventFactory(capacity=2)
    staff = StaffFactory()
    first = services.registration_create(event=event, by=staff, participants=[person(0, event)])
    services.participant_cancel(participant=first.confirmed[0], by=staff)
    outcome = services.registration_create(
        event=event, by=referent_a, territory=territory_a, participants=[person(1, event), person(2, event)]
    )
    assert [p.last_name for p in outcome.confirmed] == ["Nom1", "Nom2"]
    waiting = services.registration_create(event=event, by=staff, participants=[person(3, event)]).waiting
    later = services.registration_create(event=event, by=staff, participants=[person(4, event)])
    # The waiting person holds no seat but a place in the queue: the next one waits behind them.
    assert [p.waiting_position for p in [*waiting, *later.waiting]] == [1, 2]


def test_a_personal_registration_writes_its_rows_then_locks_and_counts(monkeypatch):
    """Every statement of the commonest registration (one person, for themselves), in order: no
    lookup before the writes (the database refuses an address registered twice), nothing validated
    against the database that it does not need to be."""
    event = EventFactory(capacity=10)
    user = UserFactory()
    own = person(0, event, email=user.email)
    with CaptureQueriesContext(connection) as context:
        services.registration_create(event=event, by=user, participants=[own])
    statements = [
        _statement(query["sql"])
        for query in context.captured_queries
        if query["sql"].split()[0] in {"SELECT", "INSERT", "UPDATE", "DELETE"}
    ]
    assert statements == [
        ("INSERT", "events_registration"),
        ("INSERT", "events_historicalregistration"),
        ("INSERT", "events_participant"),
        ("INSERT", "events_historicalparticipant"),
        ("INSERT", "events_participant_days"),
        ("INSERT", "anpp_portal_outboundemail"),
        ("SELECT", "events_event"),
        ("SELECT", "events_participant"),
    ]
