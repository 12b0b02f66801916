"""The fiche de renseignements in a real browser: fill part, leave, come back, complete, submit."""

import datetime
import re

from django.utils import timezone

from members.models import FicheRenseignements, Role

from ..factories import MembershipFactory, TerritoryFactory
from ..members.fiche_factories import FicheCampaignFactory
from .test_adhesion import log_in


def label(text):
    return re.compile("^" + re.escape(text))


def test_fill_part_leave_come_back_complete_submit_and_next_year_is_prefilled(
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
    assert page.get_by_label(label("Nom de la structure")).input_value() == "PETR du Pays Ruffécois"
    page.get_by_label(label("Email de contact")).fill("contact@ruffecois.fr")
    page.get_by_role("button", name="Enregistrer et continuer").click()
    page.wait_for_url(re.compile(r"/perimetre/$"))
    page.get_by_role("link", name="Gouvernance").click()
    page.get_by_label(label("Président(e)")).fill("Jean Dupont")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    page.wait_for_selector("text=Section « Gouvernance » enregistrée")

    # Leave, and come back later: the draft is restored.
    page.goto("/")
    page.goto(f"/territoire/pays-ruffecois/fiche/{today.year}/gouvernance/")
    assert page.get_by_label(label("Président(e)")).input_value() == "Jean Dupont"
    page.get_by_label(label("Un conseil de développement existe-t-il")).select_option("oui")
    page.get_by_label(label("Nombre de membres de l'assemblée")).fill("42")
    page.get_by_role("button", name="Enregistrer et continuer").click()
    page.wait_for_url(re.compile(r"/equipe/$"))
    page.get_by_label(label("Directeur / directrice")).fill("Claire Martin")
    page.get_by_label(label("Équipe (équivalents temps plein)")).fill("4,5")
    page.get_by_role("button", name="Enregistrer et continuer").click()
    page.wait_for_url(re.compile(r"/budget/$"))
    page.get_by_label(label("Budget de fonctionnement")).fill("450000")
    page.get_by_role("button", name="Enregistrer et continuer").click()
    page.wait_for_url(re.compile(r"/contractualisation/$"))
    for select in page.locator("select[name$='_porte']").all():
        select.select_option("non")
    page.get_by_label(label("LEADER : porté par le territoire")).select_option("oui")
    page.get_by_role("button", name="Enregistrer et continuer").click()
    page.wait_for_url(re.compile(r"/projets/$"))
    page.get_by_role("textbox", name=label("Projets phares")).fill("Mutuelle de Pays")
    page.get_by_role("button", name="Enregistrer et continuer").click()
    page.wait_for_url(re.compile(r"/soumettre/$"))
    assert "Toutes les réponses obligatoires sont données" in page.inner_text("main")
    page.get_by_role("button", name="Confirmer et soumettre la fiche à l'ANPP").click()
    page.wait_for_selector("text=Fiche soumise")
    fiche = FicheRenseignements.objects.get(territory=territory)
    assert fiche.status == FicheRenseignements.Status.SOUMISE
    assert fiche.answers["leader_porte"] == "oui" and fiche.answers["etp"] == "4.5"

    # The next year's fiche opens pre-filled from this one.
    FicheCampaignFactory(
        year=today.year + 1,
        opens_on=today - datetime.timedelta(days=1),
        closes_on=today + datetime.timedelta(days=90),
    )
    page.goto(f"/territoire/pays-ruffecois/fiche/{today.year + 1}/gouvernance/")
    assert page.get_by_label(label("Président(e)")).input_value() == "Jean Dupont"
    page.goto(f"/territoire/pays-ruffecois/fiche/{today.year + 1}/projets/")
    assert page.get_by_role("textbox", name=label("Projets phares")).input_value() == "Mutuelle de Pays"
