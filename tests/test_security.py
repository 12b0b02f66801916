"""Security headers on every response, no-store on personal pages, and the audit trail."""

import datetime

import pytest
from django.urls import reverse

from members import services
from members.models import Adhesion

from .members.adhesion_factories import CampaignFactory

pytestmark = pytest.mark.django_db

PAGES = ["/", "/comptes/login/", "/sante/", "/nulle-part/"]


@pytest.mark.parametrize("path", PAGES)
def test_security_headers_are_on_every_response(client, path):
    response = client.get(path)
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


def test_pages_seen_logged_in_are_never_stored_by_a_cache(client, referent_a, territory_a):
    client.force_login(referent_a)
    for url in ("/", reverse("members:space"), territory_a.get_absolute_url()):
        cache_control = client.get(url)["Cache-Control"]
        assert "no-store" in cache_control and "private" in cache_control, url


def test_public_pages_seen_anonymously_may_be_cached(client):
    assert "no-store" not in client.get("/").get("Cache-Control", "")


def test_the_pages_have_no_inline_script_or_style(client, referent_a, territory_a):
    client.force_login(referent_a)
    for url in ("/", reverse("members:space"), territory_a.get_absolute_url(), reverse("account_email")):
        content = client.get(url).content.decode()
        assert "<script>" not in content and ' style="' not in content, url


def test_the_audit_trail_records_who_changed_an_adhesion_and_what(
    territory_a, referent_a, staff, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    campaign = CampaignFactory(year=2018)
    adhesion = services.adhesion_open(
        territory=territory_a, campaign=campaign, by=referent_a, today=datetime.date(2018, 2, 1)
    )
    adhesion = services.adhesion_save(
        adhesion=adhesion,
        data={
            "signatory_name": "Jean Dupont",
            "signatory_role": "Président",
            "billing_contact_email": "c@p.fr",
            "billing_address": "1 place",
        },
        by=referent_a,
    )
    services.adhesion_submit(adhesion=adhesion, by=referent_a, today=datetime.date(2018, 2, 1))
    services.adhesion_validate(adhesion=adhesion, by=staff)
    history = list(Adhesion.history.filter(id=adhesion.pk).order_by("history_date", "history_id"))
    assert [h.history_user for h in history][-3:] == [referent_a, staff, staff]
    last, before = history[-1], history[-2]
    changed = {change.field for change in last.diff_against(before).changes}
    assert {"status", "call_number"} <= changed
    first_save = next(h for h in history if h.signatory_name == "Jean Dupont")
    assert first_save.history_user == referent_a


def test_pdf_rendering_finds_hashed_static_files_in_production(settings, tmp_path):
    """With DEBUG off, templates name hashed copies (portal.<hash>.css) that only STATIC_ROOT has."""
    from django.contrib.staticfiles.storage import staticfiles_storage
    from django.core.management import call_command

    from anpp_portal.pdf import static_path, url_fetcher

    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    # (changing STORAGES makes Django re-create the static files storage)
    call_command("collectstatic", "--noinput", verbosity=0)
    hashed = staticfiles_storage.stored_name("css/portal.css")
    assert hashed != "css/portal.css"
    assert static_path(hashed) == (tmp_path / "static" / hashed).resolve()
    assert url_fetcher(f"https://portail.anpp.fr/static/{hashed}").read().startswith(b"/*")


# --- Security events: logged, naming no one ------------------------------------------------------


@pytest.fixture
def security_records(caplog):
    """The "anpp.security" logger does not propagate to the root logger, where caplog listens."""
    import logging

    logger = logging.getLogger("anpp.security")
    logger.addHandler(caplog.handler)
    caplog.set_level(logging.INFO, logger="anpp.security")
    yield lambda: [r for r in caplog.records if r.name == "anpp.security"]
    logger.removeHandler(caplog.handler)


def _assert_names_no_one(records, *people):
    for record in records:
        text = record.getMessage() + repr(record.args) + repr(record.__dict__)
        for person in people:
            assert person.email.lower() not in text.lower()
            local_part = person.email.split("@")[0]
            assert local_part not in text


def test_a_failed_login_is_logged_with_a_digest_instead_of_the_email(client, referent_a, security_records):
    from members.security_events import account_digest

    response = client.post(
        reverse("account_login"), {"login": referent_a.email.upper(), "password": "pas le bon"}
    )
    assert response.status_code == 200
    records = [r for r in security_records() if r.getMessage().startswith("login_failed")]
    assert len(records) == 1  # one event per attempt, not one per layer
    message = records[0].getMessage()
    assert f"account={account_digest(referent_a.email)}" in message
    assert "network=127.0.0.0/24" in message and "127.0.0.1" not in message
    assert "pas le bon" not in message
    _assert_names_no_one(security_records(), referent_a)


def test_a_failed_login_on_an_unknown_address_is_logged_too(client, security_records):
    from django.contrib.auth import authenticate

    assert authenticate(email="inconnu@exemple.fr", password="x") is None
    (record,) = security_records()
    assert record.getMessage().startswith("login_failed account=") and "inconnu" not in record.getMessage()


def test_another_territorys_page_is_a_404_logged_with_the_view_and_user_id(
    client, referent_a, territory_b, security_records
):
    client.force_login(referent_a)
    assert client.get(territory_b.get_absolute_url()).status_code == 404
    (record,) = security_records()
    assert record.levelname == "WARNING"
    assert record.getMessage() == (
        f"access_denied status=404 view=members:territory user={referent_a.pk} reason=territory:view"
    )
    _assert_names_no_one(security_records(), referent_a)


def test_a_403_is_logged_with_the_view_and_user_id(client, referent_a, security_records):
    client.force_login(referent_a)
    assert client.get(reverse("members:dashboard")).status_code == 403
    (record,) = security_records()
    assert record.getMessage() == (
        f"access_denied status=403 view=members:dashboard user={referent_a.pk} reason=permission_denied"
    )
    _assert_names_no_one(security_records(), referent_a)


def test_a_permitted_page_logs_nothing(client, referent_a, territory_a, security_records):
    client.force_login(referent_a)
    assert client.get(territory_a.get_absolute_url()).status_code == 200
    assert security_records() == []


def test_another_persons_registration_is_a_404_logged_without_their_data(
    client, referent_a, territory_b, security_records
):
    from .events.factories import ParticipantFactory, RegistrationFactory

    other = ParticipantFactory(
        registration=RegistrationFactory(territory=territory_b), email="autre@pays-b.fr"
    )
    client.force_login(referent_a)
    assert client.get(reverse("events:registration", kwargs={"pk": other.registration.pk})).status_code == 404
    [record] = security_records()
    message = record.getMessage()
    assert "status=404" in message and "view=events:registration" in message
    assert f"user={referent_a.pk}" in message and "registration_not_of_user" in message
    assert "autre@pays-b.fr" not in message and referent_a.email not in message
