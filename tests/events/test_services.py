import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from events import services
from events.models import Event, Participant, SessionChoice

from ..factories import MembershipFactory, UserFactory
from ..members.adhesion_factories import make_member
from .factories import EventFactory, ParticipantFactory, add_atelier, in_days
from .helpers import person

pytestmark = pytest.mark.django_db


def register(event, by, n_from, count, territory=None, **kwargs):
    if territory is None and not by.is_staff:
        kwargs.setdefault("email", by.email)  # a personal registration is for one's own address
    return services.registration_create(
        event=event,
        by=by,
        territory=territory,
        participants=[person(n_from + i, event, **kwargs) for i in range(count)],
    )


def test_a_delegation_fills_the_seats_then_the_waiting_list_in_order(referent_a, territory_a):
    make_member(territory_a)  # an adhérent territory pays the adhérent price
    event = EventFactory(capacity=3)
    outcome = register(event, referent_a, 0, 5, territory=territory_a)
    assert [p.last_name for p in outcome.confirmed] == ["Nom0", "Nom1", "Nom2"]
    assert [p.last_name for p in outcome.waiting] == ["Nom3", "Nom4"]
    assert outcome.waiting[0].waiting_position < outcome.waiting[1].waiting_position
    assert all(p.price == event.price_member for p in outcome.confirmed)


def test_cancelled_seat_goes_to_first_on_waiting_list(referent_a, territory_a, send_outbox):
    event = EventFactory(capacity=2)
    outcome = register(event, referent_a, 0, 4, territory=territory_a)
    promoted = services.participant_cancel(participant=outcome.confirmed[0], by=referent_a)
    assert [p.last_name for p in promoted] == ["Nom2"]
    statuses = dict(Participant.objects.values_list("last_name", "status"))
    assert statuses == {"Nom0": "cancelled", "Nom1": "confirmed", "Nom2": "confirmed", "Nom3": "waiting"}
    subjects = {(m.to[0], m.subject.split(":")[0]) for m in send_outbox()}
    assert ("personne2@pays.test", "[ANPP] Une place s'est libérée ") in subjects
    assert ("personne0@pays.test", "[ANPP] Inscription annulée ") in subjects


def test_raising_the_capacity_promotes_the_waiting_participants(referent_a, territory_a, staff):
    event = EventFactory(capacity=1)
    register(event, referent_a, 0, 3, territory=territory_a)
    promoted = services.event_capacity_change(event=event, capacity=2, by=staff)
    assert [p.last_name for p in promoted] == ["Nom1"]
    with pytest.raises(services.EventsError, match="déjà confirmés"):
        services.event_capacity_change(event=event, capacity=1, by=staff)


def test_the_same_email_cannot_be_registered_twice_even_with_other_case(referent_a, territory_a):
    event = EventFactory()
    register(event, referent_a, 0, 1, territory=territory_a)
    staff = UserFactory(is_staff=True)
    with pytest.raises(services.AlreadyRegistered, match=r"personne0@pays\.test"):
        services.registration_create(
            event=event, by=staff, participants=[person(9, event, email="PERSONNE0@Pays.test")]
        )


def test_the_database_refuses_a_second_active_participant_with_the_same_email():
    first = ParticipantFactory(email="camille@pays.test")
    with pytest.raises(IntegrityError), transaction.atomic():
        ParticipantFactory(registration=first.registration, email="Camille@Pays.test")
    first.status = Participant.Status.CANCELLED
    first.save()
    ParticipantFactory(registration=first.registration, email="Camille@Pays.test")


def test_a_cancelled_participant_may_register_again(referent_a, territory_a):
    event = EventFactory()
    outcome = register(event, referent_a, 0, 1, territory=territory_a)
    services.participant_cancel(participant=outcome.confirmed[0], by=referent_a)
    assert register(event, referent_a, 0, 1, territory=territory_a).confirmed


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"status": Event.Status.CANCELLED}, "annulé"),
        ({"status": Event.Status.DRAFT}, "pas ouvertes"),
        ({"registration_closes_at": in_days(-1), "registration_opens_at": in_days(-5)}, "closes"),
        ({"registration_opens_at": in_days(2)}, "ouvriront"),
    ],
)
def test_registration_is_refused_when_the_event_does_not_take_any(referent_a, territory_a, change, message):
    event = EventFactory(**change)
    with pytest.raises(services.RegistrationClosed, match=message):
        register(event, referent_a, 0, 1, territory=territory_a)
    assert not Participant.objects.exists()


@pytest.mark.parametrize("size", [0, 500])
def test_a_delegation_of_zero_or_too_many_people_is_refused(referent_a, territory_a, size):
    event = EventFactory()
    with pytest.raises(services.DelegationSize):
        register(event, referent_a, 0, size, territory=territory_a)


def test_an_atelier_of_a_day_not_chosen_is_refused(referent_a, territory_a):
    event = EventFactory()
    second_day = event.days.order_by("date").last()
    atelier = add_atelier(event, day=second_day)
    data = person(0, event, sessions=[atelier])
    data.days = [event.days.order_by("date").first()]
    with pytest.raises(services.InvalidChoice, match="un jour où"):
        services.registration_create(event=event, by=referent_a, territory=territory_a, participants=[data])


def test_another_territorys_delegation_is_refused(referent_a, territory_b):
    with pytest.raises(services.NotAllowed):
        register(EventFactory(), referent_a, 0, 1, territory=territory_b)


def test_a_members_only_event_refuses_people_of_no_adherent_territory():
    event = EventFactory(members_only=True)
    with pytest.raises(services.NotAllowed, match="adhérents"):
        register(event, UserFactory(), 0, 1)
    membership = MembershipFactory()
    with pytest.raises(services.NotAllowed, match="adhérents"):
        register(event, membership.user, 0, 1)  # attached to a territory whose adhésion is not valid
    make_member(membership.territory)
    assert register(event, membership.user, 0, 1).confirmed[0].price == event.price_non_member
    assert (
        register(event, membership.user, 1, 1, territory=membership.territory).confirmed[0].price
        == event.price_member
    )


def test_a_territory_without_valid_adhesion_pays_the_non_member_price(referent_a, territory_a):
    event = EventFactory(capacity=5)
    outcome = register(event, referent_a, 0, 1, territory=territory_a)
    assert outcome.confirmed[0].price == event.price_non_member


def test_a_full_atelier_keeps_the_participant_on_the_day_and_queues_for_the_atelier(referent_a, territory_a):
    event = EventFactory(capacity=10)
    atelier = add_atelier(event, capacity=1)
    outcome = register(event, referent_a, 0, 2, territory=territory_a, sessions=[atelier])
    assert len(outcome.confirmed) == 2
    assert "est complet" in outcome.notes[0] and "Prénom1 Nom1" in outcome.notes[0]
    choices = dict(SessionChoice.objects.values_list("participant__last_name", "status"))
    assert choices == {"Nom0": "confirmed", "Nom1": "waiting"}
    # The seat freed in the atelier goes to the first one waiting for it.
    services.participant_update(
        participant=outcome.confirmed[0], by=referent_a, days=list(event.days.all()), sessions=[]
    )
    assert SessionChoice.objects.get().status == "confirmed"


def test_changes_and_cancellations_close_at_the_deadline(referent_a, territory_a, staff):
    event = EventFactory(capacity=1)
    outcome = register(event, referent_a, 0, 2, territory=territory_a)
    participant, waiting = outcome.confirmed[0], outcome.waiting[0]
    Event.objects.filter(pk=event.pk).update(cancellation_deadline=in_days(-1))
    participant.refresh_from_db()
    first_day = event.days.order_by("date").first()
    with pytest.raises(services.RegistrationClosed, match="sont closes"):
        services.participant_update(
            participant=participant, by=referent_a, days=[first_day], sessions=[], dietary_needs="végétarien"
        )
    with pytest.raises(services.RegistrationClosed, match="sont closes"):
        services.participant_cancel(participant=participant, by=referent_a)
    participant.refresh_from_db()
    assert (participant.status, participant.dietary_needs, participant.days.count()) == ("confirmed", "", 2)
    # ANPP staff still change and cancel after the deadline (a territory calls them).
    services.participant_update(
        participant=participant, by=staff, days=[first_day], sessions=[], dietary_needs="végétarien"
    )
    participant.refresh_from_db()
    assert participant.dietary_needs == "végétarien" and list(participant.days.all()) == [first_day]
    assert services.participant_cancel(participant=participant, by=staff) == [waiting]
    participant.refresh_from_db()
    waiting.refresh_from_db()
    assert (participant.status, waiting.status) == ("cancelled", "confirmed")


def test_reminders_are_due_from_their_time_until_the_event_starts(referent_a, territory_a):
    event = EventFactory(capacity=5)
    register(event, referent_a, 0, 1, territory=territory_a)
    start = event.starts_at()
    assert services.reminders_send(now=start - datetime.timedelta(days=8)) == 0
    assert services.reminders_send(now=start - datetime.timedelta(days=6)) == 1
    assert services.reminders_send(now=start + datetime.timedelta(minutes=1)) == 0


def test_setting_the_capacity_to_the_confirmed_count_promotes_no_one(referent_a, territory_a, staff):
    event = EventFactory(capacity=1)
    waiting = register(event, referent_a, 0, 2, territory=territory_a).waiting[0]
    assert services.event_capacity_change(event=event, capacity=1, by=staff) == []
    waiting.refresh_from_db()
    assert waiting.status == "waiting" and waiting.waiting_position == 1


def test_removing_the_capacity_limit_promotes_everyone_waiting(referent_a, territory_a, staff):
    event = EventFactory(capacity=1)
    waiting = register(event, referent_a, 0, 3, territory=territory_a).waiting
    assert services.event_capacity_change(event=event, capacity=None, by=staff) == waiting
    assert set(Participant.objects.filter(event=event).values_list("status", flat=True)) == {"confirmed"}


@pytest.mark.parametrize(("atelier_seats", "atelier_status"), [(5, "confirmed"), (1, "waiting")])
def test_a_promoted_participant_gets_the_atelier_they_waited_for_if_it_has_room(
    referent_a, territory_a, staff, atelier_seats, atelier_status
):
    event = EventFactory(capacity=1)
    atelier = add_atelier(event, capacity=atelier_seats)
    register(event, referent_a, 0, 1, territory=territory_a, sessions=[atelier])
    waiting = register(event, referent_a, 1, 1, territory=territory_a, sessions=[atelier]).waiting[0]
    assert waiting.session_choices.get().status == "waiting"
    moment = timezone.now()
    assert services.event_capacity_change(event=event, capacity=2, by=staff, now=moment) == [waiting]
    waiting.refresh_from_db()
    assert (waiting.status, waiting.waiting_position, waiting.promoted_at) == ("confirmed", None, moment)
    assert waiting.session_choices.get().status == atelier_status
