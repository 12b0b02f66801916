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
