"""Fault test: a Celery worker killed (SIGKILL) in the middle of a batch of emails.

A real worker process takes the batch (a newsletter announcement, or adhésion reminders) from a real
broker and delivers it through a backend that records every message durably in files
(``tests/mail_recorder.py``). The backend hangs on one message of the batch so the test can kill the
worker at a known point; a second worker then takes over, the test acting as beat (it queues the
outbox relay every half second). Every recipient must end with exactly one email and every outbox row
must be sent.

The worker shares the test database, so this needs PostgreSQL (pytest-django's SQLite test database
lives in memory, out of the worker's reach); the broker is Redis, or kombu's filesystem transport.
The worker runs the project's code unchanged, with three timings shortened so the test takes seconds:
the claim lease (5 minutes in production), the relay's grace period (30 seconds) and the time after
which a stalled newsletter announcement is resumed (5 minutes).
"""

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import factory
import pytest
from celery import Celery
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from anpp_portal.brokers import filesystem_transport_options
from anpp_portal.models import OutboundEmail
from publications import services as publications_services
from publications.models import Announcement, Issue

from .factories import MembershipFactory
from .mail_recorder import delivered
from .members.adhesion_factories import CampaignFactory
from .publications.factories import ArticleFactory, IssueFactory, SubscriberFactory

BASE_DIR = Path(__file__).resolve().parent.parent
RECIPIENTS = 40
LEASE_SECONDS = 2
GRACE_SECONDS = 0.5
TIMEOUT = 40

# The worker: the project's Celery app, on a queue of its own (so nothing else on the broker
# interferes), with the claim lease and the relay grace shortened.
WORKER = """
import sys
from datetime import timedelta

import django

django.setup()
from anpp_portal import outbox
from anpp_portal.celery import app

queue, lease, grace = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
outbox.CLAIM_LEASE = timedelta(seconds=lease)
outbox.RELAY_GRACE = timedelta(seconds=grace)
from publications import services as publications_services

publications_services.ANNOUNCEMENT_STALL = timedelta(seconds=lease)
app.conf.task_default_queue = queue
app.worker_main(
    ["worker", "--pool=solo", "-Q", queue, "--loglevel=WARNING", "--without-gossip", "--without-mingle"]
)
"""

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _database_url() -> str:
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "localhost"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{credentials}@{host}{port}/{quote(db['NAME'], safe='')}"


def _filesystem_broker(var_dir: Path) -> dict:
    """The same folders settings.py derives from ANPP_VAR_DIR, for the producer in this process."""
    options = filesystem_transport_options(var_dir / "celery")
    for name in ("data_folder_in", "processed_folder", "control_folder"):
        Path(options[name]).mkdir(parents=True, exist_ok=True)
    return options


class Cluster:
    """Real worker processes on one broker, and a producer that plays the web process and beat."""

    def __init__(self, broker: str, tmp_path: Path):
        self.tmp_path = tmp_path
        self.mail_dir = tmp_path / "mail"
        self.mail_dir.mkdir()
        self.queue = f"fault-test-{uuid.uuid4().hex[:12]}"
        self.env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "CELERY_TASK_ALWAYS_EAGER"}}
        self.env.update(
            DJANGO_SETTINGS_MODULE="anpp_portal.settings",
            DATABASE_URL=_database_url(),
            ANPP_VAR_DIR=str(tmp_path / "var"),
            EMAIL_BACKEND="tests.mail_recorder.RecordingEmailBackend",
            ANPP_TEST_MAIL_DIR=str(self.mail_dir),
            LOG_LEVEL="WARNING",
        )
        self.producer = Celery("fault-test-producer", set_as_current=False)
        if broker == "redis":
            self.env["REDIS_URL"] = settings.REDIS_URL
            self.producer.conf.broker_url = settings.REDIS_URL
        else:
            self.producer.conf.broker_url = "filesystem://"
            self.producer.conf.broker_transport_options = _filesystem_broker(tmp_path / "var")
        self.producer.conf.task_default_queue = self.queue
        self.workers: list[subprocess.Popen] = []

    def start_worker(self, name: str, **mail_env) -> subprocess.Popen:
        log = open(self.tmp_path / f"{name}.log", "w")  # noqa: SIM115 (closed with the process)
        worker = subprocess.Popen(
            [sys.executable, "-c", WORKER, self.queue, str(LEASE_SECONDS), str(GRACE_SECONDS)],
            cwd=BASE_DIR,
            env={**self.env, **mail_env},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        self.workers.append(worker)
        return worker

    def send(self, task: str, *args, expires: float | None = None) -> None:
        self.producer.send_task(task, args=args, queue=self.queue, expires=expires)

    def logs(self) -> str:
        return "\n".join(
            f"--- {path.name} ---\n{path.read_text(errors='replace')[-4000:]}"
            for path in sorted(self.tmp_path.glob("*.log"))
        )

    def stop(self) -> None:
        # Nothing is left to finish: kill, and drop what remains of the test's queue (relay ticks).
        for worker in self.workers:
            if worker.poll() is None:
                worker.kill()
            worker.wait()
        with self.producer.connection_for_write() as conn:
            conn.default_channel.queue_purge(self.queue)
        self.producer.close()


@pytest.fixture
def cluster(request, tmp_path):
    """Indirectly parametrized with the broker: "redis" or "filesystem"."""
    cluster = Cluster(request.param, tmp_path)
    yield cluster
    cluster.stop()


def _wait_for(condition, what: str, cluster: Cluster, every: float = 0.05, tick=None) -> None:
    deadline = time.monotonic() + TIMEOUT
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}\n{cluster.logs()}")
        for worker in cluster.workers[-1:]:
            if worker.poll() is not None and worker.returncode != -signal.SIGKILL:
                pytest.fail(
                    f"worker exited with {worker.returncode} while waiting for {what}\n{cluster.logs()}"
                )
        if tick:
            tick()
        time.sleep(every)


def _newsletter_batch(monkeypatch) -> tuple[list[str], tuple]:
    """An issue published to RECIPIENTS subscribers; returns them and the job that announces it."""
    subscribers = SubscriberFactory.create_batch(RECIPIENTS)
    issue = IssueFactory(status=Issue.Status.DRAFT)
    ArticleFactory(issue=issue)
    queued = []
    # issue_publish queues the announcement at commit; this process runs tasks eagerly, so the test
    # queues it on the worker's broker instead.
    monkeypatch.setattr(publications_services, "_queue_announcement", queued.append)
    assert publications_services.issue_publish(issue=issue) is True
    assert queued == [issue.pk]
    return [s.email for s in subscribers], ("publications.tasks.announce_issue", issue.pk)


def _reminders_batch(monkeypatch) -> tuple[list[str], tuple]:
    """RECIPIENTS territories that have not submitted their adhésion; returns their référents and
    the beat's reminder job."""
    today = timezone.localdate()
    CampaignFactory(
        year=today.year,
        opens_on=today - timedelta(days=15),
        closes_on=today + timedelta(days=30),
        reminder_days_without_submission=[15],
    )
    # "!" is an unusable password, stored as is: no hashing of RECIPIENTS passwords.
    referents = [
        MembershipFactory(role="referent", user__password=factory.Transformer.Force("!")).user
        for _ in range(RECIPIENTS)
    ]
    return [user.email for user in referents], ("members.tasks.send_adhesion_reminders",)


BATCHES = {"newsletter": _newsletter_batch, "reminders": _reminders_batch}


def _recipients(cluster: Cluster) -> Counter:
    return Counter(to for message in delivered(cluster.mail_dir) for to in message["to"])


def _kill_mid_batch_and_restart(cluster: Cluster, kind: str, monkeypatch, hang: str) -> tuple[list[str], str]:
    hang_at = RECIPIENTS // 2
    first = cluster.start_worker("worker-1", ANPP_TEST_MAIL_HANG=f"{hang}:{hang_at}")
    recipients, job = BATCHES[kind](monkeypatch)
    cluster.send(*job)
    hung = cluster.mail_dir / "hung.json"
    _wait_for(hung.exists, "the worker to reach the middle of the batch", cluster)

    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    (in_flight,) = json.loads(hung.read_text())["to"]
    sent_before = _recipients(cluster)
    assert sum(sent_before.values()) == hang_at - (hang == "before")
    # The message in flight is claimed by the dead worker: no one may take it before its lease ends.
    email = OutboundEmail.objects.get(to=in_flight)
    assert email.status == OutboundEmail.Status.SENDING and email.claimed_until is not None

    cluster.start_worker("worker-2")
    # The same job again, as a retry or the next beat would run it: it must record nothing more.
    cluster.send(*job)

    def beat():
        if time.monotonic() - beat.last > 0.5:
            cluster.send("anpp_portal.tasks.relay_pending_emails", expires=5)
            beat.last = time.monotonic()

    beat.last = 0.0

    def drained():
        return (
            OutboundEmail.objects.count() == RECIPIENTS
            and not OutboundEmail.objects.exclude(status=OutboundEmail.Status.SENT).exists()
        )

    _wait_for(drained, "the outbox to be drained after the restart", cluster, tick=beat)
    return recipients, in_flight


REDIS = pytest.mark.redis


@pytest.mark.parametrize(
    ("cluster", "kind"),
    [
        pytest.param("redis", "newsletter", marks=REDIS),
        pytest.param("redis", "reminders", marks=REDIS),
        # The filesystem broker (make run) has no acknowledgement: the task in flight is lost with
        # the worker, and only the outbox relay can deliver its email.
        ("filesystem", "newsletter"),
    ],
    indirect=["cluster"],
)
def test_a_worker_killed_mid_batch_leaves_every_recipient_with_exactly_one_email(cluster, kind, monkeypatch):
    # The worker dies while its SMTP conversation for one message is in progress.
    recipients, in_flight = _kill_mid_batch_and_restart(cluster, kind, monkeypatch, hang="before")

    received = _recipients(cluster)
    assert received == Counter(recipients)
    assert received[in_flight] == 1
    assert OutboundEmail.objects.filter(status=OutboundEmail.Status.SENT, sent_at__isnull=False).count() == (
        RECIPIENTS
    )
    # Delivered by both workers: the kill did land in the middle of the batch.
    assert len({message["pid"] for message in delivered(cluster.mail_dir)}) == 2
    if kind == "newsletter":
        announcement = Announcement.objects.get()
        assert announcement.finished_at is not None and announcement.queued == RECIPIENTS


@pytest.mark.parametrize("cluster", ["filesystem"], indirect=True)
def test_the_one_duplicate_smtp_allows_is_the_message_accepted_as_the_worker_died(cluster, monkeypatch):
    """The limit of at-least-once delivery over SMTP, pinned: the server accepted a message and the
    worker died before marking it sent. Nothing can tell the next worker it went out, so it goes out
    again once the claim expires: that one message, never more, and no other recipient is affected.
    """
    recipients, in_flight = _kill_mid_batch_and_restart(cluster, "newsletter", monkeypatch, hang="after")

    received = _recipients(cluster)
    assert received[in_flight] == 2
    assert received - Counter({in_flight: 1}) == Counter(recipients)
    assert not OutboundEmail.objects.exclude(status=OutboundEmail.Status.SENT).exists()


def _beat_everything(cluster: Cluster):
    """Queue every task of the beat schedule, once a second: whatever the portal does periodically."""

    def tick():
        if time.monotonic() - tick.last > 1:
            for entry in settings.CELERY_BEAT_SCHEDULE.values():
                cluster.send(entry["task"], expires=5)
            tick.last = time.monotonic()

    tick.last = 0.0
    return tick


def _workers_waiting_on_a_lock() -> int:
    with connection.cursor() as cursor:
        # pg_stat_activity is a snapshot taken once per transaction unless cleared.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


@pytest.mark.parametrize("cluster", [pytest.param("redis", marks=REDIS)], indirect=True)
def test_an_announcement_killed_while_queuing_its_batch_is_resumed_after_the_restart(cluster, monkeypatch):
    recipients, job = _newsletter_batch(monkeypatch)
    first = cluster.start_worker("worker-1")
    with transaction.atomic():
        # Hold the announcement's row: the worker's batch waits for it inside its own transaction,
        # which is where the kill lands.
        Announcement.objects.select_for_update().get()
        cluster.send(*job)
        _wait_for(lambda: _workers_waiting_on_a_lock() > 0, "the worker to start the batch", cluster)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    assert not OutboundEmail.objects.exists()  # the batch was rolled back with the worker

    cluster.start_worker("worker-2")
    beat = _beat_everything(cluster)
    deadline = time.monotonic() + 8
    while time.monotonic() < deadline and len(delivered(cluster.mail_dir)) < RECIPIENTS:
        beat()
        time.sleep(0.1)
    assert _recipients(cluster) == Counter(recipients)
