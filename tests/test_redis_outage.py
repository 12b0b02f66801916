"""Finding 2 of issue 16: while Redis is down, people still log in, reset their password, sign up and
subscribe to the newsletter (the rate limits fail open, with a warning in the log), and /sante/
answers 503 naming the broker. The test starts its own Redis, then kills it."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from anpp_portal.celery import app as celery_app
from members.models import User

from .factories import PASSWORD, UserFactory

BASE_DIR = Path(__file__).resolve().parent.parent
PORTS = range(6400, 6410)


def _free_port() -> int:
    for port in PORTS:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    pytest.skip("no free port in 6400-6409 for a Redis of this test")


def _configured_caches(redis_url: str) -> dict:
    """CACHES exactly as anpp_portal/settings.py builds them with REDIS_URL set (production)."""
    code = "import json; from anpp_portal import settings as s; print(json.dumps(s.CACHES))"
    env = {**os.environ, "REDIS_URL": redis_url, "PAGE_CACHE_URL": redis_url}
    output = subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )
    assert output.returncode == 0, output.stderr
    return json.loads(output.stdout)


@pytest.fixture
def own_redis():
    if not any(Path(d, "redis-server").exists() for d in os.environ.get("PATH", "").split(":")):
        pytest.skip("needs redis-server on PATH")
    port = _free_port()
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    client = redis.Redis(port=port)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    yield server, f"redis://127.0.0.1:{port}/0"
    if server.poll() is None:
        server.kill()
    server.wait()


@pytest.fixture
def portal_on(own_redis, settings):
    server, url = own_redis
    settings.CACHES = _configured_caches(url)
    previous = celery_app.conf.broker_url, celery_app.conf.task_always_eager
    celery_app.conf.broker_url = url
    celery_app.conf.task_always_eager = False  # emails are really queued (and the queueing fails)
    celery_app.pool.force_close_all()
    yield server, url
    celery_app.conf.broker_url, celery_app.conf.task_always_eager = previous
    celery_app.pool.force_close_all()
    for cache in caches.all():
        cache.close()


@pytest.mark.django_db(transaction=True)
def test_people_log_in_reset_sign_up_and_subscribe_while_redis_is_down(portal_on, caplog):
    server, url = portal_on
    person = UserFactory(email="directrice@pays-a.test")
    client = Client(raise_request_exception=False)
    # Redis up: the rate limits are really kept there.
    assert (
        client.post(reverse("account_login"), {"login": person.email, "password": "pas-le-bon"}).status_code
        == 200
    )
    assert redis.Redis.from_url(url).dbsize() > 0

    server.send_signal(signal.SIGKILL)
    server.wait()

    started = time.monotonic()
    timings = {}
    login = client.post(reverse("account_login"), {"login": person.email, "password": PASSWORD})
    assert login.status_code == 302 and login["Location"] == reverse("members:space")
    assert client.get(reverse("members:space")).status_code == 200
    client.post(reverse("account_logout"))
    timings["login"] = time.monotonic() - started

    anonymous = Client(raise_request_exception=False)
    reset = anonymous.post(reverse("account_reset_password"), {"email": person.email})
    assert reset.status_code == 302 and reset["Location"] == reverse("account_reset_password_done")

    timings["reset"] = time.monotonic() - started
    signup = anonymous.post(
        reverse("account_signup"),
        {
            "first_name": "Camille",
            "last_name": "Exemple",
            "email": "nouvelle@pays-b.test",
            "password1": "un-mot-de-passe-solide-42",
            "password2": "un-mot-de-passe-solide-42",
        },
    )
    assert signup.status_code == 302, signup.content.decode()[:500]
    assert User.objects.filter(email="nouvelle@pays-b.test").exists()

    timings["signup"] = time.monotonic() - started
    newsletter = anonymous.post(
        reverse("publications:newsletter_subscribe"), {"email": "lectrice@exemple.fr"}
    )
    assert newsletter.status_code == 200 and "lectrice@exemple.fr" in newsletter.content.decode()
    timings["newsletter"] = time.monotonic() - started
    assert time.monotonic() - started < 30, timings  # no request waits long on the dead server

    health = anonymous.get(reverse("health"))
    assert health.status_code == 503
    assert health.json()["broker"] == "error" and health.json()["database"] == "ok"
    assert "Cache unavailable" in caplog.text  # the outage is in the log, not silent
