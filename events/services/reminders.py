"""Emails to an event's participants: the reminders before it, and staff's messages."""

from django.db import transaction
from django.utils import timezone

from .. import emails
from ..models import Event, Participant


def reminders_send(*, now=None) -> int:
    """Queue the reminders that are due; returns how many were queued.

    A reminder ``offset`` days before the start is due from that moment until the event starts, so
    one missed while the worker was down is still sent late, but never after the start. Only people
    registered before the reminder's time get it. Each one is keyed per participant and offset in
    the outbox, so repeated runs (or two beat processes) queue it once.
    """
    from anpp_portal.models import OutboundEmail

    from ..selectors import events_with_reminders_due

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
