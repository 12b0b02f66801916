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
