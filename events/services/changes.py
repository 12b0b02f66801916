"""Changes and cancellations of a participation, and staff's changes of capacities: each runs
under the event's lock (registrations.lock_event) and gives freed seats to the first ones waiting."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anpp_portal.formats import format_date
from anpp_portal.staffpolicy import acts_as_staff

from .. import emails
from ..models import Event, EventDay, Participant, Session, SessionChoice
from .errors import EventsError, InvalidChoice, RegistrationClosed, _require_staff
from .registrations import (
    ParticipantData,
    Seats,
    _add_session_choices,
    _check_choices,
    _confirmed_count,
    _promote_atelier,
    _promote_waiting,
    lock_event,
)

# Shown in the audit trail (history_change_reason); stored as data, so not translated.
REASON_CANCELLED = "Annulation"
REASON_DECLINED = "Désistement par le lien de l'email"


def _check_may_change(*, participant: Participant, by, now) -> None:
    if acts_as_staff(by, "events.change_participant"):
        return
    if now >= participant.event.cancellation_deadline:
        raise RegistrationClosed(
            _("Les modifications et annulations sont closes depuis le %(date)s ; écrivez à l'ANPP.")
            % {"date": format_date(participant.event.cancellation_deadline)}
        )


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
