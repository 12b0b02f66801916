import pytest
from django.db import OperationalError
from django.test import override_settings
from django.urls import reverse

from anpp_portal.celery import app as celery_app

pytestmark = pytest.mark.django_db


def test_the_home_page_presents_the_three_spaces_in_french(client):
    response = client.get("/")
    assert response.status_code == 200
    content = response.content.decode()
    for space in ("Adhésion", "Événements", "Publications"):
        assert space in content
    assert 'href="#contenu"' in content and 'id="contenu"' in content
    assert "<main" in content and "<header" in content and "<footer" in content and "<nav" in content


def test_english_is_available_through_the_language_switch(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    content = response.content.decode()
    assert '<html lang="en">' in content
    assert "Skip to content" in content and "Membership" in content


def test_health_reports_database_and_broker(client):
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


def test_health_is_503_when_the_broker_is_unreachable(client, monkeypatch):
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")
    response = client.get(reverse("health"))
    assert response.status_code == 503
    assert response.json()["broker"] == "error" and response.json()["database"] == "ok"


def test_health_is_503_when_the_database_is_unreachable(client, monkeypatch):
    from anpp_portal import health

    def broken_cursor(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(health.connection, "cursor", broken_cursor)
    response = client.get(reverse("health"))
    assert response.status_code == 503 and response.json()["database"] == "error"


def test_unknown_pages_get_the_friendly_404(client):
    response = client.get("/nulle-part/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


@override_settings(DEBUG=False)
def test_a_lost_database_during_a_request_is_a_clean_503_without_traceback(client, monkeypatch):
    from anpp_portal import views

    def failing_home(request):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(views, "render", lambda *a, **k: failing_home(None))
    response = client.get("/")
    assert response.status_code == 503
    content = response.content.decode()
    assert "Service momentanément indisponible" in content and "Traceback" not in content


def test_the_500_page_renders_without_context(client):
    from anpp_portal.views import server_error

    response = server_error(None)
    assert response.status_code == 500 and "Erreur du serveur" in response.content.decode()


def test_pages_load_no_asset_from_another_site(client):
    import re

    content = client.get("/").content.decode()
    assert not re.search(r'(?:src|href)="(?:https?:)?//', content)


def test_french_comes_first_whatever_the_browser_language(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="fr">' in response.content.decode()
    assert response["Content-Language"] == "fr"


def test_the_accessibility_statement_is_linked_from_every_page(client):
    assert reverse("accessibility") in client.get("/").content.decode()
    page = client.get(reverse("accessibility"))
    assert page.status_code == 200 and "RGAA" in page.content.decode()
