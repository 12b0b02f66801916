"""The adhésion cycle in a real browser, as a territory référent and as ANPP staff."""

import datetime
import io
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from members import services
from members.models import Adhesion, Role

from ..factories import PASSWORD, MembershipFactory, StaffFactory, TerritoryFactory, ViewOnlyStaffFactory
from ..members.adhesion_factories import CampaignFactory


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def log_in(page, email):
    page.goto("/comptes/login/")
    page.get_by_label(re.compile(r"^Courriel")).fill(email)
    page.get_by_label(re.compile(r"^Mot de passe")).fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Connexion").click()
    page.wait_for_url(re.compile(r"/(territoire|equipe)/"))


def download_text(page, link_name) -> str:
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile(link_name)).click()
    with open(download.value.path(), "rb") as file:
        data = file.read()
    assert data.startswith(b"%PDF")
    # Words only: the PDF's line breaks and non-breaking spaces do not matter here.
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())


def test_fill_submit_validate_call_payment_attestation(browser, live_server, transactional_db):
    today = timezone.localdate()
    territory = TerritoryFactory(name="PETR du Pays Ruffécois", slug="pays-ruffecois", population=37533)
    referent = MembershipFactory(territory=territory, role=Role.REFERENT).user
    staff = StaffFactory()  # « Équipe ANPP », as in production
    reader = ViewOnlyStaffFactory()  # staff who may read the adhésions, not validate or cash them
    # Last year's adhésion, from which this year's is pre-filled.
    last_year = CampaignFactory(year=today.year - 1)
    previous = services.adhesion_open(
        territory=territory, campaign=last_year, by=referent, today=last_year.opens_on
    )
    services.adhesion_save(
        adhesion=previous,
        data={
            "signatory_name": "Jean Dupont",
            "signatory_role": "Président",
            "chorus_service_code": "SERVICE-FACT",
            "billing_contact_email": "compta@ruffecois.fr",
        },
        by=referent,
    )
    CampaignFactory(
        year=today.year,
        opens_on=today - datetime.timedelta(days=5),
        closes_on=today + datetime.timedelta(days=60),
    )

    territory_side = browser.new_context(locale="fr-FR", base_url=live_server.url, accept_downloads=True)
    page = territory_side.new_page()
    page.set_default_timeout(20_000)
    log_in(page, referent.email)
    page.goto("/territoire/pays-ruffecois/")
    page.get_by_role("link", name=f"Remplir l'adhésion {today.year}").click()
    # Pre-filled from last year, with the cotisation and its basis shown before submission.
    assert page.get_by_label(re.compile(r"^Signataire")).input_value() == "Jean Dupont"
    assert page.get_by_label(re.compile(r"^Code service Chorus Pro")).input_value() == "SERVICE-FACT"
    assert "1 877 €" in page.inner_text("main").replace("\u00a0", " ").replace("\u202f", " ")
    page.get_by_label(re.compile(r"^Adresse de facturation")).fill(
        "PETR du Pays Ruffécois\n8 rue du Docteur Emile Roux\n16700 Ruffec"
    )
    page.get_by_role("button", name="Vérifier et soumettre l'adhésion").click()
    page.get_by_role("button", name=f"Confirmer et soumettre l'adhésion {today.year}").click()
    page.wait_for_selector("text=soumise à l'ANPP")

    # Staff who may only read see the submitted adhésion, without the action that validates it.
    reader_side = browser.new_context(locale="fr-FR", base_url=live_server.url)
    reader_page = reader_side.new_page()
    reader_page.set_default_timeout(20_000)
    log_in(reader_page, reader.email)
    reader_page.goto("/admin/members/adhesion/?status__exact=soumise")
    assert reader_page.locator("#result_list").get_by_text("PETR du Pays Ruffécois").is_visible()
    assert reader_page.locator("select[name=action] option[value=validate]").count() == 0

    staff_side = browser.new_context(locale="fr-FR", base_url=live_server.url)
    admin = staff_side.new_page()
    admin.set_default_timeout(20_000)
    log_in(admin, staff.email)
    admin.goto("/admin/members/adhesion/?status__exact=soumise")
    admin.locator("input.action-select").first.check()
    admin.select_option("select[name=action]", "validate")
    admin.get_by_role("button", name=re.compile("Envoyer|Go")).click()
    admin.wait_for_selector("text=appels émis")
    adhesion = Adhesion.objects.get(territory=territory, campaign__year=today.year)
    assert adhesion.status == Adhesion.Status.APPEL_EMIS

    page.reload()
    call = download_text(page, "Télécharger l'appel de cotisation")
    assert f"{today.year}-0001" in call and "1 877,00 €" in call and "SERVICE-FACT" in call

    # The adhésion's admin page leads to its appel's page, where billing records the payment.
    admin.goto(f"/admin/members/adhesion/{adhesion.pk}/change/")
    admin.get_by_role("link", name="Enregistrer un paiement sur l'appel").click()
    appel_page = admin.url
    # The reader sees the appel's page and its balance, but no form to record a payment; one sent
    # anyway (with the page's own CSRF token) is refused.
    reader_page.goto(appel_page)
    expect(reader_page.get_by_text("Reste dû")).to_be_visible()
    assert reader_page.locator("#id_paid_on").count() == 0
    assert reader_page.get_by_role("button", name="Enregistrer le paiement").count() == 0
    token = next(c["value"] for c in reader_side.cookies() if c["name"] == "csrftoken")
    refused = reader_page.request.post(
        appel_page.rstrip("/") + "/paiement/",
        form={
            "paid_on": today.isoformat(),
            "amount": "1877",
            "method": "mandat",
            "csrfmiddlewaretoken": token,
        },
        headers={"Referer": appel_page, "X-CSRFToken": token},
    )
    assert refused.status == 403 and "Accès refusé" in refused.text()
    adhesion.refresh_from_db()
    assert adhesion.status == Adhesion.Status.APPEL_EMIS and not adhesion.invoices.get().payments.exists()
    reader_side.close()

    admin.fill("#id_paid_on", today.isoformat())
    admin.fill("#id_amount", "1877")
    admin.select_option("#id_method", "mandat")
    admin.fill("#id_reference", "Mandat 117")
    admin.get_by_role("button", name="Enregistrer le paiement").click()
    admin.wait_for_url(appel_page)
    adhesion.refresh_from_db()
    assert adhesion.status == Adhesion.Status.PAYEE

    page.reload()
    attestation = download_text(page, "Télécharger l'attestation")
    assert f"Attestation d'adhésion {today.year}" in attestation and "PETR du Pays Ruffécois" in attestation
    territory_side.close()
    staff_side.close()
