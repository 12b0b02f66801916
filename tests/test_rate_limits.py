"""Issue 23, findings 4 and 10: one rate-limit mechanism for the whole portal (anpp_portal/ratelimit.py),
atomic, per client IP and per key; the newsletter, the registrations, the join requests and the
account deletion's password check all count through it."""

import pathlib
import re
import threading

import pytest
from django.conf import settings
from django.urls import reverse

from members.models import User

from .factories import PASSWORD, UserFactory
from .project import project_apps

ROOT = pathlib.Path(settings.BASE_DIR)
PROJECT_PACKAGES = project_apps()
# Counting attempts anywhere else is a second mechanism.
FORBIDDEN = re.compile(
    r"\bcount_hit\(|allauth\.core(\.internal)? import ratelimit|allauth\.core\.ratelimit\.consume"
)


def test_no_module_counts_attempts_outside_the_rate_limit_module():
    offenders = []
    for package in PROJECT_PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            relative = path.relative_to(ROOT).as_posix()
            if relative in ("anpp_portal/ratelimit.py", "anpp_portal/cache.py") or "/migrations/" in relative:
                continue
            if FORBIDDEN.search(path.read_text(encoding="utf-8")):
                offenders.append(relative)
    assert not offenders


def test_a_rate_counts_per_ip_and_per_key_separately():
    from anpp_portal import ratelimit

    rates = "3/h/ip,2/h/key"
    assert ratelimit.consume(action="essai", ip="192.0.2.1", key="a@x.fr", rates=rates)
    assert ratelimit.consume(action="essai", ip="192.0.2.1", key="a@x.fr", rates=rates)
    assert not ratelimit.consume(action="essai", ip="192.0.2.2", key="a@x.fr", rates=rates)  # the key: 3rd
    assert ratelimit.consume(action="essai", ip="192.0.2.1", key="b@x.fr", rates=rates)  # the ip: 3rd
    assert not ratelimit.consume(action="essai", ip="192.0.2.1", key="c@x.fr", rates=rates)  # the ip: 4th
    assert ratelimit.consume(action="autre", ip="192.0.2.1", key="c@x.fr", rates=rates)  # another action


def test_the_rates_are_read_as_amount_period_and_per():
    from anpp_portal import ratelimit

    assert ratelimit.parse_rates("10/h/ip, 3/15m/key,1/d/key, 4/5m/ip") == [
        ratelimit.Rate(10, 3600, "ip"),
        ratelimit.Rate(3, 900, "key"),
        ratelimit.Rate(1, 86400, "key"),
        ratelimit.Rate(4, 300, "ip"),
    ]
    # No rate at all: nothing is counted, every attempt passes.
    assert ratelimit.parse_rates("") == [] and ratelimit.parse_rates(None) == []
    assert all(ratelimit.consume(action="libre", ip="192.0.2.9", rates="") for _ in range(50))


def test_a_rate_limit_set_up_wrong_says_what_is_wrong():
    from django.core.exceptions import ImproperlyConfigured

    from anpp_portal import ratelimit

    with pytest.raises(ImproperlyConfigured, match=r"Rate limit '3/h/user': per 'ip' or per 'key'\."):
        ratelimit.parse_rates("10/h/ip,3/h/user")
    with pytest.raises(ImproperlyConfigured, match=r"Rate limit of 'essai' per key, but none was given\."):
        ratelimit.consume(action="essai", ip="192.0.2.1", rates="3/h/key")


def test_a_window_that_has_passed_counts_again_from_zero(monkeypatch):
    import time

    from anpp_portal import ratelimit

    start = 1_800_000_000 - 1_800_000_000 % 3600  # the start of an hour
    monkeypatch.setattr(time, "time", lambda: start + 10)
    assert [ratelimit.consume(action="fenetre", ip="192.0.2.3", rates="2/h/ip") for _ in range(3)] == [
        True,
        True,
        False,
    ]
    monkeypatch.setattr(time, "time", lambda: start + 3600 + 10)  # the next hour
    assert ratelimit.consume(action="fenetre", ip="192.0.2.3", rates="2/h/ip")


def test_an_ipv6_client_counts_for_its_64(rf):
    from anpp_portal import ratelimit

    first = rf.get("/", REMOTE_ADDR="2001:db8:1:2::10")
    second = rf.get("/", REMOTE_ADDR="2001:db8:1:2:ffff::1")
    assert ratelimit.client_ip(first) == ratelimit.client_ip(second) == "2001:db8:1:2::"


def test_simultaneous_attempts_cannot_all_pass():
    from anpp_portal import ratelimit

    """Atomic: 20 threads at once against a limit of 5 let exactly 5 through."""
    results, barrier = [], threading.Barrier(20)

    def attempt():
        barrier.wait()
        results.append(ratelimit.consume(action="course", key="une-cle", rates="5/h/key"))

    threads = [threading.Thread(target=attempt) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count(True) == 5


@pytest.mark.django_db
def test_the_newsletter_limit_counts_through_the_portal_mechanism(client, settings):
    settings.ANPP_RATE_LIMITS = {**settings.ANPP_RATE_LIMITS, "newsletter_subscribe": "2/h/ip,5/d/key"}
    url = reverse("publications:newsletter_subscribe")
    assert "Trop de demandes" not in client.post(url, {"email": "un@pays.fr"}).content.decode()
    assert "Trop de demandes" not in client.post(url, {"email": "deux@pays.fr"}).content.decode()
    assert "Trop de demandes" in client.post(url, {"email": "trois@pays.fr"}).content.decode()


@pytest.mark.django_db
def test_account_deletion_stops_checking_the_password_after_five_attempts(client):
    person = UserFactory()
    client.force_login(person)
    url = reverse("members:delete_account")
    for _ in range(5):
        refused = client.post(url, {"password": "devine", "confirm": "on"})
        assert "Mot de passe incorrect." in refused.content.decode()
    limited = client.post(url, {"password": PASSWORD, "confirm": "on"})
    content = limited.content.decode()
    assert limited.status_code == 400
    assert "Trop de tentatives de suppression : réessayez dans un quart d" in content
    assert 'aria-invalid="true"' in content  # at the field
    assert User.objects.filter(pk=person.pk).exists()  # even the right password does not delete now
