"""Issue 27, point 7, in a real browser: after posting a form of the portal, Back shows a page of the
portal, never Chromium's "ERR_CACHE_MISS" (Confirm Form Resubmission) page.

Logged-in pages are sent ``Cache-Control: no-store`` (personal data: no cache keeps them), so
Chromium cannot show again from its cache a page that answered a POST, and does not post again on
its own: every page a person can go Back to has to be a GET the browser can fetch again. These tests
press Back where a person would: after registering a delegation, after a refused registration,
after a refused then corrected adhésion and fiche section."""

import datetime
import re

import pytest
from django.utils import timezone

from events.models import Participant
from members.models import Adhesion, FicheRenseignements, Role

from ..events.factories import EventFactory
from ..factories import MembershipFactory, TerritoryFactory
from ..members.adhesion_factories import CampaignFactory
from ..members.fiche_factories import FicheCampaignFactory
from .test_adhesion import log_in


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _back(page, heading: str):
    """Press Back and check that the page shown is a page of the portal whose main heading holds
    ``heading`` (a pattern), not Chromium's error page."""
    url_before = page.url
    try:
        page.go_back()
    except Exception as exc:  # Playwright raises on net::ERR_CACHE_MISS: say what it is
        pytest.fail(f"Back from {url_before} failed in the browser: {exc}")
    page.wait_for_load_state()
    content = page.content()
    assert "ERR_CACHE_MISS" not in content, f"Back from {url_before} shows Chromium's error page"
    assert "Confirmer le nouvel envoi du formulaire" not in content  # the same page, in French
    main_heading = page.locator("main h1")
    assert main_heading.count() == 1, f"no portal heading after Back from {url_before} (at {page.url})"
    assert re.search(heading, main_heading.inner_text()), main_heading.inner_text()


def _fill_participant(page, index, first, last, email):
    row = page.locator("fieldset.participant").nth(index)
    row.get_by_label("Prénom").fill(first)
    row.get_by_label("Nom", exact=True).fill(last)
    row.get_by_label("Adresse email").fill(email)
    row.get_by_label("Fonction").select_option(label="Technicien·ne")
    for checkbox in row.get_by_role("group", name="Journées").get_by_role("checkbox").all():
        checkbox.check()


@pytest.fixture
def referent_at_registration(page, live_server, transactional_db):
    territory = TerritoryFactory(name="PETR Pays Portes de Gascogne", slug="portes-de-gascogne")
    referent = MembershipFactory(territory=territory, role=Role.REFERENT).user
    EventFactory(title="RTPP 2026 Fleurance", slug="rtpp-2026", capacity=10)
    log_in(page, referent.email)
    page.goto("/evenements/")
    page.get_by_role("link", name="RTPP 2026 Fleurance").click()
    page.get_by_role("link", name="S'inscrire").click()
    page.wait_for_url(re.compile(r"/rtpp-2026/inscription/$"))
    page.get_by_label("Inscrire au titre de").select_option(label="PETR Pays Portes de Gascogne")
    return page


def test_back_after_registering_a_delegation_shows_the_form_again_not_err_cache_miss(
    referent_at_registration,
):
    page = referent_at_registration
    _fill_participant(page, 0, "Anne", "Rivière", "anne.riviere@gascogne.fr")
    page.get_by_role("button", name="Ajouter un participant").click()  # a POST too (no JavaScript needed)
    page.wait_for_selector("fieldset.participant >> nth=1")
    _fill_participant(page, 1, "Paul", "Fabre", "paul.fabre@gascogne.fr")
    page.get_by_role("button", name="Valider l'inscription").click()
    page.wait_for_url(re.compile(r"/evenements/mes-inscriptions/\d+/$"))
    assert "Inscription enregistrée pour 2 personne(s)" in page.inner_text("main")
    assert Participant.objects.filter(status="confirmed").count() == 2

    # Back, and Back again, to the event's page: each step is a page of the portal.
    _back(page, r"^S'inscrire : RTPP 2026 Fleurance")
    for _ in range(6):  # each step Back, until the page before the form
        if "/inscription/" not in page.url:
            break
        _back(page, r"RTPP 2026 Fleurance")
    assert page.locator("main h1").inner_text() == "RTPP 2026 Fleurance"
    # And Forward to the confirmation again.
    page.go_forward()
    assert "ERR_CACHE_MISS" not in page.content()


def test_back_after_a_refused_then_corrected_registration_shows_pages_of_the_portal(
    referent_at_registration,
):
    page = referent_at_registration
    _fill_participant(page, 0, "Anne", "Rivière", "pas-une-adresse")
    page.get_by_role("button", name="Valider l'inscription").click()
    page.wait_for_selector(".errorlist")
    # The bad input is shown again, with its error.
    assert page.locator("fieldset.participant").first.get_by_label("Adresse email").input_value() == (
        "pas-une-adresse"
    )
    assert not Participant.objects.exists()

    # Back from the refused form itself, then Forward to it again.
    _back(page, r"RTPP 2026 Fleurance")
    page.go_forward()
    page.wait_for_load_state()
    assert "ERR_CACHE_MISS" not in page.content()
    assert page.locator("main h1").inner_text().startswith("S'inscrire : RTPP 2026 Fleurance")

    # Corrected, registered; Back from the confirmation.
    page.locator("fieldset.participant").first.get_by_label("Adresse email").fill("anne.riviere@gascogne.fr")
    page.get_by_role("button", name="Valider l'inscription").click()
    page.wait_for_url(re.compile(r"/evenements/mes-inscriptions/\d+/$"))
    assert Participant.objects.filter(email="anne.riviere@gascogne.fr").exists()
    _back(page, r"^S'inscrire : RTPP 2026 Fleurance")
    for _ in range(6):  # each step Back, until the page before the form
        if "/inscription/" not in page.url:
            break
        _back(page, r"RTPP 2026 Fleurance")


def test_back_after_a_refused_then_corrected_adhesion_shows_pages_of_the_portal(
    page, live_server, transactional_db
):
    today = timezone.localdate()
    territory = TerritoryFactory(name="PETR du Pays Ruffécois", slug="pays-ruffecois", population=37533)
    referent = MembershipFactory(territory=territory, role=Role.REFERENT).user
    CampaignFactory(
        year=today.year,
        opens_on=today - datetime.timedelta(days=5),
        closes_on=today + datetime.timedelta(days=60),
    )
    log_in(page, referent.email)
    page.goto("/territoire/pays-ruffecois/")
    page.get_by_role("link", name=f"Remplir l'adhésion {today.year}").click()
    page.get_by_label(re.compile(r"^Signataire")).fill("Jean Dupont")
    page.get_by_label(re.compile(r"^Email du contact facturation")).fill("pas-une-adresse")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    page.wait_for_selector(".errorlist")
    assert "pas-une-adresse" in page.content()  # the bad input is shown again, with its error

    # Corrected and saved: Back goes through the refused form to the territory's page.
    page.get_by_label(re.compile(r"^Email du contact facturation")).fill("compta@ruffecois.fr")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    page.wait_for_selector("text=Brouillon enregistré.")
    assert Adhesion.objects.get(territory=territory).billing_contact_email == "compta@ruffecois.fr"
    _back(page, rf"Adhésion {today.year}")
    for _ in range(6):  # each step Back, until the page before the form
        if "/adhesion/" not in page.url:
            break
        _back(page, r"Ruffécois|Adhésion")
    assert "/territoire/pays-ruffecois/" in page.url


def test_back_after_a_refused_then_corrected_fiche_section_shows_pages_of_the_portal(
    page, live_server, transactional_db
):
    today = timezone.localdate()
    territory = TerritoryFactory(name="PETR du Pays Ruffécois", slug="pays-ruffecois")
    referent = MembershipFactory(territory=territory, role=Role.REFERENT).user
    FicheCampaignFactory(
        year=today.year,
        opens_on=today - datetime.timedelta(days=2),
        closes_on=today + datetime.timedelta(days=60),
    )
    log_in(page, referent.email)
    page.goto("/territoire/pays-ruffecois/")
    page.get_by_role("link", name=f"Ouvrir la fiche {today.year}").click()
    page.wait_for_url(re.compile(r"/fiche/\d+/identite/$"))
    page.get_by_label(re.compile("^Email de contact")).fill("pas-une-adresse")
    page.get_by_role("button", name="Enregistrer et continuer").click()
    page.wait_for_selector(".errorlist")
    assert page.get_by_label(re.compile("^Email de contact")).input_value() == "pas-une-adresse"

    page.get_by_label(re.compile("^Email de contact")).fill("contact@ruffecois.fr")
    page.get_by_role("button", name="Enregistrer et continuer").click()
    page.wait_for_url(re.compile(r"/perimetre/$"))
    fiche = FicheRenseignements.objects.get(territory=territory)
    assert fiche.answers["email_contact"] == "contact@ruffecois.fr"
    _back(page, rf"Fiche de renseignements {today.year}")
    for _ in range(6):  # each step Back, until the page before the form
        if "/fiche/" not in page.url:
            break
        _back(page, r"Ruffécois|Fiche")
    assert "/territoire/pays-ruffecois/" in page.url
