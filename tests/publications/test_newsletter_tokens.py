"""Finding 7 of issue 16: the token of the unsubscribe link (in every email and its List-Unsubscribe
header) does not confirm a subscription, is erased from the stored headers once the email is sent,
and is never shown in the admin."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from anpp_portal.models import OutboundEmail
from publications import services
from publications.models import Subscriber

from ..factories import StaffFactory

pytestmark = pytest.mark.django_db


def unsubscribe_token_in(email: OutboundEmail) -> str:
    return re.search(r"/desinscription/([^/]+)/", email.headers["List-Unsubscribe"]).group(1)


def test_the_unsubscribe_token_does_not_confirm_a_subscription():
    subscriber = services.subscriber_subscribe(email="lectrice@exemple.fr")
    token = unsubscribe_token_in(OutboundEmail.objects.get())
    response = Client().post(reverse("publications:newsletter_confirm", kwargs={"token": token}))
    assert response.status_code == 404
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at is None
    # The link of the confirmation email confirms; the unsubscribe link still unsubscribes.
    Client().post(reverse("publications:newsletter_confirm", kwargs={"token": subscriber.token}))
    Client().post(reverse("publications:newsletter_unsubscribe", kwargs={"token": token}))
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at and subscriber.unsubscribed_at


def test_no_token_stays_in_the_stored_headers_once_sent(send_outbox):
    subscriber = services.subscriber_subscribe(email="lectrice@exemple.fr")
    [sent] = send_outbox()
    assert subscriber.unsubscribe_token in sent.extra_headers["List-Unsubscribe"]  # the email has it
    stored = OutboundEmail.objects.get()
    assert stored.status == OutboundEmail.Status.SENT
    for token in (subscriber.token, subscriber.unsubscribe_token):
        assert token not in str(stored.headers) and token not in stored.body_text + stored.body_html


def test_the_admin_never_shows_a_token_of_the_headers_even_before_sending():
    subscriber = services.subscriber_subscribe(email="lectrice@exemple.fr")
    email = OutboundEmail.objects.get()
    admin = Client()
    admin.force_login(StaffFactory())
    page = admin.get(reverse("admin:anpp_portal_outboundemail_change", args=[email.pk]))
    assert page.status_code == 200
    content = page.content.decode()
    assert "List-Unsubscribe" in content
    for token in (subscriber.token, subscriber.unsubscribe_token):
        assert token not in content
    assert Subscriber.objects.count() == 1
