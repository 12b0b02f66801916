"""Thin Celery wrappers around the members services; each is safe to run twice."""

from celery import shared_task

from . import services


@shared_task(acks_late=True, reject_on_worker_lost=True)
def send_adhesion_reminders() -> int:
    return services.adhesion_reminders_send()


@shared_task(acks_late=True, reject_on_worker_lost=True)
def send_fiche_reminders() -> int:
    return services.fiche_reminders_send()
