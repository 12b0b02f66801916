"""Thin Celery wrappers of the imports: they take the batch's id; each is safe to run twice."""

from celery import shared_task

from . import services


# A big file (1,000 territories, 3,000 people) is read within a minute; the limits leave room.
@shared_task(acks_late=True, reject_on_worker_lost=True, time_limit=600, soft_time_limit=540)
def preview_import(batch_id: int) -> None:
    services.import_batch_preview(batch_id=batch_id)


@shared_task(acks_late=True, reject_on_worker_lost=True, time_limit=600, soft_time_limit=540)
def run_import(batch_id: int) -> None:
    services.import_batch_run(batch_id=batch_id)
