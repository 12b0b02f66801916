"""Thin Celery wrappers: take ids, call a service. Every one is safe to run twice."""

from celery import shared_task

from . import services


@shared_task(acks_late=True, reject_on_worker_lost=True)
def render_issue_pdf(record_id: int) -> bool:
    return services.pdf_render(record_id=record_id)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def announce_issue(issue_id: int) -> bool:
    """One batch per run, then the next batch as a new task: progress is saved between batches."""
    more = services.announcement_send_batch(issue_id=issue_id)
    if more:
        announce_issue.delay(issue_id)
    return more


@shared_task(acks_late=True, reject_on_worker_lost=True)
def publish_due_issues() -> int:
    """Publish the scheduled issues that are due, resume the announcements that stalled, and mark
    failed the PDF renderings whose worker died."""
    published = services.issues_publish_due()
    services.announcements_resume_stalled()
    services.pdfs_fail_stalled()
    return published
