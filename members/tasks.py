"""Thin Celery wrappers around the members services; each is safe to run twice."""

from celery import shared_task

from . import services


@shared_task(acks_late=True, reject_on_worker_lost=True)
def send_adhesion_reminders() -> int:
    return services.adhesion_reminders_send()


@shared_task(acks_late=True, reject_on_worker_lost=True)
def send_fiche_reminders() -> int:
    return services.fiche_reminders_send()


@shared_task(acks_late=True, reject_on_worker_lost=True)
def send_survey_reminders() -> int:
    return services.survey_reminders_send()


# Rendering a PDF is bounded: a pathological document fails the task instead of blocking a worker.
@shared_task(acks_late=True, reject_on_worker_lost=True, time_limit=120, soft_time_limit=90)
def render_adhesion_documents(adhesion_id: int) -> list[str]:
    return services.adhesion_documents_render(adhesion_id=adhesion_id)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def render_missing_adhesion_documents() -> int:
    """Beat's safety net: documents whose rendering was never queued or never finished."""
    missing = services.adhesion_documents_missing()
    for adhesion_id in missing:
        render_adhesion_documents.delay(adhesion_id)
    return len(missing)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def purge_unconfirmed_join_requests() -> int:
    return services.join_requests_unconfirmed_purge()


# The imports' tasks live with them (members/imports/tasks.py); imported here, a worker knows them.
from .imports.tasks import preview_import, run_import  # noqa: E402, F401
