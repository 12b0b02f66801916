"""Shared fixtures. Tests that need PostgreSQL or Redis are marked; they skip with a reason when the
service is absent, and fail instead when ANPP_REQUIRE_SERVICES=1 (as in .ci/run). In that strict mode
any other skip (a fixture missing its data, a missing tool) fails too, so CI runs every test or says
why it could not."""

import os
import socket
from datetime import timedelta
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.utils import timezone, translation

from anpp_portal import outbox
from anpp_portal.celery import app as celery_app

from .factories import MembershipFactory, StaffFactory, TerritoryFactory

STRICT = os.environ.get("ANPP_REQUIRE_SERVICES") == "1"


def _redis_reachable() -> bool:
    if not settings.REDIS_URL:
        return False
    url = urlparse(settings.REDIS_URL)
    try:
        with socket.create_connection((url.hostname or "127.0.0.1", url.port or 6379), timeout=1):
            return True
    except OSError:
        return False


STRICT_NOTE = "ANPP_REQUIRE_SERVICES=1: what a test needs must be there; a skip is a failure"
# The command that runs the tests a plain `make test` skips for want of PostgreSQL or Redis.
SERVICES_COMMAND = (
    "DATABASE_URL=postgres://postgres@127.0.0.1:5432/anpp REDIS_URL=redis://127.0.0.1:6379/9 "
    "ANPP_REQUIRE_SERVICES=1 make test"
)
_skipped_for_services: set[str] = set()


def _missing_service(reason: str) -> None:
    if STRICT:
        pytest.fail(f"{reason} ({STRICT_NOTE})")
    pytest.skip(reason)


def pytest_runtest_setup(item):
    needs_postgres = item.get_closest_marker("postgres") and connection.vendor != "postgresql"
    needs_redis = item.get_closest_marker("redis") and not _redis_reachable()
    if needs_postgres or needs_redis:
        _skipped_for_services.add(item.nodeid)
    if needs_postgres:
        _missing_service("needs PostgreSQL: set DATABASE_URL=postgres://...")
    if needs_redis:
        _missing_service("needs Redis: set REDIS_URL=redis://... to a running server")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """In strict mode a skip from anywhere (a fixture, a plugin, a mark) is reported as a failure."""
    outcome = yield
    report = outcome.get_result()
    if STRICT and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped in strict mode: {reason} ({STRICT_NOTE})"


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_terminal_summary(terminalreporter):
    """One line at the end of a run without the services (after the short summary, before the totals):
    how many tests did not run, and the command that runs them."""
    yield
    if _skipped_for_services:
        terminalreporter.write_line(
            f"{len(_skipped_for_services)} test{'s' if len(_skipped_for_services) > 1 else ''} needing "
            f"PostgreSQL or Redis did not run; run them with: {SERVICES_COMMAND}",
            yellow=True,
            bold=True,
        )


@pytest.fixture(autouse=True, scope="session")
def _celery_eager():
    """In-process tests run tasks synchronously; the real-worker tests start their own processes."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _celery_join_allowed():
    """An eager task runs under Celery's process-wide "inside a task" flag, which it sets and restores
    around the run; eager tasks queued from several threads at once (the concurrency tests) can
    restore it in the wrong order and leave it set, and every later ``.delay().get()`` in the process
    would then fail. Each test starts outside any task."""
    from celery._state import _set_task_join_will_block

    _set_task_join_will_block(False)


@pytest.fixture(autouse=True)
def _site_language_after_each_test():
    """A request in English (a visitor's language cookie) leaves English active in the thread after
    it; a test that calls a service directly would then get English messages. Each test ends back in
    the site's language, so no test depends on which ran before (mutmut runs them in any order)."""
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()
    yield
    for cache in caches.all():
        cache.clear()


# ANPP's billing identity in tests: complete, and visibly fictitious. Documents are issued only when
# it is complete (billing.services.billing_identity_require); tests of a missing part empty it.
FICTITIOUS_BILLING_IDENTITY = {
    "legal_name": "Association Nationale des Pôles territoriaux et des Pays (exemple)",
    "street": "1 rue de l'Exemple",
    "postal_code": "75009",
    "city": "Paris",
    "email": "facturation@anpp.example",
    "siret": "12345678200010",
    "vat_mention": "TVA non applicable (exemple fictif)",
    "vat_exemption_code": "VATEX-EU-O",
    "iban": "FR7630006000011234567890189",
    "bic": "EXPLFRPPXXX",
    "bank": "Banque fictive de l'exemple",
    "account_holder": "ANPP (exemple)",
    "signatory_name": "Camille Exemple",
    "signatory_title": "Président (fictif)",
    "payment_terms": "À réception, par mandat administratif ou virement.",
}


@pytest.fixture(autouse=True)
def _billing_identity(_fresh_cache, settings, tmp_path_factory):
    # After _fresh_cache (named first): the settings it changes are restored before caches are cleared.
    settings.ANPP_BILLING_INITIAL = FICTITIOUS_BILLING_IDENTITY
    # Private documents (invoices…) of a test go to a temporary folder, never into the project.
    if settings.STORAGES["private"]["BACKEND"].endswith("FileSystemStorage"):
        location = tmp_path_factory.mktemp("private")
        settings.STORAGES = {
            **settings.STORAGES,
            "private": {**settings.STORAGES["private"], "OPTIONS": {"location": location, "base_url": None}},
        }


@pytest.fixture
def send_outbox():
    """Deliver every pending outbox email now, as the worker would, and return the sent messages."""

    def deliver():
        outbox.emails_relay(now=timezone.now() + timedelta(minutes=5))
        return list(mail.outbox)

    return deliver


@pytest.fixture
def territory_a(db):
    return TerritoryFactory(name="PETR du Pays A", slug="pays-a")


@pytest.fixture
def territory_b(db):
    return TerritoryFactory(name="PETR du Pays B", slug="pays-b")


@pytest.fixture
def referent_a(territory_a):
    return MembershipFactory(territory=territory_a, role="referent").user


@pytest.fixture
def referent_b(territory_b):
    return MembershipFactory(territory=territory_b, role="referent").user


@pytest.fixture
def staff(db):
    """ANPP staff as production has them: members of « Équipe ANPP », never superusers, so that a
    rule tested with this fixture is the rule ordinary staff meet."""
    return StaffFactory()
