from datetime import timedelta
from smtplib import SMTPServerDisconnected

import pytest
from django.core import mail
from django.utils import timezone

from anpp_portal import outbox
from anpp_portal.emails import RenderedEmail
from anpp_portal.models import OutboundEmail

pytestmark = pytest.mark.django_db

LATER = timedelta(minutes=5)


def _enqueue(key="test:1", to="x@pays.fr"):
    return outbox.email_enqueue(
        key=key, to=to, rendered=RenderedEmail(subject="Objet", text="Texte", html="<p>Texte</p>")
    )


def test_the_same_key_is_recorded_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = _enqueue()
        second = _enqueue()
    assert first.pk == second.pk
    assert OutboundEmail.objects.count() == 1
    assert len(mail.outbox) == 1


def test_delivering_twice_sends_once():
    email = _enqueue()
    assert outbox.email_deliver(email_id=email.pk) is True
    assert outbox.email_deliver(email_id=email.pk) is False
    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT and email.sent_at is not None


def test_an_email_queued_while_the_broker_was_down_is_relayed_later(
    monkeypatch, django_capture_on_commit_callbacks
):
    from anpp_portal import tasks

    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError("broker down")

    monkeypatch.setattr(tasks.deliver_email, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        email = _enqueue()
    assert mail.outbox == []
    assert outbox.emails_relay() == 0  # too young: left to the task queued at commit
    assert outbox.emails_relay(now=timezone.now() + LATER) == 1
    assert outbox.emails_relay(now=timezone.now() + LATER) == 0
    assert [m.to for m in mail.outbox] == [[email.to]]


def test_smtp_failures_are_retried_with_backoff_then_marked_failed(monkeypatch):
    calls = []

    def failing_send(self, messages):
        calls.append(messages)
        raise SMTPServerDisconnected("SMTP down")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", failing_send)
    email = _enqueue()
    now = timezone.now()
    for attempt in range(1, outbox.MAX_ATTEMPTS + 1):
        outbox.emails_relay(now=now + LATER)
        email.refresh_from_db()
        assert email.attempts == attempt
        assert "SMTP down" in email.last_error
        if attempt < outbox.MAX_ATTEMPTS:
            assert email.status == OutboundEmail.Status.PENDING and email.next_attempt_at > now
            # Not retried before its back-off elapses.
            assert outbox.emails_relay(now=email.next_attempt_at - timedelta(seconds=1)) == 0
            now = email.next_attempt_at
    assert email.status == OutboundEmail.Status.FAILED
    assert len(calls) == outbox.MAX_ATTEMPTS
    monkeypatch.undo()
    outbox.email_retry(email=email)
    assert outbox.email_deliver(email_id=email.pk) is True


def test_attachments_and_headers_go_out_with_the_email():
    email = outbox.email_enqueue(
        key="test:ics",
        to="x@pays.fr",
        rendered=RenderedEmail(subject="Objet", text="Texte", html=""),
        headers={"List-Unsubscribe": "<https://portail.anpp.fr/desabonnement/abc/>"},
        attachments=[
            outbox.Attachment("rtpp-2018.ics", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")
        ],
    )
    outbox.email_deliver(email_id=email.pk)
    [message] = mail.outbox
    assert message.extra_headers["List-Unsubscribe"] == "<https://portail.anpp.fr/desabonnement/abc/>"
    [(filename, content, mimetype)] = message.attachments
    assert filename == "rtpp-2018.ics" and mimetype == "text/calendar"
    assert "BEGIN:VCALENDAR" in (content.decode() if isinstance(content, bytes) else content)


def test_a_malformed_email_is_recorded_as_failed_and_does_not_block_the_others():
    broken = outbox.email_enqueue(
        key="test:broken",
        to="x@pays.fr",
        rendered=RenderedEmail(subject="Objet", text="Texte", html=""),
        headers={"X-Broken": "a\nInjected: header"},
    )
    fine = _enqueue(key="test:fine")
    assert outbox.emails_relay(now=timezone.now() + LATER) == 1
    broken.refresh_from_db()
    fine.refresh_from_db()
    assert broken.status == OutboundEmail.Status.PENDING and broken.attempts == 1 and broken.last_error
    assert fine.status == OutboundEmail.Status.SENT


def test_an_email_abandoned_by_a_dead_worker_is_taken_over_after_its_lease():
    email = _enqueue()
    # A worker claimed it, then died before sending.
    OutboundEmail.objects.filter(pk=email.pk).update(
        status=OutboundEmail.Status.SENDING, claimed_until=timezone.now() + outbox.CLAIM_LEASE
    )
    assert outbox.emails_relay(now=timezone.now() + LATER / 10) == 0  # still held
    assert outbox.emails_relay(now=timezone.now() + outbox.CLAIM_LEASE + LATER) == 1
    assert len(mail.outbox) == 1


class _WorkerDied(BaseException):
    """A worker killed in the middle of sending: nothing after that point runs (no failure recorded)."""


def test_an_email_whose_worker_dies_while_sending_is_held_for_its_lease_then_taken_over(monkeypatch):
    """The claim itself (not a row set up by hand): the email is held by the worker that claimed it,
    for the lease and no longer, then another worker sends it, once."""

    def die(self, messages):
        raise _WorkerDied

    email = _enqueue()
    now = timezone.now() + LATER
    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", die)
    with pytest.raises(_WorkerDied):
        outbox.emails_relay(now=now)
    monkeypatch.undo()
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENDING
    assert outbox.emails_relay(now=now) == 0  # the same moment: another worker must not send it too
    assert outbox.emails_relay(now=now + outbox.CLAIM_LEASE - timedelta(seconds=1)) == 0
    assert outbox.emails_relay(now=now + outbox.CLAIM_LEASE + timedelta(seconds=1)) == 1
    assert outbox.emails_relay(now=now + 3 * outbox.CLAIM_LEASE) == 0
    assert len(mail.outbox) == 1


def test_a_sensitive_email_is_erased_once_sent():
    email = outbox.email_enqueue(
        key="test:reset",
        to="x@pays.fr",
        rendered=RenderedEmail(subject="Objet", text="https://portail/reset/secret/", html="<a>secret</a>"),
        sensitive=True,
    )
    outbox.email_deliver(email_id=email.pk)
    assert "secret" in mail.outbox[0].body
    email.refresh_from_db()
    assert "secret" not in email.body_text + email.body_html


@pytest.mark.postgres
def test_ten_workers_delivering_the_same_email_at_once_send_it_once(transactional_db, monkeypatch):
    import threading

    from django.db import connection

    # Outside a transaction the commit hook would deliver it at once; here ten workers race for it.
    monkeypatch.setattr(outbox, "_queue_delivery", lambda email_id: None)
    email = _enqueue()
    barrier = threading.Barrier(10)
    results = []

    def deliver():
        try:
            barrier.wait()
            results.append(outbox.email_deliver(email_id=email.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert results.count(True) == 1 and len(results) == 10
    assert len(mail.outbox) == 1


def _batch_email(n: int, key: str | None = None) -> outbox.QueuedEmail:
    return outbox.QueuedEmail(
        key=key or f"batch:{n}",
        to=f"personne{n}@pays.fr",
        template="members/email/adhesion_reminder_not_submitted",
        context={
            "campaign": {"year": 2018},
            "territory": {"name": f"Pays {n}", "slug": f"pays-{n}"},
            "user": {"first_name": "A"},
        },
    )


def test_a_batch_records_each_key_once_and_queues_one_delivery_task_per_chunk(
    monkeypatch, django_capture_on_commit_callbacks
):
    from anpp_portal import tasks

    queued = []
    monkeypatch.setattr(tasks.deliver_emails, "delay", lambda ids: queued.append(sorted(ids)))
    monkeypatch.setattr(outbox, "ENQUEUE_CHUNK", 2)
    outbox.email_enqueue(
        key="batch:0", to="deja@pays.fr", rendered=RenderedEmail(subject="Déjà", text="déjà", html="")
    )
    emails = [_batch_email(n) for n in range(5)] + [_batch_email(9, key="batch:1")]
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox.emails_enqueue_many(emails) == 4
    assert OutboundEmail.objects.count() == 5
    assert OutboundEmail.objects.get(key="batch:0").to == "deja@pays.fr"  # recorded before: untouched
    assert OutboundEmail.objects.get(key="batch:1").to == "personne1@pays.fr"  # the first of a key wins
    assert sum(len(ids) for ids in queued) == 4 and len(queued) == 3  # one task per chunk, not per email
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox.emails_enqueue_many(emails) == 0


def test_a_batch_task_cut_short_is_finished_by_the_relay_without_duplicates(
    django_capture_on_commit_callbacks,
):
    from anpp_portal import tasks

    with django_capture_on_commit_callbacks(execute=False):
        outbox.emails_enqueue_many([_batch_email(n) for n in range(4)])
    ids = list(OutboundEmail.objects.order_by("pk").values_list("pk", flat=True))
    assert tasks.deliver_emails(ids[:2]) == 2  # the worker died after two
    assert tasks.deliver_emails(ids) == 2  # the task given back by the broker sends only the rest
    assert outbox.emails_relay(now=timezone.now() + timedelta(minutes=5)) == 0
    assert sorted(m.to[0] for m in mail.outbox) == [f"personne{n}@pays.fr" for n in range(4)]
