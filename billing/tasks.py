from celery import shared_task

from . import services


@shared_task
def issue_due_event_invoices() -> int:
    return services.event_invoices_issue_due()
