"""Check-in at the door, per day: by hand or by scanning a participant's QR code."""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from .. import qr
from ..models import Attendance, Event, EventDay, Participant
from .errors import STAFF_CHECKS_IN, EventsError, _require_staff

# Shown in the audit trail (history_change_reason); stored as data, so not translated.
REASON_CHECKED_IN = "Présence pointée"
REASON_CHECK_IN_UNDONE = "Pointage annulé"


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
