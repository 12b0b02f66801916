"""The email outbox: every email of the portal goes through here.

``email_enqueue`` writes an ``OutboundEmail`` row in the caller's transaction and asks a worker to
deliver it once that transaction commits. ``email_deliver`` sends one row under a row lock and marks
it sent in the same transaction, so two workers never send it both. ``emails_relay`` (beat, every
minute) delivers what is still pending: emails queued while the broker was down, and failed
attempts whose back-off has elapsed. After ``MAX_ATTEMPTS`` failures an email is marked failed and
shown to staff in the admin; it is never dropped silently.
"""

import base64
import logging
from dataclasses import dataclass
from datetime import timedelta
from smtplib import SMTPException

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.utils import timezone

from .emails import RenderedEmail, render_email
from .models import OutboundEmail

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# Delay before attempt n+1 after n failures.
BACKOFF = [timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2)]
# An email this young is left to the task queued at commit time; the relay only takes stragglers.
RELAY_GRACE = timedelta(seconds=30)


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mimetype: str

    def as_json(self) -> dict:
        return {
            "filename": self.filename,
            "mimetype": self.mimetype,
            "content_base64": base64.b64encode(self.content).decode("ascii"),
        }


def email_enqueue(
    *,
    key: str,
    to: str,
    template: str | None = None,
    context: dict | None = None,
    rendered: RenderedEmail | None = None,
    headers: dict | None = None,
    attachments: list[Attachment] | None = None,
) -> OutboundEmail:
    """Record an email to send, once per ``key``; returns the existing row if the key is known."""
    if rendered is None:
        if template is None:
            raise ValueError("email_enqueue needs a template or a rendered email")
        rendered = render_email(template, context or {})
    email, created = OutboundEmail.objects.get_or_create(
        key=key,
        defaults={
            "to": to,
            "from_email": settings.DEFAULT_FROM_EMAIL,
            "subject": rendered.subject[:300],
            "body_text": rendered.text,
            "body_html": rendered.html,
            "headers": headers or {},
            "attachments": [attachment.as_json() for attachment in attachments or []],
        },
    )
    if created:
        transaction.on_commit(lambda: _queue_delivery(email.pk), robust=True)
    return email


def _queue_delivery(email_id: int) -> None:
    from .tasks import deliver_email

    try:
        deliver_email.delay(email_id)
    except Exception:
        # The broker is down: the row stays pending and the relay sends it when the broker is back.
        logger.warning("Could not queue email %s; the relay will send it later", email_id, exc_info=True)


def email_deliver(*, email_id: int) -> bool:
    """Send one pending email. Returns True if this call sent it."""
    with transaction.atomic():
        email = (
            OutboundEmail.objects.select_for_update(skip_locked=True)
            .filter(pk=email_id, status=OutboundEmail.Status.PENDING)
            .first()
        )
        if email is None:
            return False  # already sent or failed, or another worker holds it right now
        message = EmailMultiAlternatives(
            subject=email.subject,
            body=email.body_text,
            from_email=email.from_email,
            to=[email.to],
            headers=email.headers,
        )
        if email.body_html:
            message.attach_alternative(email.body_html, "text/html")
        for attachment in email.attachments:
            message.attach(
                attachment["filename"], base64.b64decode(attachment["content_base64"]), attachment["mimetype"]
            )
        try:
            get_connection(fail_silently=False).send_messages([message])
        except (SMTPException, OSError) as exc:
            _record_failure(email, exc)
            return False
        email.status = OutboundEmail.Status.SENT
        email.sent_at = timezone.now()
        email.attempts += 1
        email.next_attempt_at = None
        email.save(update_fields=["status", "sent_at", "attempts", "next_attempt_at"])
        return True


def _record_failure(email: OutboundEmail, exc: Exception) -> None:
    email.attempts += 1
    email.last_error = f"{type(exc).__name__}: {exc}"[:2000]
    if email.attempts >= MAX_ATTEMPTS:
        email.status = OutboundEmail.Status.FAILED
        email.next_attempt_at = None
        logger.error("Email %s failed %s times; marked failed", email.pk, email.attempts)
    else:
        email.next_attempt_at = timezone.now() + BACKOFF[min(email.attempts - 1, len(BACKOFF) - 1)]
        logger.warning("Email %s failed (attempt %s); retrying later", email.pk, email.attempts)
    email.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])


def emails_due(*, now=None):
    now = now or timezone.now()
    return (
        OutboundEmail.objects.filter(status=OutboundEmail.Status.PENDING, created_at__lte=now - RELAY_GRACE)
        .exclude(next_attempt_at__gt=now)
        .order_by("created_at")
        .values_list("pk", flat=True)
    )


def emails_relay(*, now=None, limit: int = 500) -> int:
    """Deliver pending emails that are due; returns how many were sent."""
    sent = 0
    for email_id in list(emails_due(now=now)[:limit]):
        sent += email_deliver(email_id=email_id)
    return sent


def email_retry(*, email: OutboundEmail) -> None:
    """Staff action: put a failed email back in the queue."""
    OutboundEmail.objects.filter(pk=email.pk, status=OutboundEmail.Status.FAILED).update(
        status=OutboundEmail.Status.PENDING, attempts=0, next_attempt_at=None
    )
    transaction.on_commit(lambda: _queue_delivery(email.pk), robust=True)
