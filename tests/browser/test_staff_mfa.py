"""A staff account without TOTP past the grace period is sent to the TOTP setup page from the admin
and from every staff page (finding 3 of issue 16), in a real browser after a real login."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from members.models import FicheRenseignements

from ..events.factories import EventFactory
from ..factories import PASSWORD, StaffFactory, TerritoryFactory
from ..members.fiche_factories import FicheCampaignFactory
from ..members.test_staff_permissions import staff_pages


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_staff_without_totp_past_the_grace_period_are_sent_to_the_totp_setup(
    browser, live_server, page, settings, transactional_db
):
    settings.ANPP_STAFF_MFA_REQUIRED = True
    settings.ANPP_STAFF_MFA_GRACE_DAYS = 7
    # « Équipe ANPP » as in production: past the grace period, one without TOTP, one still inside it.
    staff = StaffFactory(email="equipe@anpp.test", date_joined=timezone.now() - timedelta(days=30))
    newcomer = StaffFactory(email="nouvelle@anpp.test", date_joined=timezone.now() - timedelta(days=6))
    fiche = FicheRenseignements.objects.create(territory=TerritoryFactory(), campaign=FicheCampaignFactory())
    pages = staff_pages(EventFactory(), fiche.pk)

    page.goto("/comptes/login/")
    page.get_by_label(re.compile(r"^Courriel")).fill(staff.email)
    page.get_by_label(re.compile(r"^Mot de passe")).fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Connexion").click()
    page.wait_for_url(lambda url: "/comptes/login/" not in url)  # staff land on their home (or its TOTP gate)

    setup = reverse("mfa_activate_totp")
    for number, url in enumerate(pages):
        page.goto(url)
        page.wait_for_load_state()
        if number == 0:
            # allauth asks for the password once before showing the TOTP setup, then goes on to it.
            assert "/comptes/reauthenticate/?next=" + setup.replace("/", "%2F") in page.url, page.url
            page.get_by_label(re.compile(r"^Mot de passe")).fill(PASSWORD)
            page.locator("main").get_by_role("button").first.click()
            page.wait_for_load_state()
        assert page.url.endswith(setup), (url, page.url)
        # The setup page itself: a QR code and the field for the first code.
        assert page.locator("main").get_by_label(re.compile(r"code", re.IGNORECASE)).count() >= 1, url

    # Staff still inside the grace period reach the same pages without being sent to the setup.
    newcomer_side = browser.new_context(locale="fr-FR", base_url=live_server.url)
    other = newcomer_side.new_page()
    other.set_default_timeout(15_000)
    other.goto("/comptes/login/")
    other.get_by_label(re.compile(r"^Courriel")).fill(newcomer.email)
    other.get_by_label(re.compile(r"^Mot de passe")).fill(PASSWORD)
    other.locator("main").get_by_role("button", name="Connexion").click()
    other.wait_for_url(lambda url: "/comptes/login/" not in url)
    for url in (pages[0], pages[2], reverse("admin:members_adhesion_changelist")):
        response = other.goto(url)
        assert response.status == 200 and other.url.endswith(url), (url, other.url)
    newcomer_side.close()
