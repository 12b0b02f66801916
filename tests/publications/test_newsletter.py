"""Newsletter: double opt-in, one-click unsubscribe, one announcement per subscriber and issue."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from anpp_portal.models import OutboundEmail
from publications import services, tasks
from publications.models import Announcement, Issue, Subscriber

from ..factories import StaffFactory
from .factories import ArticleFactory, IssueFactory, SubscriberFactory

pytestmark = pytest.mark.django_db


def _path(url):
    return "/" + url.split("/", 3)[3]


def test_subscribe_confirm_publish_sends_one_announcement_with_working_unsubscribe_headers(
    client, send_outbox, django_capture_on_commit_callbacks
):
    response = client.post(reverse("publications:newsletter_subscribe"), {"email": "Camille@Exemple.fr"})
    assert response.status_code == 200 and "Confirmez votre inscription" in response.content.decode()
    (confirmation,) = send_outbox()
    assert confirmation.to == ["camille@exemple.fr"]
    confirm_url = re.search(r"https?://\S+/lettre/confirmer/\S+/", confirmation.body).group(0)
    assert client.get(_path(confirm_url)).status_code == 200
    assert Subscriber.objects.get().confirmed_at is None  # a GET (a mail scanner) confirms nothing
    client.post(_path(confirm_url))
    assert Subscriber.objects.get().is_active

    issue = IssueFactory(number=21, season="Hiver 2020", status=Issue.Status.DRAFT)
    ArticleFactory(issue=issue, title="À la une")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.issue_publish(issue=issue) is True
    (announcement,) = send_outbox()
    assert announcement.to == ["camille@exemple.fr"]
    assert "Hiver 2020 / n°21" in announcement.subject and "À la une" in announcement.body
    assert announcement.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = re.fullmatch(r"<(https?://\S+)>", announcement.extra_headers["List-Unsubscribe"]).group(1)
    assert unsubscribe in announcement.body

    # Rerunning the job, or publishing again, sends nothing more.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        tasks.announce_issue.delay(issue.pk)
        assert services.issue_publish(issue=issue) is False
    assert send_outbox() == []
    assert OutboundEmail.objects.filter(key__startswith=f"issue-announcement:{issue.pk}:").count() == 1

    # One click, as a mail client does it (RFC 8058): a POST without CSRF token.
    csrf_client = client_class_with_csrf_checks()
    response = csrf_client.post(_path(unsubscribe), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert Subscriber.objects.get().unsubscribed_at is not None


def client_class_with_csrf_checks():
    from django.test import Client

    return Client(enforce_csrf_checks=True)


def test_announcement_goes_in_batches_to_confirmed_subscribers_only_once_each(send_outbox):
    confirmed = SubscriberFactory.create_batch(5)
    SubscriberFactory(confirmed_at=None)
    SubscriberFactory(unsubscribed_at=timezone.now())
    issue = IssueFactory(status=Issue.Status.PUBLISHED)
    ArticleFactory(issue=issue)
    Announcement.objects.create(issue=issue, total=5)

    assert services.announcement_send_batch(issue_id=issue.pk, batch_size=2) is True
    progress = Announcement.objects.get()
    assert (progress.queued, progress.total, progress.finished_at) == (2, 5, None)
    # A worker that died after queuing its batch: the batch is taken again, nothing is sent twice.
    Announcement.objects.update(last_subscriber_id=0, queued=0)
    while services.announcement_send_batch(issue_id=issue.pk, batch_size=2):
        pass
    sent = send_outbox()
    assert sorted(m.to[0] for m in sent) == sorted(s.email for s in confirmed)
    assert Announcement.objects.get().finished_at is not None
    assert services.announcement_send_batch(issue_id=issue.pk) is False
    assert send_outbox() == sent


def test_an_announcement_whose_batches_stopped_is_resumed_by_beat(send_outbox):
    subscribers = SubscriberFactory.create_batch(3)
    stalled_issue, moving_issue = IssueFactory(), IssueFactory()
    for issue in (stalled_issue, moving_issue):
        ArticleFactory(issue=issue)
        Announcement.objects.create(issue=issue, total=3)
    # The job of the first one died (its task lost); the second one is being sent right now.
    Announcement.objects.filter(issue=stalled_issue).update(
        progressed_at=timezone.now() - services.ANNOUNCEMENT_STALL - datetime.timedelta(seconds=1)
    )

    assert tasks.publish_due_issues() == 0  # the beat task; eager mode runs the resumed job here
    sent = send_outbox()
    assert sorted(m.to[0] for m in sent) == sorted(s.email for s in subscribers)
    assert Announcement.objects.get(issue=stalled_issue).finished_at is not None
    assert Announcement.objects.get(issue=moving_issue).finished_at is None
    # A day later: the finished one is not taken again; the other, stalled by then, is resumed.
    assert services.announcements_resume_stalled(now=timezone.now() + datetime.timedelta(days=1)) == 1
    keys = list(
        OutboundEmail.objects.filter(key__startswith="issue-announcement:").values_list("key", flat=True)
    )
    assert len(keys) == len(set(keys)) == 2 * len(subscribers)


def test_scheduled_issues_are_published_when_their_date_comes():
    issue = IssueFactory(status=Issue.Status.DRAFT)
    ArticleFactory(issue=issue)
    services.issue_schedule(issue=issue, publish_at=timezone.now() + datetime.timedelta(hours=1))
    assert services.issues_publish_due() == 0
    assert services.issues_publish_due(now=timezone.now() + datetime.timedelta(hours=2)) == 1
    issue.refresh_from_db()
    assert issue.is_published and Announcement.objects.filter(issue=issue).exists()


def test_a_bad_address_is_refused_with_a_french_message_and_kept(client):
    response = client.post(reverse("publications:newsletter_subscribe"), {"email": "pas-une-adresse"})
    text = response.content.decode()
    assert response.status_code == 200
    assert "Cette adresse électronique n&#x27;est pas valide" in text and 'value="pas-une-adresse"' in text
    assert not Subscriber.objects.exists()


def test_subscribing_twice_sends_no_second_confirmation_to_a_confirmed_reader(send_outbox):
    subscriber = SubscriberFactory(email="deja@exemple.fr")
    services.subscriber_subscribe(email="deja@exemple.fr")
    assert send_outbox() == []
    services.subscriber_unsubscribe(token=subscriber.unsubscribe_token)
    services.subscriber_subscribe(email="deja@exemple.fr")
    assert len(send_outbox()) == 1
    assert not Subscriber.objects.get().is_active


def test_unsubscribe_page_asks_before_unsubscribing_and_unknown_tokens_are_404(client):
    subscriber = SubscriberFactory()
    url = reverse("publications:newsletter_unsubscribe", kwargs={"token": subscriber.unsubscribe_token})
    assert client.get(url).status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.is_active
    assert "Désinscription enregistrée" in client.post(url).content.decode()
    assert (
        client.post(reverse("publications:newsletter_unsubscribe", kwargs={"token": "inconnu"})).status_code
        == 404
    )
    confirm = reverse("publications:newsletter_confirm", kwargs={"token": "inconnu"})
    assert client.post(confirm).status_code == 404


def test_staff_see_the_progress_of_announcements_and_the_subscribers_in_the_admin(client):
    issue = IssueFactory()
    Announcement.objects.create(issue=issue, total=40, queued=20)
    SubscriberFactory(email="lectrice@exemple.fr")
    client.force_login(StaffFactory())
    assert (
        "20 / 40 (en cours)"
        in client.get(reverse("admin:publications_announcement_changelist")).content.decode()
    )
    assert (
        "lectrice@exemple.fr"
        in client.get(reverse("admin:publications_subscriber_changelist")).content.decode()
    )


def test_subscribing_is_rate_limited_per_connection_with_the_message_next_to_the_field(client, send_outbox):
    url = reverse("publications:newsletter_subscribe")
    for n in range(10):
        assert client.post(url, {"email": f"lecteur{n}@pays.fr"}).status_code == 200
    response = client.post(url, {"email": "onzieme@pays.fr"})
    content = response.content.decode()
    assert "Trop de demandes d" in content and 'aria-invalid="true"' in content
    assert 'value="onzieme@pays.fr"' in content  # what the person typed is kept
    assert not Subscriber.objects.filter(email="onzieme@pays.fr").exists()
    assert len(send_outbox()) == 10


def test_a_pending_reader_who_lost_the_confirmation_gets_another_the_next_day(send_outbox, monkeypatch):
    services.subscriber_subscribe(email="distrait@pays.fr")
    services.subscriber_subscribe(email="distrait@pays.fr")
    assert len(send_outbox()) == 1  # the same day: one email
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    monkeypatch.setattr(services.timezone, "localdate", lambda: tomorrow)
    services.subscriber_subscribe(email="distrait@pays.fr")
    assert len(send_outbox()) == 2
