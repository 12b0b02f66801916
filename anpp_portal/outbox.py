"""The email outbox: every email of the portal goes through here.

``email_enqueue`` writes an ``OutboundEmail`` row in the caller's transaction and asks a worker to
deliver it once that transaction commits (``emails_enqueue_many`` does the same for a batch of
reminders: one statement and one delivery task per 500 emails). ``email_deliver`` claims the row with one conditional
UPDATE (so two workers never both send it), sends it outside any transaction (no lock held during
SMTP I/O) and marks it sent. A worker killed between sending and marking leaves the claim to expire,
after which the relay sends it again: the only window for a duplicate, kept to the SMTP round trip.
``emails_relay`` (beat, every minute) delivers what is still due: emails queued while the broker was
down, failed attempts whose back-off has elapsed, claims abandoned by a dead worker. After
``MAX_ATTEMPTS`` failures an email is marked failed and shown to staff in the admin; it is never
dropped silently.
"""

import base64
import logging
import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string

from .emails import RenderedEmail, render_email
from .models import OutboundEmail

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# Delay before attempt n+1 after n failures.
BACKOFF = [timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2)]
# An email this young is left to the task queued at commit time; the relay only takes stragglers.
RELAY_GRACE = timedelta(seconds=30)
# How long a worker may hold a claimed email before another worker may take it over.
CLAIM_LEASE = timedelta(minutes=5)
# A relay run stops taking new emails after this long, well within the task's soft time limit.
RELAY_BUDGET_SECONDS = 120
REDACTED = "[Contenu effacé après envoi : il contenait un lien personnel.]"


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
    sensitive: bool = False,
    render_with: str = "",
    render_args: dict | None = None,
    fresh: bool = False,
) -> OutboundEmail:
    """Record an email to send, once per ``key``; returns the existing row if the key is known.

    ``sensitive``: the body holds a credential (a reset or invitation link) and is erased once sent.
    ``render_with``: the dotted path of a function the worker calls with ``render_args`` (ids, never
    instances) to render the email just before sending it, returning ``(RenderedEmail, attachments)``.
    ``fresh``: the key names an object created in the caller's transaction, so it cannot be known
    yet: one INSERT instead of a lookup and a savepoint (a request holding a lock saves round trips).
    """
    if render_with:
        fields = _fields(to, RenderedEmail("", "", ""), headers=headers, sensitive=sensitive)
        fields.update(render_with=render_with, render_args=render_args or {})
    else:
        if rendered is None:
            if template is None:
                raise ValueError("email_enqueue needs a template, a rendered email or render_with")
            rendered = render_email(template, context or {})
        fields = _fields(to, rendered, headers=headers, attachments=attachments, sensitive=sensitive)
    if fresh:
        email, created = OutboundEmail.objects.create(key=key, **fields), True
    else:
        email, created = OutboundEmail.objects.get_or_create(key=key, defaults=fields)
    if created:
        transaction.on_commit(lambda: _queue_delivery(email.pk), robust=True)
    return email


def _fields(
    to: str,
    rendered: RenderedEmail,
    *,
    headers: dict | None = None,
    attachments: list[Attachment] | None = None,
    sensitive: bool = False,
) -> dict:
    """The columns of an outbox row, however it is recorded."""
    return {
        "to": to,
        "from_email": settings.DEFAULT_FROM_EMAIL,
        "subject": rendered.subject[:300],
        "body_text": rendered.text,
        "body_html": rendered.html,
        "headers": headers or {},
        "attachments": [attachment.as_json() for attachment in attachments or []],
        "sensitive": sensitive,
    }


@dataclass(frozen=True)
class QueuedEmail:
    """One email of a batch for :func:`emails_enqueue_many`."""

    key: str
    to: str
    template: str
    context: dict


ENQUEUE_CHUNK = 500


def emails_enqueue_many(emails: list[QueuedEmail]) -> int:
    """Record many emails at once (reminders), each once per key; returns how many were new.

    Keys already recorded are skipped before rendering; the rest are inserted in chunks with one
    statement each (a key recorded meanwhile by a concurrent run is ignored by the unique
    constraint), and each chunk is delivered by one task queued at commit, not one task per email.
    """
    created = 0
    for start in range(0, len(emails), ENQUEUE_CHUNK):
        chunk = emails[start : start + ENQUEUE_CHUNK]
        known = set(
            OutboundEmail.objects.filter(key__in=[e.key for e in chunk]).values_list("key", flat=True)
        )
        rows, seen = [], set()
        for email in chunk:
            if email.key in known or email.key in seen:
                continue
            seen.add(email.key)
            rows.append(
                OutboundEmail(key=email.key, **_fields(email.to, render_email(email.template, email.context)))
            )
        if not rows:
            continue
        started = timezone.now()
        with transaction.atomic():
            OutboundEmail.objects.bulk_create(rows, ignore_conflicts=True)
            ids = list(
                OutboundEmail.objects.filter(
                    key__in=[row.key for row in rows],
                    created_at__gte=started,
                    status=OutboundEmail.Status.PENDING,
                ).values_list("pk", flat=True)
            )
            transaction.on_commit(lambda ids=ids: _queue_deliveries(ids), robust=True)
        created += len(ids)
    return created


def _queue_deliveries(email_ids: list[int]) -> None:
    from .tasks import deliver_emails

    try:
        deliver_emails.delay(email_ids)
    except Exception:
        logger.warning(
            "Could not queue %s emails; the relay will send them later", len(email_ids), exc_info=True
        )


def _queue_delivery(email_id: int) -> None:
    from .tasks import deliver_email

    try:
        deliver_email.delay(email_id)
    except Exception:
        # The broker is down: the row stays pending and the relay sends it when the broker is back.
        logger.warning("Could not queue email %s; the relay will send it later", email_id, exc_info=True)


def _claimable(now) -> Q:
    return Q(status=OutboundEmail.Status.PENDING) | Q(
        status=OutboundEmail.Status.SENDING, claimed_until__lt=now
    )


def _claim(email_id: int, now) -> OutboundEmail | None:
    claimed = (
        OutboundEmail.objects.filter(_claimable(now), pk=email_id)
        .exclude(next_attempt_at__gt=now)
        .update(status=OutboundEmail.Status.SENDING, claimed_until=now + CLAIM_LEASE)
    )
    return OutboundEmail.objects.get(pk=email_id) if claimed else None


def _message(email: OutboundEmail) -> EmailMultiAlternatives:
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
    return message


def _render_deferred(email: OutboundEmail) -> None:
    """Render an email recorded with ``render_with`` and keep the result on its row."""
    rendered, attachments = import_string(email.render_with)(**email.render_args)
    email.subject = rendered.subject[:300]
    email.body_text = rendered.text
    email.body_html = rendered.html
    email.attachments = [attachment.as_json() for attachment in attachments or []]
    email.render_with = ""
    OutboundEmail.objects.filter(pk=email.pk).update(
        subject=email.subject,
        body_text=email.body_text,
        body_html=email.body_html,
        attachments=email.attachments,
        render_with="",
    )


# Headers that carry a credential (the unsubscribe link's token): erased from the row once sent, and
# never shown in the admin.
SECRET_HEADERS = ("List-Unsubscribe",)


def headers_redacted(headers: dict) -> dict:
    return {name: (REDACTED if name in SECRET_HEADERS else value) for name, value in headers.items()}


def email_deliver(*, email_id: int, now=None) -> bool:
    """Send one due email. Returns True if this call sent it. ``now`` is for tests of the clock."""
    email = _claim(email_id, now or timezone.now())
    if email is None:
        return False  # already sent or failed, not yet due, or another worker holds it
    try:
        if email.render_with:
            _render_deferred(email)
        get_connection(fail_silently=False).send_messages([_message(email)])
    except Exception as exc:
        # Whatever the cause (SMTP down, a malformed header), the email is retried then marked
        # failed; it never blocks the others.
        _record_failure(email, exc)
        return False
    fields = {"status": OutboundEmail.Status.SENT, "sent_at": timezone.now(), "claimed_until": None}
    if any(name in SECRET_HEADERS for name in email.headers):
        fields["headers"] = headers_redacted(email.headers)
    if email.sensitive:
        fields.update(body_text=REDACTED, body_html="", attachments=[])
    OutboundEmail.objects.filter(pk=email.pk).update(
        attempts=email.attempts + 1, next_attempt_at=None, **fields
    )
    return True


def _record_failure(email: OutboundEmail, exc: Exception) -> None:
    attempts = email.attempts + 1
    fields = {
        "attempts": attempts,
        "last_error": f"{type(exc).__name__}: {exc}"[:2000],
        "claimed_until": None,
    }
    if attempts >= MAX_ATTEMPTS:
        fields.update(status=OutboundEmail.Status.FAILED, next_attempt_at=None)
        logger.error("Email %s failed %s times; marked failed", email.pk, attempts)
    else:
        delay = BACKOFF[min(attempts - 1, len(BACKOFF) - 1)]
        fields.update(status=OutboundEmail.Status.PENDING, next_attempt_at=timezone.now() + delay)
        logger.warning("Email %s failed (attempt %s); retrying later", email.pk, attempts)
    OutboundEmail.objects.filter(pk=email.pk).update(**fields)
    if fields["status"] == OutboundEmail.Status.FAILED:
        from . import pagecache  # pagecache imports the middleware, which imports this module

        pagecache.invalidate("staff")  # update() sends no post_save: the staff home counts failures


def emails_due(*, now=None):
    now = now or timezone.now()
    return (
        OutboundEmail.objects.filter(_claimable(now), created_at__lte=now - RELAY_GRACE)
        .exclude(next_attempt_at__gt=now)
        .order_by("created_at")
        .values_list("pk", flat=True)
    )


def emails_relay(*, now=None, limit: int = 500) -> int:
    """Deliver the emails that are due; returns how many were sent."""
    started = time.monotonic()
    sent = 0
    for email_id in list(emails_due(now=now)[:limit]):
        if time.monotonic() - started > RELAY_BUDGET_SECONDS:
            break  # the next run takes the rest
        sent += email_deliver(email_id=email_id, now=now)
    return sent


def email_retry(*, email: OutboundEmail) -> None:
    """Staff action: put a failed email back in the queue."""
    OutboundEmail.objects.filter(pk=email.pk, status=OutboundEmail.Status.FAILED).update(
        status=OutboundEmail.Status.PENDING, attempts=0, next_attempt_at=None
    )
    from . import pagecache

    pagecache.invalidate("staff")
    transaction.on_commit(lambda: _queue_delivery(email.pk), robust=True)
