"""Every page of the access matrix, as the role that sees it, fits a 320 px phone and a 1280 px screen
without scrolling sideways (wide tables scroll inside their own box or become cards)."""

import re
from decimal import Decimal

import pytest
from django.utils import timezone

from billing.models import InvoicePayment, PaymentMethod

from ..access_matrix import MATRIX, ROLES
from ..factories import PASSWORD, InvitationFactory
from ..members.adhesion_factories import appel_for
from ..test_access_matrix import _url, _world

VIEWPORTS = [{"width": 320, "height": 640}, {"width": 1280, "height": 800}]
# Who looks at a page: the first logged-in role that gets it (a référent sees most, staff the staff
# pages), and an anonymous visitor too when the page is public (its header and content differ).
PREFERENCE = ("referent_a", "person_a", "staff", "person_b")


def _sees(outcome) -> bool:
    return outcome.status == 200 and outcome.content_type in ("", "text/html")


def html_pages():
    """(role, request) for each GET row of the matrix whose page a role gets as HTML (200)."""
    pages = []
    for entry in MATRIX:
        if entry.request.method != "get":
            continue
        role = next((r for r in PREFERENCE if _sees(entry.expected[r])), None)
        if role:
            pages.append((role, entry.request))
        if _sees(entry.expected["anonymous"]):
            pages.append(("anonymous", entry.request))
    return pages


@pytest.fixture
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.usefixtures("_media_in_tmp")
def test_every_page_fits_320_and_1280_pixels_without_scrolling_sideways(
    browser, live_server, transactional_db, monkeypatch
):
    monkeypatch.setattr("anpp_portal.health.broker_status", lambda: "ok")
    objects, users = _world()
    # What makes a territory's page wide: its payments table and long addresses.
    adhesion = objects["territory"].adhesions.order_by("-campaign__year").first()
    if not adhesion.call_number:  # a member's adhésion made without the services: called, as it would be
        adhesion.call_number = f"{adhesion.campaign.year}-0999"
        adhesion.save(update_fields=["call_number"])
    InvoicePayment.objects.create(
        invoice=appel_for(adhesion),
        paid_on=timezone.localdate(),
        amount=Decimal("1234.50"),
        method=PaymentMethod.MANDAT,
    )
    InvitationFactory(
        territory=objects["territory"],
        email="une.adresse.vraiment.tres.longue.de.collegue@pays-exemple-fictif.fr",
    )
    pages = html_pages()
    assert len(pages) >= 40
    assert {role for role, _request in pages} >= {"referent_a", "staff", "anonymous"}
    contexts = {}
    # Only the roles that look at a page log in (the matrix has more, e.g. staff with TOTP overdue).
    for role in [role for role in ROLES if role == "anonymous" or role in PREFERENCE]:
        context = browser.new_context(locale="fr-FR", base_url=live_server.url)
        page = context.new_page()
        page.set_default_timeout(20_000)
        if role != "anonymous":
            page.goto("/comptes/login/")
            page.get_by_label(re.compile(r"^Courriel")).fill(users[role].email)
            page.get_by_label(re.compile(r"^Mot de passe")).fill(PASSWORD)
            page.locator("main").get_by_role("button", name="Connexion").click()
            page.wait_for_load_state()
            assert "/comptes/login/" not in page.url, f"{role} could not log in"
        contexts[role] = (context, page)

    overflowing, visited = [], 0
    for viewport in VIEWPORTS:
        for role, request in pages:
            _context, page = contexts[role]
            page.set_viewport_size(viewport)
            url = _url(request, objects)
            response = page.goto(url)
            assert response.status == 200, f"{url} as {role}: {response.status}"
            visited += 1
            widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            if widths[0] > widths[1]:
                wide = page.evaluate(
                    """() => [...document.querySelectorAll('body *')]
                        .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
                        .filter(e => !e.closest('.table-scroll'))
                        .slice(0, 3).map(e => e.tagName + '.' + e.className)"""
                )
                overflowing.append(
                    f"{viewport['width']} px {url} as {role}: {widths[0]} > {widths[1]} {wide}"
                )
    # The measure is not blind: a page made wider than the screen is seen as such.
    _context, page = contexts["anonymous"]
    page.set_viewport_size(VIEWPORTS[0])
    page.goto("/")
    # (Through the CSSOM: the portal's Content-Security-Policy ignores inline style attributes.)
    page.evaluate(
        "() => { const wide = document.createElement('div'); wide.style.width = '400px'; wide.textContent = 'x';"
        " document.querySelector('main').append(wide); }"
    )
    assert page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    for context, _page in contexts.values():
        context.close()
    assert visited == 2 * len(pages)
    assert not overflowing, "\n".join(overflowing)


def test_the_page_list_covers_the_pages_this_issue_added():
    names = {request.url for _role, request in html_pages()}
    assert {"events:registration", "events:participant_cancel", "members:fiche_section"} <= names
    assert {
        "members:join",
        "members:join_request",
        "members:territory",
        "members:pending_invitations",
    } <= names
