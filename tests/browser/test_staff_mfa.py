"""A staff account without TOTP past the grace period is sent to the TOTP setup page from the admin
and from every staff page (finding 3 of issue 16), in a real browser after a real login."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from members.models import FicheRenseignements

from ..events.factories import EventFactory
from ..factories import PASSWORD, TerritoryFactory, UserFactory
from ..members.fiche_factories import FicheCampaignFactory
from ..members.test_staff_permissions import staff_pages


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_staff_without_totp_past_the_grace_period_are_sent_to_the_totp_setup(
    page, settings, transactional_db
):
    settings.ANPP_STAFF_MFA_REQUIRED = True
    settings.ANPP_STAFF_MFA_GRACE_DAYS = 7
    staff = UserFactory(
        email="equipe@anpp.test",
        is_staff=True,
        is_superuser=True,
        date_joined=timezone.now() - timedelta(days=30),
    )
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
