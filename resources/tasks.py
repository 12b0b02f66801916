"""Thin Celery wrappers: take ids, call a service. Every one is safe to run twice."""

from celery import shared_task

from . import services


@shared_task(acks_late=True, reject_on_worker_lost=True)
def announce_note(note_id: int) -> int:
    return services.note_announce(note_id=note_id)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def publish_due_notes() -> int:
    return services.notes_publish_due()
