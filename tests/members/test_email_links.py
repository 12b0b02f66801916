"""Links in account emails point to SITE_URL, never to the host a request named (issue 23, finding 6)."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from ..factories import PASSWORD, UserFactory
from ..project import project_apps

pytestmark = pytest.mark.django_db

FORGED_HOST = "127.0.0.1:9999"
URL_RE = re.compile(r"https?://[^\s\"'<>]+")


def _links(message) -> list[str]:
    bodies = [message.body] + [content for content, _mimetype in getattr(message, "alternatives", [])]
    return [url for body in bodies for url in URL_RE.findall(body)]


def _assert_on_site(message):
    links = _links(message)
    assert links, "the email carries a link"
    assert all(url.startswith(settings.SITE_URL + "/") for url in links), links
    assert FORGED_HOST not in message.body


def test_password_reset_link_points_to_site_url_whatever_the_host_header(client, send_outbox):
    UserFactory(email="connu@pays.fr")
    response = client.post(
        reverse("account_reset_password"), {"email": "connu@pays.fr"}, HTTP_HOST=FORGED_HOST
    )
    assert response.status_code == 302
    (message,) = send_outbox()
    assert "/comptes/password/reset/key/" in message.body
    _assert_on_site(message)


def test_unknown_account_email_links_point_to_site_url(client, send_outbox):
    client.post(reverse("account_reset_password"), {"email": "inconnu@pays.fr"}, HTTP_HOST=FORGED_HOST)
    (message,) = send_outbox()
    _assert_on_site(message)


def test_address_confirmation_link_points_to_site_url(client, send_outbox):
    client.post(
        reverse("account_signup"),
        {
            "first_name": "Claire",
            "last_name": "Exemple",
            "email": "nouvelle@pays.fr",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
        HTTP_HOST=FORGED_HOST,
    )
    (message,) = send_outbox()
    assert "/comptes/confirm-email/" in message.body
    _assert_on_site(message)


def test_no_email_template_or_project_code_builds_a_link_from_the_request():
    """The rule's other half, kept by walking the source: email templates take their links from
    ``site_url`` (SITE_URL), and no project code asks the request for an absolute address."""
    from pathlib import Path

    root = Path(settings.BASE_DIR)
    templates = [p for p in (root / "templates").rglob("*") if p.is_file() and "email" in p.parts]
    assert templates
    offending = [
        str(path.relative_to(root))
        for path in templates
        if re.search(r"request\.|get_host|build_absolute_uri", path.read_text(encoding="utf-8"))
    ]
    apps = project_apps()
    offending += [
        str(path.relative_to(root))
        for app in apps
        for path in (root / app).rglob("*.py")
        if "build_absolute_uri(" in path.read_text(encoding="utf-8")
    ]
    assert offending == []
