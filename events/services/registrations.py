"""Registrations and seats: registering people, counting seats under the event's lock, the
waiting list and who is promoted from it.

Seats are a rule that concurrent requests race on, so every function that takes or frees a seat
(of the event or of an atelier) first locks the event's row (``SELECT … FOR UPDATE``, as pretix
locks its quotas): registrations, cancellations, changes and capacity changes of one event run one
after the other, and counts read under the lock are true until the transaction ends. A registration
writes its rows before it takes the lock (nobody sees them before the commit) and, under it, only
counts the seats held by others and moves to the waiting list whoever finds none: under the lock
run the event's row, the seat count (and the days' where a day has a capacity), three UPDATEs for
each person who waits, and the commit (tests/events/test_registration_lock.py).
"""

import itertools
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, Max, OuterRef, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from anpp_portal import pagecache, ratelimit
from anpp_portal.formats import format_datetime, format_time
from anpp_portal.staffpolicy import acts_as_staff
from members.permissions import Action, can, territories_for
from members.selectors import territories_with_valid_adhesion

from .. import emails, qr
from ..models import Event, EventDay, Function, Participant, Registration, Session, SessionChoice
from .errors import (
    STAFF_REGISTERS,
    AlreadyRegistered,
    DelegationSize,
    InvalidChoice,
    NotAllowed,
    RateLimited,
    RegistrationClosed,
)


def max_delegation_size() -> int:
    return getattr(settings, "ANPP_EVENTS_MAX_DELEGATION", 50)


@dataclass
class ParticipantData:
    first_name: str
    last_name: str
    email: str
    function: str
    days: list[EventDay]
    sessions: list[Session] = field(default_factory=list)
    meal_days: list[EventDay] = field(default_factory=list)
    dietary_needs: str = ""
    accessibility_needs: str = ""


@dataclass
class RegistrationOutcome:
    registration: Registration
    confirmed: list[Participant]
    waiting: list[Participant]
    # Human-readable notes, e.g. "atelier X is full: Camille is on its waiting list".
    notes: list[str]

    # No word of the addresses named for a territory that already held a place: their owner is told
    # by email, and the person who registered must not learn who is registered.


def lock_event(event_id: int, *, with_day_capacities: bool = False) -> Event:
    """Lock the event's row until the end of the transaction; seats are counted under this lock.

    ``with_day_capacities``: also tell (``has_day_capacities``) whether a day has a capacity of its
    own, in the same statement, so that an event without one costs no query for its days."""
    queryset = Event.objects.select_for_update()
    if with_day_capacities:
        queryset = queryset.annotate(
            has_day_capacities=Exists(EventDay.objects.filter(event=OuterRef("pk"), capacity__isnull=False))
        )
    return queryset.get(pk=event_id)


def is_member_territory(territory) -> bool:
    """A territory whose adhésion is valid (members.selectors): it pays the adhérent price."""
    return territory is not None and territories_with_valid_adhesion().filter(pk=territory.pk).exists()


def price_for(*, event: Event, member: bool, function: str) -> Decimal:
    if function == Function.PARTENAIRE:
        return event.price_partner
    return event.price_member if member else event.price_non_member


def _check_can_register(*, event: Event, by, territory, now) -> None:
    _check_registration_open(event=event, now=now)
    if territory is not None and not can(by, Action.ACT, territory):
        raise NotAllowed(_("Vous ne pouvez pas inscrire de délégation pour ce territoire."))
    if event.members_only and not acts_as_staff(by, STAFF_REGISTERS):
        allowed = (
            is_member_territory(territory)
            if territory is not None
            else territories_for(by, Action.ACT)
            .filter(pk__in=territories_with_valid_adhesion().values("pk"))
            .exists()
        )
        if not allowed:
            raise NotAllowed(_("Cet événement est réservé aux territoires adhérents de l'ANPP."))


def _check_registration_open(*, event: Event, now) -> None:
    """The event's own state; checked again on the locked row, as staff may close or cancel it
    while a registration is under way."""
    if event.status == Event.Status.CANCELLED:
        raise RegistrationClosed(_("Cet événement est annulé : les inscriptions sont fermées."))
    if event.status not in (Event.Status.PUBLISHED, Event.Status.FULL):
        raise RegistrationClosed(_("Les inscriptions à cet événement ne sont pas ouvertes."))
    if now < event.registration_opens_at:
        raise RegistrationClosed(
            _("Les inscriptions ouvriront le %(date)s.")
            % {"date": format_datetime(event.registration_opens_at)}
        )
    if now >= event.registration_closes_at:
        raise RegistrationClosed(_("Les inscriptions à cet événement sont closes."))


def _check_choices(*, event: Event, data: ParticipantData) -> None:
    name = f"{data.first_name} {data.last_name}".strip()
    if not data.days:
        raise InvalidChoice(_("Choisissez au moins une journée pour %(name)s.") % {"name": name})
    day_ids = {day.pk for day in data.days}
    if any(day.event_id != event.pk for day in [*data.days, *data.meal_days]):
        raise InvalidChoice(_("Une journée choisie n'appartient pas à cet événement."))
    if not {day.pk for day in data.meal_days} <= day_ids:
        raise InvalidChoice(
            _("Les repas ne peuvent être pris que les jours de présence de %(name)s.") % {"name": name}
        )
    _check_no_clash(data.sessions, name)
    for session in data.sessions:
        if session.event_id != event.pk or not session.is_atelier:
            raise InvalidChoice(
                _("L'atelier « %(title)s » n'est pas proposé à cet événement.") % {"title": session}
            )
        if session.day_id not in day_ids:
            raise InvalidChoice(
                _("L'atelier « %(title)s » a lieu un jour où %(name)s n'est pas inscrit·e.")
                % {"title": session, "name": name}
            )


def _check_no_clash(sessions, name: str) -> None:
    """A person cannot hold two sessions that overlap in time."""
    for a, b in itertools.combinations(sorted(sessions, key=lambda s: (s.day_id, s.starts_at)), 2):
        if a.day_id == b.day_id and a.starts_at < b.ends_at and b.starts_at < a.ends_at:
            raise InvalidChoice(
                _(
                    "« %(first)s » (%(first_start)s – %(first_end)s) et « %(second)s » (%(second_start)s – "
                    "%(second_end)s) ont lieu en même temps : %(name)s ne peut suivre que l'un des deux."
                )
                % {
                    "first": a.title,
                    "first_start": format_time(a.starts_at),
                    "first_end": format_time(a.ends_at),
                    "second": b.title,
                    "second_start": format_time(b.starts_at),
                    "second_end": format_time(b.ends_at),
                    "name": name,
                }
            )


def _check_rate(by) -> None:
    """Registrations per account (settings.ANPP_RATE_LIMITS["event_registration"]), so that no account
    can flood addresses with confirmations."""
    if acts_as_staff(by, STAFF_REGISTERS):
        return
    if not ratelimit.consume(action="event_registration", key=f"user:{by.pk}"):
        raise RateLimited(
            _(
                "Vous avez fait beaucoup d'inscriptions en peu de temps : réessayez plus tard ou écrivez à l'ANPP."
            )
        )


def _check_addresses(*, by, territory, participants: list[ParticipantData]) -> None:
    """Registering other people is for persons acting for a territory (or ANPP staff); a personal
    registration is for one's own address."""
    if territory is not None or acts_as_staff(by, STAFF_REGISTERS):
        return
    own = by.email.strip().lower()
    if len(participants) != 1 or participants[0].email != own:
        raise NotAllowed(
            _(
                "À titre personnel, vous ne pouvez inscrire que vous-même, avec votre adresse %(email)s. "
                "Pour inscrire d'autres personnes, inscrivez-les au titre de votre territoire."
            )
            % {"email": own}
        )


class Seats:
    """Seats of an event counted once under its lock: the event's and, where a day has its own
    capacity, that day's. A participant holds a seat on every day they chose.

    ``excluding``: a registration of this transaction whose participants are not counted (they are
    the ones the seats are being counted for)."""

    def __init__(self, event: Event, *, with_waiting_position: bool = False, excluding=None):
        self.event = event
        others = event.participants.all()
        if excluding is not None:
            others = others.exclude(registration=excluding)
        if with_waiting_position:
            # One statement for both (registration_create runs it under the event's lock).
            figures = others.aggregate(
                confirmed=Count("pk", filter=Q(status=Participant.Status.CONFIRMED)),
                highest=Max("waiting_position"),
            )
            self.confirmed = figures["confirmed"]
            # Positions only grow, so a cancelled then re-registered person goes to the end.
            self.highest_position = figures["highest"] or 0
        else:
            self.confirmed = others.filter(status=Participant.Status.CONFIRMED).count()
        self.day_capacity = {}
        if getattr(event, "has_day_capacities", True):
            self.day_capacity = {d.pk: d.capacity for d in event.days.all() if d.capacity is not None}
        self.per_day = {}
        if self.day_capacity:
            rows = (
                Participant.days.through.objects.filter(
                    participant__in=others.filter(status=Participant.Status.CONFIRMED),
                    eventday_id__in=self.day_capacity,
                )
                .values_list("eventday_id")
                .annotate(n=Count("pk"))
                .order_by()
            )
            self.per_day = dict(rows)

    def full_days(self, day_ids) -> list[int]:
        return [
            d for d in day_ids if d in self.day_capacity and self.per_day.get(d, 0) >= self.day_capacity[d]
        ]

    def event_full(self) -> bool:
        return self.event.capacity is not None and self.confirmed >= self.event.capacity

    def has_seat(self, day_ids) -> bool:
        return not self.event_full() and not self.full_days(day_ids)

    def next_waiting_position(self) -> int:
        self.highest_position += 1
        return self.highest_position

    def take(self, day_ids, count: int = 1) -> None:
        self.confirmed += count
        for d in day_ids:
            if d in self.day_capacity:
                self.per_day[d] = self.per_day.get(d, 0) + count


def _confirmed_count(event: Event) -> int:
    return event.participants.filter(status=Participant.Status.CONFIRMED).count()


def _atelier_has_room(session: Session) -> bool:
    if session.capacity is None:
        return True
    taken = session.choices.filter(
        status=SessionChoice.Status.CONFIRMED, participant__status=Participant.Status.CONFIRMED
    ).count()
    return taken < session.capacity


def _add_session_choices(participant: Participant, sessions, notes: list[str]) -> None:
    for session in sessions:
        seated = participant.status == Participant.Status.CONFIRMED and _atelier_has_room(session)
        SessionChoice.objects.create(
            participant=participant,
            session=session,
            status=SessionChoice.Status.CONFIRMED if seated else SessionChoice.Status.WAITING,
        )
        if not seated and participant.status == Participant.Status.CONFIRMED:
            notes.append(
                _(
                    "L'atelier « %(title)s » est complet : %(name)s reste inscrit·e à la journée et "
                    "figure sur la liste d'attente de l'atelier."
                )
                % {"title": session.title, "name": participant.full_name}
            )


def registration_create(
    *, event: Event, by, participants: list[ParticipantData], territory=None, now=None
) -> RegistrationOutcome:
    """Register ``participants`` (the person themselves or a delegation of ``territory``)."""
    now = now or timezone.now()
    if not participants:
        raise DelegationSize(_("Indiquez au moins un participant."))
    if len(participants) > max_delegation_size():
        raise DelegationSize(
            _("Une inscription compte au plus %(max)s participants ; faites plusieurs inscriptions.")
            % {"max": max_delegation_size()}
        )
    emails_seen = set()
    for data in participants:
        data.email = data.email.strip().lower()
    _check_addresses(by=by, territory=territory, participants=participants)
    for data in participants:
        if data.email in emails_seen:
            raise AlreadyRegistered(
                _("L'adresse %(email)s figure deux fois dans la délégation.") % {"email": data.email}
            )
        emails_seen.add(data.email)
        _check_choices(event=event, data=data)
    _check_rate(by)
    personal = territory is None and not acts_as_staff(by, STAFF_REGISTERS)
    try:
        # The page cache is told once, after the commit: not while the event's lock is held.
        with pagecache.invalidations_once(), transaction.atomic():
            # Everything that does not depend on the seats is done before taking the event's lock,
            # so that registrations to one event wait for each other as briefly as possible (the
            # burst of `make bench`). An address registered meanwhile by a concurrent request is
            # still refused by the database (participant_one_active_per_event_email).
            # A personal registration names the person's own address: the database's constraint tells
            # if it is already registered (one statement fewer for the common case).
            taken = (
                set()
                if personal
                else set(
                    # Compared as the database's constraint compares them: an address stored with
                    # capitals (the admin, an import) is the same address.
                    event.participants.exclude(status=Participant.Status.CANCELLED)
                    .annotate(address=Lower("email"))
                    .filter(address__in=emails_seen)
                    .values_list("address", flat=True)
                )
            )
            already = []
            if taken and territory is not None:
                # Whether an address is registered is not the registrant's to know: the answer is
                # the same as for a new address, and the address's owner is told instead.
                already = sorted(taken)
                participants = [data for data in participants if data.email not in taken]
            elif taken:
                # One's own address (personal registration) or staff: nothing to hide.
                raise AlreadyRegistered(
                    _("Déjà inscrit à cet événement : %(emails)s.") % {"emails": ", ".join(sorted(taken))}
                )
            _check_can_register(event=event, by=by, territory=territory, now=now)
            member = is_member_territory(territory)
            registration = Registration(event=event, created_by=by, territory=territory, created_at=now)
            registration._history_user = by  # the audit trail names who acted, from a request or not
            registration.save()
            outcome = RegistrationOutcome(registration, [], [], [])
            # Every participant is written as confirmed (with days, audit row and confirmation email)
            # before the lock; under it, the seats held by others are counted and a participant who
            # finds none moves to the waiting list in three UPDATEs. Nobody else sees these rows
            # before the commit, so the count is as true as if they had been written under the lock.
            recorded = []
            for data in participants:
                participant = Participant(
                    registration=registration,
                    event=event,
                    first_name=data.first_name.strip(),
                    last_name=data.last_name.strip(),
                    email=data.email,
                    function=data.function,
                    dietary_needs=data.dietary_needs.strip(),
                    accessibility_needs=data.accessibility_needs.strip(),
                    status=Participant.Status.CONFIRMED,
                    price=price_for(event=event, member=member, function=data.function),
                    created_at=now,
                    qr_secret=qr.new_secret(),
                )
                participant.full_clean(exclude=["registration", "event"], validate_constraints=False)
                participant._history_user = by
                participant.save()
                Participant.days.through.objects.bulk_create(
                    [Participant.days.through(participant=participant, eventday=day) for day in data.days]
                )
                if data.meal_days:
                    participant.meal_days.set(data.meal_days)
                # Recorded now, rendered by the worker (events/emails.py): the request does not wait
                # for templates, the .ics or the QR code image.
                recorded.append((participant, data, emails.confirmation(participant, fresh=True)))
            for address in already:
                emails.already_registered(registration, address)
            if territory is not None or any(p.email != (by.email or "").lower() for p in participants):
                emails.registration_recap(registration)
            event = lock_event(event.pk, with_day_capacities=True)
            _check_registration_open(event=event, now=now)
            seats = Seats(event, with_waiting_position=True, excluding=registration)
            for participant, data, confirmation in recorded:
                day_ids = [d.pk for d in data.days]
                if seats.has_seat(day_ids):
                    seats.take(day_ids)
                    outcome.confirmed.append(participant)
                else:
                    _to_waiting_list(participant, seats.next_waiting_position(), confirmation)
                    outcome.waiting.append(participant)
                _add_session_choices(participant, data.sessions, outcome.notes)
    except IntegrityError as exc:
        if personal:
            raise AlreadyRegistered(
                _("Déjà inscrit à cet événement : %(emails)s.") % {"emails": participants[0].email}
            ) from exc
        # An address registered by a concurrent request between the check above and the insert.
        raise AlreadyRegistered(_("Une des personnes est déjà inscrite à cet événement.")) from exc
    return outcome


def _to_waiting_list(participant: Participant, position: int, confirmation) -> None:
    """A participant written as confirmed in this transaction found no seat: it waits at
    ``position``, and its audit row and its email say so (all three rows are this transaction's)."""
    participant.status = Participant.Status.WAITING
    participant.waiting_position = position
    changes = {"status": participant.status, "waiting_position": position}
    Participant.objects.filter(pk=participant.pk).update(**changes)
    Participant.history.filter(id=participant.pk).update(**changes)
    emails.confirmation_becomes_waiting(confirmation, participant)


# Shown in the audit trail (history_change_reason); stored as data, so not translated.
REASON_PROMOTED = "Promotion depuis la liste d'attente"


def _promote_waiting(event: Event, *, now, by) -> list[Participant]:
    """Give free seats to the first waiting participants, in order. Call under the event lock."""
    promoted = []
    if event.status == Event.Status.CANCELLED:
        return promoted
    seats = Seats(event)
    queue = (
        event.participants.filter(status=Participant.Status.WAITING)
        .order_by("waiting_position")
        .prefetch_related("days")
    )
    for participant in queue:
        if seats.event_full():
            break
        day_ids = [d.pk for d in participant.days.all()]
        if seats.full_days(day_ids):
            continue  # waits for a seat on one of its days; the next in line may need another day
        seats.take(day_ids)
        participant.status = Participant.Status.CONFIRMED
        participant.waiting_position = None
        participant.promoted_at = now
        participant._history_user = by  # who freed the seat or raised the capacity
        participant._change_reason = REASON_PROMOTED
        participant.save(update_fields=["status", "waiting_position", "promoted_at"])
        for choice in participant.session_choices.select_related("session"):
            if choice.status == SessionChoice.Status.WAITING and _atelier_has_room(choice.session):
                choice.status = SessionChoice.Status.CONFIRMED
                choice.save(update_fields=["status"])
        promoted.append(participant)
        emails.promotion(participant)
    return promoted


def _promote_atelier(session: Session) -> list[SessionChoice]:
    """Give free atelier seats to the first confirmed participants waiting for it, and tell them."""
    promoted = []
    while _atelier_has_room(session):
        choice = (
            session.choices.filter(
                status=SessionChoice.Status.WAITING, participant__status=Participant.Status.CONFIRMED
            )
            .order_by("created_at", "pk")
            .first()
        )
        if choice is None:
            break
        choice.status = SessionChoice.Status.CONFIRMED
        choice.save(update_fields=["status"])
        emails.atelier_promotion(choice)
        promoted.append(choice)
    return promoted
