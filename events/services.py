"""Every state change of the events app.

Seats are a rule that concurrent requests race on, so every function that takes or frees a seat
(of the event or of an atelier) first locks the event's row (``SELECT … FOR UPDATE``, as pretix
locks its quotas): registrations, cancellations, changes and capacity changes of one event run one
after the other, and counts read under the lock are true until the transaction ends. A registration
writes its rows before it takes the lock (nobody sees them before the commit) and, under it, only
counts the seats held by others and moves to the waiting list whoever finds none: under the lock
run the event's row, the seat count (and the days' where a day has a capacity), three UPDATEs for
each person who waits, and the commit (tests/events/test_registration_lock.py).
"""

import datetime
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
from anpp_portal.formats import format_date, format_datetime, format_time
from anpp_portal.staffpolicy import acts_as_staff
from members.permissions import Action, can, territories_for
from members.selectors import territories_with_valid_adhesion

from . import emails, qr
from .models import Attendance, Event, EventDay, Function, Participant, Registration, Session, SessionChoice


class EventsError(Exception):
    """A domain error; its message is French and shown to the person as it is."""


class RegistrationClosed(EventsError):
    pass


class NotAllowed(EventsError):
    pass


class AlreadyRegistered(EventsError):
    pass


class InvalidChoice(EventsError):
    pass


class DelegationSize(EventsError):
    pass


class RateLimited(EventsError):
    pass


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


# What a staff account needs to register others as ANPP staff: third parties' delegations without a
# territory, events reserved to members, no hourly cap (anpp_portal/staffpolicy.py).
STAFF_REGISTERS = "events.add_registration"
# Checking people in at the door is a write: staff holding only view permissions do not.
STAFF_CHECKS_IN = "events.change_participant"


def _require_staff(by, permission: str) -> None:
    if not acts_as_staff(by, permission):
        raise NotAllowed(_("Réservé à l'équipe de l'ANPP."))


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
    """Registrations per account and hour, so that no account can flood addresses with confirmations."""
    if acts_as_staff(by, STAFF_REGISTERS):
        return
    limit = getattr(settings, "ANPP_EVENTS_REGISTRATIONS_PER_HOUR", 20)
    if not ratelimit.consume(action="event_registration", key=f"user:{by.pk}", rates=f"{limit}/h/key"):
        raise RateLimited(
            _("Vous avez fait %(limit)s inscriptions dans l'heure : réessayez plus tard ou écrivez à l'ANPP.")
            % {"limit": limit}
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
REASON_CANCELLED = "Annulation"
REASON_PROMOTED = "Promotion depuis la liste d'attente"
REASON_CHECKED_IN = "Présence pointée"
REASON_CHECK_IN_UNDONE = "Pointage annulé"
REASON_DECLINED = "Désistement par le lien de l'email"


def _check_may_change(*, participant: Participant, by, now) -> None:
    if acts_as_staff(by, "events.change_participant"):
        return
    if now >= participant.event.cancellation_deadline:
        raise RegistrationClosed(
            _("Les modifications et annulations sont closes depuis le %(date)s ; écrivez à l'ANPP.")
            % {"date": format_date(participant.event.cancellation_deadline)}
        )


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


def _credit_if_invoiced(participant: Participant, by) -> None:
    """A participant already invoiced gets a credit note (avoir) referring to the invoice."""
    from billing.services import BillingError, participant_credit

    try:
        participant_credit(participant=participant, by=by)
    except BillingError as exc:
        raise EventsError(str(exc)) from exc


def participant_cancel(*, participant: Participant, by, now=None) -> list[Participant]:
    """Cancel one participant; returns the waiting participants promoted to the freed seat."""
    now = now or timezone.now()
    _check_may_change(participant=participant, by=by, now=now)
    return _cancel(participant=participant, by=by, now=now, reason=REASON_CANCELLED)


def participant_decline(*, participant: Participant, now=None) -> list[Participant]:
    """The person registered by someone else declines, through the link of their email: the seat is
    freed and the next person promoted. Possible until the event starts, whatever the deadline."""
    now = now or timezone.now()
    starts_at = participant.event.starts_at()
    if starts_at is not None and now >= starts_at:
        raise RegistrationClosed(_("L'événement a commencé : écrivez à l'ANPP pour vous désister."))
    return _cancel(participant=participant, by=None, now=now, reason=REASON_DECLINED)


def _cancel(*, participant: Participant, by, now, reason: str) -> list[Participant]:
    with transaction.atomic():
        event = lock_event(participant.event_id)
        participant = Participant.objects.get(pk=participant.pk)
        if participant.status == Participant.Status.CANCELLED:
            raise EventsError(_("Cette participation est déjà annulée."))
        sessions = [choice.session for choice in participant.session_choices.select_related("session")]
        participant.status = Participant.Status.CANCELLED
        participant.waiting_position = None
        participant.cancelled_at = now
        participant.qr_secret = ""  # the QR code and the decline link stop working
        participant._history_user = by
        participant._change_reason = reason
        participant.save(update_fields=["status", "waiting_position", "cancelled_at", "qr_secret"])
        participant.session_choices.all().delete()
        _credit_if_invoiced(participant, by)
        emails.cancellation(participant)
        promoted = _promote_waiting(event, now=now, by=by)
        for session in sessions:
            _promote_atelier(session)
    return promoted


def participant_update(
    *,
    participant: Participant,
    by,
    days: list[EventDay],
    sessions: list[Session],
    meal_days: list[EventDay] | None = None,
    dietary_needs: str = "",
    accessibility_needs: str = "",
    now=None,
) -> list[str]:
    """Change a participant's days, ateliers and answers; returns notes (full ateliers)."""
    now = now or timezone.now()
    _check_may_change(participant=participant, by=by, now=now)
    data = ParticipantData(
        first_name=participant.first_name,
        last_name=participant.last_name,
        email=participant.email,
        function=participant.function,
        days=list(days),
        sessions=list(sessions),
        meal_days=list(meal_days or []),
        dietary_needs=dietary_needs,
        accessibility_needs=accessibility_needs,
    )
    _check_choices(event=participant.event, data=data)
    notes: list[str] = []
    with transaction.atomic():
        lock_event(participant.event_id)
        participant = Participant.objects.select_related("event").get(pk=participant.pk)
        if participant.status == Participant.Status.CANCELLED:
            raise EventsError(_("Cette participation est annulée."))
        old_days = {d.pk for d in participant.days.all()}
        added = [d.pk for d in data.days if d.pk not in old_days]
        if participant.status == Participant.Status.CONFIRMED and added:
            full = Seats(participant.event).full_days(added)
            if full:
                day = next(d for d in data.days if d.pk == full[0])
                raise InvalidChoice(
                    _("La journée du %(day)s est complète : %(name)s ne peut pas l'ajouter.")
                    % {"day": format_date(day.date, "l j F"), "name": participant.full_name}
                )
        participant.dietary_needs = dietary_needs.strip()
        participant.accessibility_needs = accessibility_needs.strip()
        participant._history_user = by
        participant.save(update_fields=["dietary_needs", "accessibility_needs"])
        participant.days.set(data.days)
        participant.meal_days.set(data.meal_days)
        wanted = {session.pk: session for session in data.sessions}
        current = {
            choice.session_id: choice for choice in participant.session_choices.select_related("session")
        }
        dropped = [choice.session for sid, choice in current.items() if sid not in wanted]
        participant.session_choices.filter(session__in=dropped).delete()
        _add_session_choices(participant, [s for sid, s in wanted.items() if sid not in current], notes)
        for session in dropped:
            _promote_atelier(session)
        if set(old_days) - {d.pk for d in data.days} or participant.status == Participant.Status.WAITING:
            _promote_waiting(participant.event, now=now, by=by)
    return notes


def event_capacity_change(*, event: Event, capacity: int | None, by, now=None) -> list[Participant]:
    """Staff change the number of seats; raising it promotes waiting participants at once."""
    _require_staff(by, "events.change_event")
    now = now or timezone.now()
    with transaction.atomic():
        event = lock_event(event.pk)
        if capacity is not None and capacity < _confirmed_count(event):
            raise EventsError(
                _(
                    "%(count)s participants sont déjà confirmés : la capacité ne peut pas descendre en dessous."
                )
                % {"count": _confirmed_count(event)}
            )
        event.capacity = capacity
        event.save(update_fields=["capacity"])
        return _promote_waiting(event, now=now, by=by)


def day_capacity_change(*, day: EventDay, capacity: int | None, by, now=None) -> list[Participant]:
    """Staff change a day's number of seats (its room); raising it promotes that day's waiting list."""
    now = now or timezone.now()
    with transaction.atomic():
        event = lock_event(day.event_id)
        day = EventDay.objects.get(pk=day.pk)
        taken = day.participants.filter(status=Participant.Status.CONFIRMED).count()
        if capacity is not None and capacity < taken:
            raise EventsError(
                _(
                    "%(count)s participants sont déjà confirmés ce jour : la capacité ne peut pas descendre en dessous."
                )
                % {"count": taken}
            )
        day.capacity = capacity
        day.save(update_fields=["capacity"])
        return _promote_waiting(event, now=now, by=by)


def session_capacity_change(*, session: Session, capacity: int | None, by) -> list[SessionChoice]:
    """Staff change an atelier's number of seats; raising it seats and tells the first ones waiting."""
    with transaction.atomic():
        lock_event(session.event_id)
        session = Session.objects.get(pk=session.pk)
        taken = session.choices.filter(
            status=SessionChoice.Status.CONFIRMED, participant__status=Participant.Status.CONFIRMED
        ).count()
        if capacity is not None and capacity < taken:
            raise EventsError(
                _(
                    "%(count)s participants ont déjà une place dans cet atelier : la capacité ne peut pas descendre en dessous."
                )
                % {"count": taken}
            )
        session.capacity = capacity
        session.save(update_fields=["capacity"])
        return _promote_atelier(session)


def event_seats_refresh(*, event: Event, by, now=None) -> tuple[list[Participant], list[SessionChoice]]:
    """Give every free seat (event, days, ateliers) to the first ones waiting, with their emails; for
    the admin, after staff edited capacities of days or ateliers in the event's page."""
    now = now or timezone.now()
    with transaction.atomic():
        event = lock_event(event.pk)
        promoted = _promote_waiting(event, now=now, by=by)
        choices = []
        for session in event.sessions.filter(is_atelier=True):
            choices += _promote_atelier(session)
    return promoted, choices


# --- Check-in at the door, per day ------------------------------------------------------------------


def participant_check_in(
    *, participant: Participant, day: EventDay, by, present: bool = True, now=None
) -> Attendance | None:
    """Staff mark a participant present on ``day`` (or undo it)."""
    _require_staff(by, STAFF_CHECKS_IN)
    now = now or timezone.now()
    if participant.status != Participant.Status.CONFIRMED:
        raise EventsError(_("Seuls les participants confirmés peuvent être pointés."))
    if day.event_id != participant.event_id or not participant.days.filter(pk=day.pk).exists():
        raise EventsError(_("%(name)s n'est pas inscrit·e ce jour.") % {"name": participant.full_name})
    attendance = Attendance.objects.filter(participant=participant, day=day).first()
    if not present:
        if attendance is not None:
            attendance._history_user = by  # the audit trail names who undid the check-in
            attendance._change_reason = REASON_CHECK_IN_UNDONE
            attendance.delete()
        return None
    if attendance is None:
        attendance = Attendance(participant=participant, day=day, checked_in_at=now, checked_in_by=by)
        attendance._history_user = by
        attendance._change_reason = REASON_CHECKED_IN
        attendance.save()
    return attendance


@dataclass
class ScanResult:
    """What the check-in page shows after a scan: ``state`` is one of present, already, not_today,
    cancelled, waiting, unknown."""

    state: str
    participant: Participant | None = None
    checked_in_at: datetime.datetime | None = None


def checkin_scan(*, event: Event, day: EventDay, code: str, by, now=None) -> ScanResult:
    """A QR code read at the door on ``day``: check the person in if the code is theirs and valid."""
    _require_staff(by, STAFF_CHECKS_IN)
    now = now or timezone.now()
    content = qr.read_code(code)
    if content is None or day.event_id != event.pk:
        return ScanResult("unknown")
    participant = (
        Participant.objects.filter(pk=content.participant_id, event=event)
        .select_related("registration__territory")
        .first()
    )
    if participant is None:
        return ScanResult("unknown")  # a code of another event
    if participant.status == Participant.Status.CANCELLED:
        return ScanResult("cancelled", participant)
    if not qr.secrets_match(participant, content):
        return ScanResult("unknown")
    if participant.status == Participant.Status.WAITING:
        return ScanResult("waiting", participant)
    if not participant.days.filter(pk=day.pk).exists():
        return ScanResult("not_today", participant)
    attendance = Attendance.objects.filter(participant=participant, day=day).first()
    if attendance is not None:
        return ScanResult("already", participant, attendance.checked_in_at)
    attendance = participant_check_in(participant=participant, day=day, by=by, now=now)
    return ScanResult("present", participant, attendance.checked_in_at)


def reminders_send(*, now=None) -> int:
    """Queue the reminders that are due; returns how many were queued.

    A reminder ``offset`` days before the start is due from that moment until the event starts, so
    one missed while the worker was down is still sent late, but never after the start. Only people
    registered before the reminder's time get it. Each one is keyed per participant and offset in
    the outbox, so repeated runs (or two beat processes) queue it once.
    """
    from anpp_portal.models import OutboundEmail

    from .selectors import events_with_reminders_due

    now = now or timezone.now()
    queued = 0
    for event, offset, due_at in events_with_reminders_due(now=now):
        prefix = "event-reminder:"
        suffix = f":{offset}"
        participants = list(
            event.participants.filter(status=Participant.Status.CONFIRMED, created_at__lt=due_at).order_by(
                "pk"
            )
        )
        keys = {f"{prefix}{p.pk}{suffix}" for p in participants}
        known = set(OutboundEmail.objects.filter(key__in=keys).values_list("key", flat=True))
        for participant in participants:
            if f"{prefix}{participant.pk}{suffix}" in known:
                continue
            with transaction.atomic():
                emails.reminder(participant, offset=offset)
            queued += 1
    return queued


def event_message_send(*, event: Event, statuses: list[str], subject: str, body: str, key: str, by) -> int:
    """Staff write to every participant of ``event`` with one of ``statuses``, once per ``key``."""
    count = 0
    with transaction.atomic():
        for participant in event.participants.filter(status__in=statuses).order_by("pk"):
            emails.staff_message(participant, subject=subject, body=body, key=key)
            count += 1
    return count


# --- Personal data -------------------------------------------------------------------------------

ANONYMOUS_NAME = "Anonyme"


def participant_anonymise(*, participant: Participant) -> None:
    """Replace a participant's name, email and needs; the seat, function, days and attendance stay,
    so the event's statistics do not change. Emails already sent to them lose their address too."""
    from anpp_portal.models import OutboundEmail

    if participant.email.endswith("@anonyme.invalid"):
        return
    OutboundEmail.objects.filter(to__iexact=participant.email, key__startswith="event-").update(
        to="participant-anonymise@anonyme.invalid", body_text="", body_html="", attachments=[], headers={}
    )
    redacted = {
        "first_name": ANONYMOUS_NAME,
        "last_name": f"n°{participant.pk}",
        "email": f"participant-{participant.pk}@anonyme.invalid",
        "dietary_needs": "",
        "accessibility_needs": "",
        "qr_secret": "",  # the QR code and the decline link stop working
    }
    Participant.objects.filter(pk=participant.pk).update(**redacted)
    pagecache.invalidate("events")  # update() sends no post_save: "my registrations" shows names
    # The audit trail keeps who changed the seat and when, but no longer whose seat it was.
    Participant.history.filter(id=participant.pk).update(**redacted)


def participants_anonymise_past(*, now=None) -> int:
    """Retention: participants of events that ended more than ANPP_EVENT_RETENTION_DAYS ago."""
    now = now or timezone.now()
    limit = timezone.localdate(now) - datetime.timedelta(days=settings.ANPP_EVENT_RETENTION_DAYS)
    ended = Event.objects.annotate(last_day=Max("days__date")).filter(last_day__lt=limit)
    count = 0
    for participant in Participant.objects.filter(event__in=ended).exclude(
        email__endswith="@anonyme.invalid"
    ):
        participant_anonymise(participant=participant)
        count += 1
    return count
