"""Every state change of the events app.

Seats are a rule that concurrent requests race on, so every function that takes or frees a seat
(of the event or of an atelier) first locks the event's row (``SELECT … FOR UPDATE``, as pretix
locks its quotas): registrations, cancellations, changes and capacity changes of one event run one
after the other, and counts read under the lock are true until the transaction ends.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from members.permissions import Action, can, territories_for
from members.selectors import territories_with_valid_adhesion

from . import emails
from .models import Event, EventDay, Function, Participant, Registration, Session, SessionChoice


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


def lock_event(event_id: int) -> Event:
    """Lock the event's row until the end of the transaction; seats are counted under this lock."""
    return Event.objects.select_for_update().get(pk=event_id)


def is_member_territory(territory) -> bool:
    """A territory whose adhésion is valid (members.selectors): it pays the adhérent price."""
    return territory is not None and territories_with_valid_adhesion().filter(pk=territory.pk).exists()


def price_for(*, event: Event, member: bool, function: str) -> Decimal:
    if function == Function.PARTENAIRE:
        return event.price_partner
    return event.price_member if member else event.price_non_member


def _check_can_register(*, event: Event, by, territory, now) -> None:
    if event.status == Event.Status.CANCELLED:
        raise RegistrationClosed(_("Cet événement est annulé : les inscriptions sont fermées."))
    if event.status not in (Event.Status.PUBLISHED, Event.Status.FULL):
        raise RegistrationClosed(_("Les inscriptions à cet événement ne sont pas ouvertes."))
    if now < event.registration_opens_at:
        raise RegistrationClosed(
            _("Les inscriptions ouvriront le %(date)s.")
            % {"date": date_format(timezone.localtime(event.registration_opens_at), "j F Y à H\\hi")}
        )
    if now >= event.registration_closes_at:
        raise RegistrationClosed(_("Les inscriptions à cet événement sont closes."))
    if territory is not None and not can(by, Action.ACT, territory):
        raise NotAllowed(_("Vous ne pouvez pas inscrire de délégation pour ce territoire."))
    if event.members_only and not by.is_staff:
        allowed = (
            is_member_territory(territory)
            if territory is not None
            else territories_for(by, Action.ACT)
            .filter(pk__in=territories_with_valid_adhesion().values("pk"))
            .exists()
        )
        if not allowed:
            raise NotAllowed(_("Cet événement est réservé aux territoires adhérents de l'ANPP."))


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


def _confirmed_count(event: Event) -> int:
    return event.participants.filter(status=Participant.Status.CONFIRMED).count()


def _next_waiting_position(event: Event) -> int:
    current = event.participants.filter(status=Participant.Status.WAITING).aggregate(
        m=Max("waiting_position")
    )["m"]
    # Positions only grow, so a cancelled then re-registered person goes to the end of the queue.
    highest_ever = event.participants.aggregate(m=Max("waiting_position"))["m"]
    return max(current or 0, highest_ever or 0) + 1


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
        if data.email in emails_seen:
            raise AlreadyRegistered(
                _("L'adresse %(email)s figure deux fois dans la délégation.") % {"email": data.email}
            )
        emails_seen.add(data.email)
        _check_choices(event=event, data=data)
    try:
        with transaction.atomic():
            event = lock_event(event.pk)
            _check_can_register(event=event, by=by, territory=territory, now=now)
            taken = set(
                event.participants.exclude(status=Participant.Status.CANCELLED)
                .filter(email__in=emails_seen)
                .values_list("email", flat=True)
            )
            if taken:
                raise AlreadyRegistered(
                    _("Déjà inscrit à cet événement : %(emails)s.") % {"emails": ", ".join(sorted(taken))}
                )
            registration = Registration(event=event, created_by=by, territory=territory, created_at=now)
            registration._history_user = by  # the audit trail names who acted, from a request or not
            registration.save()
            confirmed_count = _confirmed_count(event)
            member = is_member_territory(territory)
            outcome = RegistrationOutcome(registration, [], [], [])
            for data in participants:
                has_seat = event.capacity is None or confirmed_count < event.capacity
                participant = Participant(
                    registration=registration,
                    event=event,
                    first_name=data.first_name.strip(),
                    last_name=data.last_name.strip(),
                    email=data.email,
                    function=data.function,
                    dietary_needs=data.dietary_needs.strip(),
                    accessibility_needs=data.accessibility_needs.strip(),
                    status=Participant.Status.CONFIRMED if has_seat else Participant.Status.WAITING,
                    waiting_position=None if has_seat else _next_waiting_position(event),
                    price=price_for(event=event, member=member, function=data.function),
                    created_at=now,
                )
                participant.full_clean(exclude=["registration", "event"], validate_constraints=False)
                participant._history_user = by
                participant.save()
                participant.days.set(data.days)
                participant.meal_days.set(data.meal_days)
                _add_session_choices(participant, data.sessions, outcome.notes)
                if has_seat:
                    confirmed_count += 1
                    outcome.confirmed.append(participant)
                else:
                    outcome.waiting.append(participant)
            # After the whole delegation exists, so that each email shows the registration's total.
            for participant in outcome.confirmed:
                emails.confirmation(participant)
            for participant in outcome.waiting:
                emails.waiting(participant)
    except IntegrityError as exc:
        # The lock makes this unreachable for one event; kept so a bypass still fails cleanly.
        raise AlreadyRegistered(_("Une des personnes est déjà inscrite à cet événement.")) from exc
    return outcome


# Shown in the audit trail (history_change_reason); stored as data, so not translated.
REASON_CANCELLED = "Annulation"
REASON_PROMOTED = "Promotion depuis la liste d'attente"
REASON_CHECKED_IN = "Présence pointée"
REASON_CHECK_IN_UNDONE = "Pointage annulé"


def _check_may_change(*, participant: Participant, by, now) -> None:
    if by.is_staff:
        return
    if now >= participant.event.cancellation_deadline:
        raise RegistrationClosed(
            _("Les modifications et annulations sont closes depuis le %(date)s ; écrivez à l'ANPP.")
            % {"date": date_format(timezone.localtime(participant.event.cancellation_deadline), "j F Y")}
        )


def _promote_waiting(event: Event, *, now, by) -> list[Participant]:
    """Give free seats to the first waiting participants, in order. Call under the event lock."""
    promoted = []
    if event.status == Event.Status.CANCELLED:
        return promoted
    free = None if event.capacity is None else event.capacity - _confirmed_count(event)
    queue = event.participants.filter(status=Participant.Status.WAITING).order_by("waiting_position")
    if free is not None:
        queue = queue[: max(free, 0)]
    for participant in list(queue):
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


def _promote_atelier(session: Session) -> None:
    """Give a freed atelier seat to the first confirmed participant waiting for it."""
    while _atelier_has_room(session):
        choice = (
            session.choices.filter(
                status=SessionChoice.Status.WAITING, participant__status=Participant.Status.CONFIRMED
            )
            .order_by("created_at", "pk")
            .first()
        )
        if choice is None:
            return
        choice.status = SessionChoice.Status.CONFIRMED
        choice.save(update_fields=["status"])


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
    with transaction.atomic():
        event = lock_event(participant.event_id)
        participant = Participant.objects.get(pk=participant.pk)
        if participant.status == Participant.Status.CANCELLED:
            raise EventsError(_("Cette participation est déjà annulée."))
        sessions = [choice.session for choice in participant.session_choices.select_related("session")]
        participant.status = Participant.Status.CANCELLED
        participant.waiting_position = None
        participant.cancelled_at = now
        participant._history_user = by
        participant._change_reason = REASON_CANCELLED
        participant.save(update_fields=["status", "waiting_position", "cancelled_at"])
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
    return notes


def event_capacity_change(*, event: Event, capacity: int | None, by, now=None) -> list[Participant]:
    """Staff change the number of seats; raising it promotes waiting participants at once."""
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


def participant_check_in(*, participant: Participant, by, present: bool = True, now=None) -> Participant:
    """Staff mark a participant present at the door (or undo it)."""
    now = now or timezone.now()
    if participant.status != Participant.Status.CONFIRMED:
        raise EventsError(_("Seuls les participants confirmés peuvent être pointés."))
    participant.checked_in_at = now if present else None
    participant._history_user = by  # the audit trail names who checked the person in (or undid it)
    participant._change_reason = REASON_CHECKED_IN if present else REASON_CHECK_IN_UNDONE
    participant.save(update_fields=["checked_in_at"])
    return participant


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
    }
    Participant.objects.filter(pk=participant.pk).update(**redacted)
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
