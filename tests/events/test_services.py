import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from events import services
from events.models import Event, Participant, Registration, SessionChoice

from ..factories import MembershipFactory, StaffFactory, UserFactory
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
    staff = StaffFactory()
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


def _refusal(event, by, participants, territory=None) -> str:
    with pytest.raises(services.EventsError) as refused:
        services.registration_create(event=event, by=by, territory=territory, participants=participants)
    return str(refused.value)


def test_each_refusal_of_a_registration_says_why_in_french(referent_a, territory_a, settings):
    """The service's message is what the form shows next to the registration: each one names the
    cause (and the address or the limit it is about), and nothing is written when it refuses."""
    settings.ANPP_EVENTS_MAX_DELEGATION = 3
    event = EventFactory(capacity=10)
    staff = StaffFactory()
    assert _refusal(event, referent_a, [], territory=territory_a) == "Indiquez au moins un participant."
    assert _refusal(event, referent_a, [person(n, event) for n in range(4)], territory=territory_a) == (
        "Une inscription compte au plus 3 participants ; faites plusieurs inscriptions."
    )
    twice = [person(0, event), person(1, event, email="Personne0@pays.test ")]
    assert _refusal(event, referent_a, twice, territory=territory_a) == (
        "L'adresse personne0@pays.test figure deux fois dans la délégation."
    )
    assert not event.participants.exists()
    assert len(register(event, referent_a, 0, 3, territory=territory_a).confirmed) == 3  # the limit itself
    assert _refusal(event, staff, [person(1, event), person(2, event), person(7, event)]) == (
        "Déjà inscrit à cet événement : personne1@pays.test, personne2@pays.test."
    )
    register(event, staff, 8, 1, email=staff.email)
    assert _refusal(event, staff, [person(9, event, email=staff.email.upper())]) == (
        f"Déjà inscrit à cet événement : {staff.email}."
    )
    own = person(5, event, email=referent_a.email)
    register(event, referent_a, 5, 1)
    assert _refusal(event, referent_a, [own]) == f"Déjà inscrit à cet événement : {referent_a.email}."
    assert event.participants.count() == 5


def test_a_registration_keeps_its_territory_its_time_and_each_persons_answers(referent_a, territory_a):
    event = EventFactory(capacity=10)
    now = timezone.now() - datetime.timedelta(minutes=5)
    data = person(0, event)
    data.dietary_needs, data.accessibility_needs = "  Végétarien ", " Fauteuil roulant "
    data.meal_days = data.days[:1]
    partner = person(1, event, function="partenaire")
    outcome = services.registration_create(
        event=event, by=referent_a, territory=territory_a, participants=[data, partner], now=now
    )
    # A territory that is not adhérent pays the non-member price; a partner the partners' price.
    assert [p.price for p in outcome.confirmed] == [Decimal("80.00"), Decimal("0")]
    registration = Registration.objects.get(pk=outcome.registration.pk)
    assert (registration.territory, registration.created_by, registration.created_at) == (
        territory_a,
        referent_a,
        now,
    )
    participant = Participant.objects.get(pk=outcome.confirmed[0].pk)
    assert (participant.dietary_needs, participant.accessibility_needs) == ("Végétarien", "Fauteuil roulant")
    assert list(participant.meal_days.all()) == data.days[:1]
    assert list(participant.days.order_by("date")) == data.days
    assert participant.created_at == now


def test_a_recap_goes_to_whoever_registers_for_a_territory_or_for_someone_else(referent_a, territory_a):
    from anpp_portal.models import OutboundEmail

    event = EventFactory(capacity=10)
    staff = StaffFactory()

    def recapped(outcome) -> bool:
        return OutboundEmail.objects.filter(key=f"event-recap:{outcome.registration.pk}").exists()

    assert not recapped(register(event, referent_a, 0, 1))  # for oneself: the confirmation is enough
    # For one's territory, even alone: the territory pays, the recap says what and how to manage it.
    other_event = EventFactory(capacity=10)
    assert recapped(register(other_event, referent_a, 1, 1, territory=territory_a, email=referent_a.email))
    assert recapped(register(event, staff, 2, 1))  # staff, for someone else
    assert not recapped(register(event, staff, 3, 1, email=staff.email))


def test_an_address_stored_with_capitals_is_already_registered_for_a_territory_too(referent_a, territory_a):
    """As the database's constraint compares them: the territory gets the same quiet answer as for
    any registered address (its owner is told), not an error naming a registered person."""
    from anpp_portal.models import OutboundEmail

    event = EventFactory(capacity=10)
    ParticipantFactory(event=event, email="Personne0@Pays.test")
    outcome = register(event, referent_a, 0, 2, territory=territory_a)
    assert [p.email for p in outcome.confirmed] == ["personne1@pays.test"]
    assert OutboundEmail.objects.filter(
        key=f"event-already:{outcome.registration.pk}:personne0@pays.test", to="personne0@pays.test"
    ).exists()
