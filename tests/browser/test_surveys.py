"""An enquête in a real browser: staff (of « Équipe ANPP », with TOTP) create in the admin, from a
copy of last year's, an enquête of two sections asked of the territories of one région, and open it; a référent of that région answers it on a phone,
leaves, comes back to the draft and submits; a référent of another région gets a 404; staff see
« 1 sur N », the charts of the results and the export with the answer in its column."""

import csv
import datetime
import io
import pathlib
import re

import openpyxl
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.utils import timezone

from members import services
from members.models import Role, Survey, SurveyResponse
from members.services.questionnaire import questionnaire_from_definition

from ..factories import PASSWORD, MembershipFactory, StaffFactory, TerritoryFactory
from ..members.adhesion_factories import make_member
from ..members.survey_factories import TWO_SECTIONS
from .test_adhesion import log_in

SCREENSHOTS = "var/screenshots"
PHONE = {"width": 320, "height": 640}
DESKTOP = {"width": 1280, "height": 900}


def label(text):
    return re.compile("^" + re.escape(text))


def staff_log_in(page, staff, secret):
    page.goto("/comptes/login/")
    page.get_by_label(re.compile(r"^Courriel")).fill(staff.email)
    page.get_by_label(re.compile(r"^Mot de passe")).fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Connexion").click()
    page.wait_for_url(re.compile(r"/2fa/|/authenticate/"))
    code = format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))
    page.locator("input[name=code]").fill(code)
    page.locator("main").get_by_role("button").first.click()
    page.wait_for_url(re.compile(r"/equipe/"))


def test_staff_open_a_survey_of_one_region_a_referent_answers_it_on_a_phone_others_get_a_404(
    browser, live_server, transactional_db
):
    today = timezone.localdate()
    asked = [
        TerritoryFactory(name="PETR du Pays Ruffécois", slug="pays-ruffecois", region="75"),
        TerritoryFactory(name="PETR du Pays Mellois", slug="pays-mellois", region="75"),
    ]
    other = TerritoryFactory(name="PETR du Pays Lauragais", slug="pays-lauragais", region="76")
    for territory in (*asked, other):
        make_member(territory)
    referent = MembershipFactory(territory=asked[0], role=Role.REFERENT).user
    MembershipFactory(territory=asked[1], role=Role.REFERENT)
    other_referent = MembershipFactory(territory=other, role=Role.REFERENT).user
    staff = StaffFactory(email="equipe@anpp.test")
    secret = generate_totp_secret()
    TOTP.activate(staff, secret)
    # Last year's enquête (fictitious), closed: this year's starts from a copy of its two sections.
    earlier = services.survey_create(
        by=staff,
        title="Enquête fictive de l'an dernier",
        opens_on=today - datetime.timedelta(days=400),
        closes_on=today - datetime.timedelta(days=350),
        regions=["75"],
    )
    questionnaire_from_definition(campaign=earlier, definition=TWO_SECTIONS)

    team = browser.new_context(locale="fr-FR", base_url=live_server.url, viewport=DESKTOP)
    staff_page = team.new_page()
    staff_page.set_default_timeout(15_000)
    staff_log_in(staff_page, staff, secret)
    # Staff create it in the admin: a copy of last year's, for the territories of one région.
    staff_page.goto("/admin/members/survey/add/")
    staff_page.locator("#id_start_from").select_option(label="Copie de « Enquête fictive de l'an dernier »")
    staff_page.locator("#id_title").fill("Enquête fictive sur les contrats de ruralité")
    staff_page.locator("#id_intro_text").fill("Une enquête de démonstration, fictive.")
    staff_page.locator("#id_opens_on").fill((today + datetime.timedelta(days=7)).strftime("%d/%m/%Y"))
    staff_page.locator("#id_closes_on").fill((today + datetime.timedelta(days=45)).strftime("%d/%m/%Y"))
    staff_page.locator("#id_regions input[value='75']").check()
    staff_page.screenshot(path=f"{SCREENSHOTS}/survey-admin-add-1280.png", full_page=True)
    staff_page.locator("input[name=_save]").click()
    staff_page.wait_for_url(re.compile(r"/admin/members/survey/(\d+/change/)?$"))
    survey = Survey.objects.get(title="Enquête fictive sur les contrats de ruralité")
    assert survey.regions == ["75"] and [s.slug for s in survey.sections.all()] == ["contrats", "codev"]

    # Staff open it from its page.
    staff_page.goto(f"/tableau-de-bord/enquetes/{survey.pk}/")
    assert "0 sur 2 territoires ont répondu" in staff_page.inner_text("main")
    staff_page.get_by_role("button", name="Ouvrir l'enquête aux réponses maintenant").click()
    staff_page.wait_for_selector("text=Enquête ouverte")
    survey.refresh_from_db()
    assert survey.opens_on == today

    # A référent of the région answers on a phone.
    phone = browser.new_context(locale="fr-FR", base_url=live_server.url, viewport=PHONE)
    page = phone.new_page()
    page.set_default_timeout(15_000)
    log_in(page, referent.email)
    page.goto("/territoire/pays-ruffecois/")
    assert "jusqu'au" in page.inner_text("main")
    page.get_by_role("link", name="Enquête fictive sur les contrats de ruralité").click()
    page.wait_for_url(re.compile(r"/enquete/\d+/contrats/$"))
    page.get_by_label(label("Votre territoire a-t-il signé un CRTE")).select_option("oui")
    page.get_by_label(label("Montant engagé")).fill("12 500,50")
    page.screenshot(path=f"{SCREENSHOTS}/survey-section-320.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.get_by_role("button", name="Enregistrer et continuer").click()
    page.wait_for_url(re.compile(r"/codev/$"))
    page.get_by_label(label("Nombre de membres du conseil")).fill("35")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    page.wait_for_selector("text=Section « Conseil de développement » enregistrée")

    # Leaves, comes back: the draft is there.
    page.goto("/")
    page.goto("/territoire/pays-ruffecois/")
    assert "réponse en cours" in page.inner_text("main")
    page.get_by_role("link", name="Enquête fictive sur les contrats de ruralité").click()
    page.wait_for_url(re.compile(r"/enquete/\d+/\w+/$"))
    page.get_by_role("link", name="Conseil de développement").click()
    assert page.get_by_label(label("Nombre de membres du conseil")).input_value() == "35"
    page.get_by_role("link", name="Vérifier et soumettre").click()
    assert "Toutes les réponses obligatoires sont données" in page.inner_text("main")
    page.screenshot(path=f"{SCREENSHOTS}/survey-submit-320.png", full_page=True)
    page.get_by_role("button", name="Confirmer et soumettre la réponse à l'ANPP").click()
    page.wait_for_selector("text=Réponse soumise")
    answer = SurveyResponse.objects.get(campaign=survey)
    assert answer.territory == asked[0] and answer.status == SurveyResponse.Status.SOUMISE
    assert answer.answers["crte_montant"] == "12500.50" and answer.answers["codev_membres"] == 35

    # A référent of another région never sees it.
    elsewhere = browser.new_context(locale="fr-FR", base_url=live_server.url, viewport=PHONE)
    other_page = elsewhere.new_page()
    log_in(other_page, other_referent.email)
    assert "Enquête fictive" not in other_page.inner_text("main")
    for url in (
        f"/territoire/pays-lauragais/enquete/{survey.pk}/",
        f"/territoire/pays-ruffecois/enquete/{survey.pk}/",
    ):
        assert other_page.goto(url).status == 404

    # Staff see one answer out of two.
    staff_page.goto(f"/tableau-de-bord/enquetes/{survey.pk}/")
    assert "1 sur 2 territoires ont répondu" in staff_page.inner_text("main")
    staff_page.screenshot(path=f"{SCREENSHOTS}/survey-staff-1280.png", full_page=True)
    staff_page.set_viewport_size(PHONE)
    staff_page.screenshot(path=f"{SCREENSHOTS}/survey-staff-320.png", full_page=True)

    # Their results: one answer of two, a chart of the yes/no question, its answer in the exports.
    staff_page.set_viewport_size(DESKTOP)
    staff_page.get_by_role("link", name="Résultats, graphiques et exports").click()
    staff_page.wait_for_url(re.compile(r"/resultats/$"))
    results = staff_page.inner_text("main")
    assert "1 sur 2" in results and "12 500,50 €" in results.replace("\u202f", " ").replace("\u00a0", " ")
    assert staff_page.locator("main svg.chart").count() >= 1
    staff_page.screenshot(path=f"{SCREENSHOTS}/survey-results-1280.png", full_page=True)
    with staff_page.expect_download() as download:
        staff_page.get_by_role("link", name="Télécharger (Excel)").click()
    sheet = openpyxl.load_workbook(io.BytesIO(pathlib.Path(download.value.path()).read_bytes()))["Réponses"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    by_name = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert float(by_name["PETR du Pays Ruffécois"]["crte_montant"]) == 12500.5
    assert by_name["PETR du Pays Ruffécois"]["codev_membres"] == 35
    assert by_name["PETR du Pays Mellois"]["crte_montant"] is None  # not answered
    assert "PETR du Pays Lauragais" not in by_name  # not asked
    with staff_page.expect_download() as download:
        staff_page.get_by_role("link", name="Télécharger (CSV)").click()
    text = pathlib.Path(download.value.path()).read_text(encoding="utf-8-sig")
    table = list(csv.reader(io.StringIO(text), delimiter=";"))
    answered = next(row for row in table if row[0] == "PETR du Pays Ruffécois")
    assert answered[table[0].index("crte_montant")] == "12500,50"
    page.set_viewport_size(DESKTOP)
    page.goto(f"/territoire/pays-ruffecois/enquete/{survey.pk}/contrats/")
    page.screenshot(path=f"{SCREENSHOTS}/survey-section-1280.png", full_page=True)
    for context in (team, phone, elsewhere):
        context.close()
