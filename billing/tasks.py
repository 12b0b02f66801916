from celery import shared_task

from . import services


@shared_task
def issue_due_event_invoices() -> int:
    return services.event_invoices_issue_due()


# Rendering a PDF is bounded: a pathological document fails the task instead of blocking a worker.
@shared_task(acks_late=True, reject_on_worker_lost=True, time_limit=120, soft_time_limit=90)
def render_invoice_pdf(invoice_id: int) -> None:
    """The PDF of an invoice or credit note recorded without one (safe to run twice)."""
    services.invoice_pdf_render(invoice_id=invoice_id)
