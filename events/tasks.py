"""Thin Celery wrappers of the events app; each is safe to run twice."""

from celery import shared_task

from . import services


@shared_task(acks_late=True, reject_on_worker_lost=True)
def send_event_reminders() -> int:
    """Beat, every 15 minutes: queue the reminders that are due (each one once, by its outbox key)."""
    return services.reminders_send()


@shared_task(acks_late=True, reject_on_worker_lost=True)
def anonymise_past_participants() -> int:
    return services.participants_anonymise_past()
