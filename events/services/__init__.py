"""Every state change of the events app, one module per concern, all re-exported here so that
``from events.services import x`` and ``events.services.x`` keep working:

- errors.py: the app's refusals and who counts as staff for its services;
- registrations.py: registering people, seats counted under the event's lock, the waiting list;
- changes.py: a participation changed or cancelled, capacities changed by staff;
- checkin.py: check-in at the door;
- reminders.py: reminders before an event, staff's messages to its participants;
- anonymisation.py: a participant's personal data erased, past events' retention;
- invoicing.py: what billing asks of events (registered in billing's registry by EventsConfig).

A function is looked up in the module that calls it: a test that replaces one (``lock_event`` for a
registration) patches it in that module (``events.services.registrations``), not here.
"""

from . import anonymisation, changes, checkin, errors, invoicing, registrations, reminders
from .anonymisation import ANONYMOUS_NAME, participant_anonymise, participants_anonymise_past
from .changes import (
    REASON_CANCELLED,
    REASON_DECLINED,
    day_capacity_change,
    event_capacity_change,
    event_seats_refresh,
    participant_cancel,
    participant_decline,
    participant_update,
    session_capacity_change,
)
from .checkin import REASON_CHECK_IN_UNDONE, REASON_CHECKED_IN, ScanResult, checkin_scan, participant_check_in
from .errors import (
    STAFF_CHECKS_IN,
    STAFF_REGISTERS,
    AlreadyRegistered,
    DelegationSize,
    EventsError,
    InvalidChoice,
    NotAllowed,
    RateLimited,
    RegistrationClosed,
)
from .registrations import (
    REASON_PROMOTED,
    ParticipantData,
    RegistrationOutcome,
    Seats,
    _check_rate,
    _confirmed_count,
    _promote_waiting,
    _to_waiting_list,
    is_member_territory,
    lock_event,
    max_delegation_size,
    price_for,
    registration_create,
)
from .reminders import event_message_send, reminders_send

__all__ = [
    "ANONYMOUS_NAME",
    "REASON_CANCELLED",
    "REASON_CHECKED_IN",
    "REASON_CHECK_IN_UNDONE",
    "REASON_DECLINED",
    "REASON_PROMOTED",
    "STAFF_CHECKS_IN",
    "STAFF_REGISTERS",
    "AlreadyRegistered",
    "DelegationSize",
    "EventsError",
    "InvalidChoice",
    "NotAllowed",
    "ParticipantData",
    "RateLimited",
    "RegistrationClosed",
    "RegistrationOutcome",
    "ScanResult",
    "Seats",
    "_check_rate",
    "_confirmed_count",
    "_promote_waiting",
    "_to_waiting_list",
    "anonymisation",
    "changes",
    "checkin",
    "checkin_scan",
    "day_capacity_change",
    "errors",
    "event_capacity_change",
    "event_message_send",
    "event_seats_refresh",
    "invoicing",
    "is_member_territory",
    "lock_event",
    "max_delegation_size",
    "participant_anonymise",
    "participant_cancel",
    "participant_check_in",
    "participant_decline",
    "participant_update",
    "participants_anonymise_past",
    "price_for",
    "registration_create",
    "registrations",
    "reminders",
    "reminders_send",
    "session_capacity_change",
]
