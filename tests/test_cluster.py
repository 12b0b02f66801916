"""Two gunicorn processes and two Celery workers sharing PostgreSQL, Redis and a local S3 server (moto),
all started by the test with production settings (DEBUG=0):

- an appel issued by staff through one web process (the admin action) is rendered by a worker into
  the bucket, and the territory downloads it through the other web process (a presigned URL);
- a reminder batch whose deliveries are split across both workers reaches every recipient once.

Needs PostgreSQL (the processes share the test database) and Redis (the broker, REDIS_URL).
"""

import contextlib
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from datetime import timedelta
from http.cookiejar import CookieJar
from pathlib import Path

import factory
import pytest
import redis
from django.conf import settings
from django.test import Client
from django.utils import timezone

from anpp_portal.models import OutboundEmail
from members import services
from members.models import Adhesion

from .factories import MembershipFactory, StaffFactory
from .mail_recorder import delivered
from .members.adhesion_factories import CampaignFactory
from .test_s3_storage import BUCKET, CREDENTIALS, free_port
from .test_worker_killed import _database_url

BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY = "cluster-test-" + "k3y" * 20
RECIPIENTS = 40
TIMEOUT = 90

# A worker of the project's app, with the outbox's chunk made small so that one reminder batch is
# several delivery tasks, which the two workers share.
WORKER = """
import django

django.setup()
from anpp_portal import outbox
from anpp_portal.celery import app

outbox.ENQUEUE_CHUNK = 5
app.worker_main(["worker", "--pool=solo", "--loglevel=WARNING", "--without-gossip", "--without-mingle"])
"""

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    """collectstatic once: with DEBUG=0 templates need the hashed names' manifest."""
    root = tmp_path_factory.mktemp("static")
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_ROOT": str(root),
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=BASE_DIR, env=env, check=True
    )
    return root


class Cluster:
    def __init__(self, tmp_path: Path, static_root: Path, s3_endpoint: str):
        self.tmp_path = tmp_path
        self.mail_dir = tmp_path / "mail"
        self.mail_dir.mkdir()
        self.processes: list[subprocess.Popen] = []
        self.env = {
            **{
                k: v for k, v in os.environ.items() if k not in {"CELERY_TASK_ALWAYS_EAGER", "PAGE_CACHE_URL"}
            },
            "DJANGO_SETTINGS_MODULE": "anpp_portal.settings",
            "DEBUG": "0",
            "SECRET_KEY": SECRET_KEY,
            "ALLOWED_HOSTS": "127.0.0.1",
            "SITE_URL": "http://127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "SESSION_COOKIE_SECURE": "0",
            "CSRF_COOKIE_SECURE": "0",
            "CSRF_TRUSTED_ORIGINS": ",".join(f"http://127.0.0.1:{p}" for p in range(8300, 8310)),
            "DATABASE_URL": _database_url(),
            "REDIS_URL": settings.REDIS_URL,
            "STATIC_ROOT": str(static_root),
            "ANPP_VAR_DIR": str(tmp_path / "var"),
            "S3_BUCKET": BUCKET,
            "S3_ENDPOINT_URL": s3_endpoint,
            **CREDENTIALS,
            "EMAIL_BACKEND": "tests.mail_recorder.RecordingEmailBackend",
            "ANPP_TEST_MAIL_DIR": str(self.mail_dir),
            "ANPP_TEST_MAIL_DELAY": "0.05",
            "LOG_LEVEL": "WARNING",
        }

    def _start(self, name: str, args: list[str], **env) -> subprocess.Popen:
        log = open(self.tmp_path / f"{name}.log", "w")  # noqa: SIM115 (closed with the process)
        process = subprocess.Popen(
            args, cwd=BASE_DIR, env={**self.env, **env}, stdout=log, stderr=subprocess.STDOUT
        )
        log.close()
        self.processes.append(process)
        return process

    def start_web(self, name: str) -> str:
        port = free_port()
        self._start(
            name,
            [sys.executable, "-m", "gunicorn", "anpp_portal.wsgi", "-c", "gunicorn.conf.py"],
            GUNICORN_BIND=f"127.0.0.1:{port}",
            WEB_CONCURRENCY="1",
        )
        url = f"http://127.0.0.1:{port}"
        self.wait_for(lambda: _answers(url + "/sante/"), f"{name} to answer")
        return url

    def start_worker(self, name: str) -> None:
        self._start(name, [sys.executable, "-c", WORKER])

    def logs(self) -> str:
        return "\n".join(
            f"--- {path.name} ---\n{path.read_text(errors='replace')[-3000:]}"
            for path in sorted(self.tmp_path.glob("*.log"))
        )

    def wait_for(self, condition, what: str) -> None:
        deadline = time.monotonic() + TIMEOUT
        while not condition():
            if time.monotonic() > deadline:
                pytest.fail(f"timed out waiting for {what}\n{self.logs()}")
            for process in self.processes:
                if process.poll() is not None:
                    pytest.fail(
                        f"a process exited ({process.args[-1]}) while waiting for {what}\n{self.logs()}"
                    )
            time.sleep(0.2)

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (the test's own server)
            return True
    except urllib.error.HTTPError:
        return True  # 503 while the broker warms up is still an answer
    except OSError:
        return False


class Browser:
    """A cookie-keeping HTTP client that does not follow redirects."""

    class _NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    def __init__(self, session_key: str):
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), self._NoRedirect
        )
        self.session_key = session_key

    def request(self, url: str, data: dict | None = None, headers: dict | None = None):
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(url, data=body, headers=headers or {})  # noqa: S310 (the test's server)
        cookies = f"sessionid={self.session_key}"
        csrf = self.csrf_token()
        if csrf:
            cookies += f"; csrftoken={csrf}"
        request.add_header("Cookie", cookies)
        try:
            response = self.opener.open(request, timeout=30)
        except urllib.error.HTTPError as error:
            response = error
        return (
            response.status if hasattr(response, "status") else response.code,
            response.read(),
            response.headers,
        )

    def csrf_token(self) -> str:
        return next((cookie.value for cookie in self.jar if cookie.name == "csrftoken"), "")


def _session_of(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


@pytest.fixture
def cluster(tmp_path, static_root, settings):
    moto_server = pytest.importorskip("moto.server")
    import boto3

    if shutil.which("redis-server") is None and not settings.REDIS_URL:
        pytest.skip("needs Redis")
    redis.Redis.from_url(settings.REDIS_URL).delete("celery")  # this test's broker queue starts empty
    settings.SECRET_KEY = SECRET_KEY  # sessions made here are valid in the processes
    port = free_port()
    s3 = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    s3.start()
    endpoint = f"http://127.0.0.1:{port}"
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        region_name=CREDENTIALS["S3_REGION"],
    )
    # moto keeps its state per process: another test may have made the bucket.
    with contextlib.suppress(client.exceptions.BucketAlreadyOwnedByYou):
        client.create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": CREDENTIALS["S3_REGION"]}
        )
    cluster = Cluster(tmp_path, static_root, endpoint)
    yield cluster
    cluster.stop()
    s3.stop()
    redis.Redis.from_url(settings.REDIS_URL).delete("celery")


def test_an_appel_issued_through_one_web_process_is_downloaded_through_the_other(
    cluster, territory_a, referent_a
):
    from billing.services import billing_identity_get

    billing_identity_get()  # ANPP's (fictitious) billing identity, in the shared database
    today = timezone.localdate()
    campaign = CampaignFactory(
        year=today.year, opens_on=today - timedelta(days=1), closes_on=today + timedelta(days=60)
    )
    adhesion = services.adhesion_open(territory=territory_a, campaign=campaign, by=referent_a)
    services.adhesion_save(
        adhesion=adhesion,
        data={
            "signatory_name": "J. Exemple",
            "signatory_role": "Président",
            "billing_contact_email": "c@pays-a.fr",
        },
        by=referent_a,
    )
    services.adhesion_submit(adhesion=adhesion, by=referent_a)
    web_a = cluster.start_web("web-a")
    web_b = cluster.start_web("web-b")
    cluster.start_worker("worker-1")
    cluster.start_worker("worker-2")

    staff = Browser(_session_of(StaffFactory()))
    status, page, _ = staff.request(f"{web_a}/admin/members/adhesion/")
    assert status == 200, page[:500]
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
    status, _body, headers = staff.request(
        f"{web_a}/admin/members/adhesion/",
        {
            "csrfmiddlewaretoken": token,
            "action": "validate",
            "_selected_action": [str(adhesion.pk)],
            "index": "0",
        },
        headers={"Referer": f"{web_a}/admin/members/adhesion/"},
    )
    assert status == 302, _body[:500]

    cluster.wait_for(
        lambda: Adhesion.objects.get(pk=adhesion.pk).call_pdf.name != "", "a worker to render the appel"
    )
    adhesion.refresh_from_db()
    assert adhesion.status == Adhesion.Status.APPEL_EMIS and adhesion.call_number == f"{today.year}-0001"

    territory = Browser(_session_of(referent_a))
    status, _body, headers = territory.request(
        f"{web_b}/territoire/{territory_a.slug}/adhesion/{today.year}/appel.pdf"
    )
    assert status == 302, _body[:300]
    presigned = headers["Location"]
    assert presigned.startswith(cluster.env["S3_ENDPOINT_URL"]) and "X-Amz-Signature" in presigned
    with urllib.request.urlopen(presigned, timeout=10) as response:  # noqa: S310 (the test's own S3)
        assert response.read().startswith(b"%PDF")


def test_a_reminder_batch_split_across_both_workers_is_sent_once_per_recipient(cluster):
    today = timezone.localdate()
    CampaignFactory(
        year=today.year,
        opens_on=today - timedelta(days=15),
        closes_on=today + timedelta(days=30),
        reminder_days_without_submission=[15],
    )
    referents = [
        MembershipFactory(role="referent", user__password=factory.Transformer.Force("!")).user
        for _ in range(RECIPIENTS)
    ]
    cluster.start_worker("worker-1")
    cluster.start_worker("worker-2")
    from celery import Celery

    producer = Celery("cluster-test", set_as_current=False)
    producer.conf.broker_url = settings.REDIS_URL
    # Beat and a duplicate of it: the same batch twice, at once, one per worker.
    for _ in range(2):
        producer.send_task("members.tasks.send_adhesion_reminders")
    cluster.wait_for(
        lambda: (
            OutboundEmail.objects.filter(status=OutboundEmail.Status.SENT).count() == RECIPIENTS
            and not OutboundEmail.objects.exclude(status=OutboundEmail.Status.SENT).exists()
        ),
        "every reminder to be sent",
    )
    time.sleep(1)  # a duplicate delivery would show now
    messages = delivered(cluster.mail_dir)
    assert Counter(to for message in messages for to in message["to"]) == Counter(u.email for u in referents)
    assert len({message["pid"] for message in messages}) == 2, "the batch was not split across the workers"
    producer.close()
