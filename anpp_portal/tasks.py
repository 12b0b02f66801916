"""Thin Celery wrappers: take ids, call a service. Every one is safe to run twice."""

from celery import shared_task

from . import outbox


@shared_task
def ping() -> str:
    """Round trip through broker and worker; used by the wiring test and by operators."""
    return "pong"


@shared_task(acks_late=True, reject_on_worker_lost=True)
def deliver_email(email_id: int) -> bool:
    return outbox.email_deliver(email_id=email_id)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def deliver_emails(email_ids: list[int]) -> int:
    """A batch recorded at once (reminders); each email is claimed on its own, as by deliver_email,
    so a batch run twice, or cut short by a dead worker and finished by the relay, sends each once."""
    return sum(outbox.email_deliver(email_id=email_id) for email_id in email_ids)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def relay_pending_emails() -> int:
    return outbox.emails_relay()
