"""The fiche de renseignements: drafts, sections, optimistic locking, submission, review, panorama."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from anpp_portal.formats import format_number
from members import questionnaire, services
from members.models import FicheRenseignements, Role

from ..factories import MembershipFactory, TerritoryFactory
from .adhesion_factories import make_member
from .fiche_factories import COMPLETE_ANSWERS, FicheCampaignFactory

pytestmark = pytest.mark.django_db
Status = FicheRenseignements.Status
IN_CAMPAIGN = datetime.date(2018, 3, 10)


@pytest.fixture
def campaign():
    return FicheCampaignFactory(year=2018)


@pytest.fixture
def open_campaign():
    today = timezone.localdate()
    return FicheCampaignFactory(
        year=today.year,
        opens_on=today - datetime.timedelta(days=3),
        closes_on=today + datetime.timedelta(days=60),
    )


@pytest.fixture
def fiche(campaign, territory_a, referent_a):
    return services.fiche_open(territory=territory_a, campaign=campaign, by=referent_a, today=IN_CAMPAIGN)


def section_url(territory, year, section):
    return reverse("members:fiche_section", kwargs={"slug": territory.slug, "year": year, "section": section})


def submit_complete(fiche, by, **overrides):
    fiche = services.fiche_save_section(
        fiche=fiche, answers={**COMPLETE_ANSWERS, **overrides}, version=fiche.version, by=by
    )
    return services.fiche_submit(fiche=fiche, by=by)


# --- Services ---------------------------------------------------------------------------------


def test_the_first_fiche_starts_from_what_the_portal_knows(fiche, territory_a):
    assert fiche.status == Status.BROUILLON
    assert fiche.answers["nom"] == territory_a.name
    assert fiche.answers["population"] == 37533 and fiche.answers["forme_juridique"] == "petr"
    assert fiche.baseline == {}


def test_next_years_fiche_starts_from_last_years_submitted_answers(fiche, territory_a, referent_a):
    submit_complete(fiche, referent_a, projets_phares="Mutuelle de Pays")
    following = services.fiche_open(
        territory=territory_a,
        campaign=FicheCampaignFactory(year=2019),
        by=referent_a,
        today=datetime.date(2019, 3, 10),
    )
    assert following.answers["projets_phares"] == "Mutuelle de Pays"
    assert following.baseline == following.answers and following.status == Status.BROUILLON


def test_saving_a_section_keeps_the_others(fiche, referent_a):
    fiche = services.fiche_save_section(
        fiche=fiche, answers={"president_nom": "Jean Dupont"}, version=fiche.version, by=referent_a
    )
    fiche = services.fiche_save_section(
        fiche=fiche, answers={"etp": "3.5"}, version=fiche.version, by=referent_a
    )
    assert fiche.answers["president_nom"] == "Jean Dupont" and fiche.answers["etp"] == "3.5"
    assert fiche.answers["nom"] == "PETR du Pays A"


def test_a_stale_save_is_refused_and_changes_nothing(fiche, territory_a, referent_a):
    colleague = MembershipFactory(territory=territory_a, role=Role.MEMBRE).user
    loaded_version = fiche.version
    services.fiche_save_section(
        fiche=fiche, answers={"president_nom": "Saisi par Claire"}, version=loaded_version, by=referent_a
    )
    with pytest.raises(services.FicheStale) as error:
        services.fiche_save_section(
            fiche=fiche, answers={"president_nom": "Saisi par Paul"}, version=loaded_version, by=colleague
        )
    assert "a enregistré cette fiche" in str(error.value)
    fiche.refresh_from_db()
    assert fiche.answers["president_nom"] == "Saisi par Claire"


def test_submission_lists_the_missing_answers(fiche, referent_a):
    with pytest.raises(services.FicheIncomplete) as error:
        services.fiche_submit(fiche=fiche, by=referent_a)
    missing = {name for _section, name in error.value.missing}
    assert {"email_contact", "president_nom", "budget_fonctionnement", "leader_porte"} <= missing
    assert "nom" not in missing  # pre-filled


def test_a_submitted_fiche_is_locked_until_staff_reopen_it(fiche, referent_a, staff):
    fiche = submit_complete(fiche, referent_a)
    with pytest.raises(services.FicheLocked):
        services.fiche_save_section(
            fiche=fiche, answers={"nom": "Autre"}, version=fiche.version, by=referent_a
        )
    fiche = services.fiche_reopen(fiche=fiche, by=staff, message="Merci de préciser le budget.")
    assert fiche.status == Status.BROUILLON and fiche.staff_message == "Merci de préciser le budget."
    services.fiche_save_section(
        fiche=fiche, answers={"budget_fonctionnement": "460000"}, version=fiche.version, by=referent_a
    )


def test_another_territory_cannot_save_this_fiche(fiche, referent_b):
    with pytest.raises(services.NotAllowed):
        services.fiche_save_section(
            fiche=fiche, answers={"nom": "Piratage"}, version=fiche.version, by=referent_b
        )


# --- Pages ------------------------------------------------------------------------------------


def test_a_draft_is_restored_when_coming_back(client, territory_a, referent_a, open_campaign):
    client.force_login(referent_a)
    first = client.get(
        reverse("members:fiche", kwargs={"slug": territory_a.slug, "year": open_campaign.year})
    )
    assert first.status_code == 302 and "/identite/" in first["Location"]
    page = client.get(section_url(territory_a, open_campaign.year, "gouvernance"))
    version = page.context["version"]
    client.post(
        section_url(territory_a, open_campaign.year, "gouvernance"),
        {"version": version, "president_nom": "Jean Dupont", "bureau_taille": "8", "save": ""},
    )
    again = client.get(section_url(territory_a, open_campaign.year, "gouvernance")).content.decode()
    assert 'value="Jean Dupont"' in again and 'value="8"' in again


def test_bad_input_is_refused_next_to_the_field_and_kept(client, territory_a, referent_a, open_campaign):
    client.force_login(referent_a)
    url = section_url(territory_a, open_campaign.year, "identite")
    version = client.get(url).context["version"]
    response = client.post(
        url,
        {
            "version": version,
            "nom": "PETR du Pays A",
            "siren": "123456789",
            "annee_creation": "1800",
            "save": "",
        },
        follow=True,
    )
    content = response.content.decode()
    # POST/redirect/GET (Back never reaches the answer to a POST): the typed input comes back.
    assert response.redirect_chain == [(url, 302)]
    assert "Numéro SIREN invalide" in content and 'value="123456789"' in content
    assert "supérieure ou égale à 1950" in content


def test_negative_counts_and_a_population_below_its_epci_are_refused(
    client, territory_a, referent_a, open_campaign
):
    client.force_login(referent_a)
    url = section_url(territory_a, open_campaign.year, "perimetre")
    version = client.get(url).context["version"]
    epci = {
        "epci-TOTAL_FORMS": "2",
        "epci-INITIAL_FORMS": "0",
        "epci-MIN_NUM_FORMS": "0",
        "epci-MAX_NUM_FORMS": "200",
        "epci-0-nom": "CC du Ruffécois",
        "epci-0-siren": "200070498",
        "epci-0-nombre_communes": "40",
        "epci-0-population": "20000",
        "epci-1-nom": "CC Val de Charente",
        "epci-1-siren": "",
        "epci-1-nombre_communes": "40",
        "epci-1-population": "20000",
    }
    negative = client.post(
        url,
        {"version": version, "nombre_communes": "-3", "population": "50000", **epci, "save": ""},
        follow=True,
    )
    assert "Ce nombre ne peut pas être négatif." in negative.content.decode()
    too_small = client.post(
        url,
        {"version": version, "nombre_communes": "80", "population": "37533", **epci, "save": ""},
        follow=True,
    )
    content = too_small.content.decode()
    assert f"inférieure à la somme de celle des EPCI membres ({format_number(40000)})" in content
    assert 'value="CC Val de Charente"' in content
    ok = client.post(
        url, {"version": version, "nombre_communes": "80", "population": "41000", **epci, "save": ""}
    )
    assert ok.status_code == 302
    fiche = FicheRenseignements.objects.get()
    assert [row["nom"] for row in fiche.answers["epci"]] == ["CC du Ruffécois", "CC Val de Charente"]
    # Removing a row.
    removal = {**epci, "epci-INITIAL_FORMS": "2", "epci-1-DELETE": "on"}
    client.post(
        url, {"version": fiche.version, "nombre_communes": "80", "population": "41000", **removal, "save": ""}
    )
    fiche.refresh_from_db()
    assert [row["nom"] for row in fiche.answers["epci"]] == ["CC du Ruffécois"]


def test_the_second_of_two_concurrent_saves_is_refused_with_its_input_kept(
    client, territory_a, referent_a, open_campaign
):
    colleague = MembershipFactory(territory=territory_a, role=Role.MEMBRE).user
    url = section_url(territory_a, open_campaign.year, "gouvernance")
    client.force_login(referent_a)
    version = client.get(url).context["version"]  # both open the page at the same version
    assert (
        client.post(url, {"version": version, "president_nom": "Saisi par Claire", "save": ""}).status_code
        == 302
    )
    client.force_login(colleague)
    stale = client.post(url, {"version": version, "president_nom": "Saisi par Paul", "save": ""}, follow=True)
    content = stale.content.decode()
    assert stale.redirect_chain == [(url, 302)] and "a enregistré cette fiche" in content
    assert 'value="Saisi par Paul"' in content
    assert FicheRenseignements.objects.get().answers["president_nom"] == "Saisi par Claire"
    # Saving again, knowingly, replaces it.
    assert (
        client.post(
            url, {"version": stale.context["version"], "president_nom": "Saisi par Paul", "save": ""}
        ).status_code
        == 302
    )


def test_a_submitted_fiche_edited_from_an_old_tab_is_refused_and_the_input_kept(
    client, territory_a, referent_a, open_campaign
):
    client.force_login(referent_a)
    url = section_url(territory_a, open_campaign.year, "projets")
    version = client.get(url).context["version"]
    fiche = FicheRenseignements.objects.get()
    submit_complete(fiche, referent_a)
    old_tab = client.post(
        url,
        {"version": version, "projets_phares": "Texte tapé dans l'ancien onglet", "save": ""},
        follow=True,
    )
    content = old_tab.content.decode()
    assert "a été soumise à l&#x27;ANPP" in content and "Texte tapé dans l&#x27;ancien onglet" in content
    assert FicheRenseignements.objects.get().answers["projets_phares"] == "Mutuelle de Pays"


def test_the_submit_page_links_to_each_missing_field(client, territory_a, referent_a, open_campaign):
    client.force_login(referent_a)
    page = client.get(
        reverse("members:fiche_submit", kwargs={"slug": territory_a.slug, "year": open_campaign.year})
    )
    content = page.content.decode()
    assert section_url(territory_a, open_campaign.year, "gouvernance") + "#champ-president_nom" in content
    refused = client.post(
        reverse("members:fiche_submit", kwargs={"slug": territory_a.slug, "year": open_campaign.year}),
        follow=True,
    )
    assert "Il manque des réponses obligatoires" in refused.content.decode()
    assert FicheRenseignements.objects.get().status == Status.BROUILLON


def test_a_year_without_campaign_is_a_404(client, territory_a, referent_a):
    client.force_login(referent_a)
    assert (
        client.get(reverse("members:fiche", kwargs={"slug": territory_a.slug, "year": 2001})).status_code
        == 404
    )


def test_staff_review_marks_what_changed_since_last_year(client, fiche, territory_a, referent_a, staff):
    submit_complete(fiche, referent_a)
    following = services.fiche_open(
        territory=territory_a,
        campaign=FicheCampaignFactory(year=2019),
        by=referent_a,
        today=datetime.date(2019, 3, 10),
    )
    services.fiche_save_section(
        fiche=following, answers={"population": 38000}, version=following.version, by=referent_a
    )
    client.force_login(staff)
    content = client.get(reverse("members:fiche_review", args=[following.pk])).content.decode()
    assert "1 réponse modifiée depuis l'an dernier" in content
    assert content.count('class="changed"') == 1
    assert format_number(38000) in content and format_number(37533) in content


def test_staff_review_of_a_first_fiche_says_so_and_of_an_enquete_compares_with_no_year(
    client, fiche, territory_a, referent_a, staff
):
    from .survey_factories import SurveyFactory

    make_member(territory_a)
    enquete = services.survey_response_open(territory=territory_a, survey=SurveyFactory(), by=referent_a)
    client.force_login(staff)
    first = client.get(reverse("members:fiche_review", args=[fiche.pk])).content.decode()
    assert "première fiche du territoire" in first
    answer = client.get(reverse("members:fiche_review", args=[enquete.pk])).content.decode()
    assert "première fiche" not in answer and "an dernier" not in answer


def test_staff_export_fiches_with_their_epci_on_a_second_sheet(client, fiche, referent_a, staff):
    fiche = services.fiche_save_section(
        fiche=fiche,
        answers={
            "epci": [{"nom": "=CC du Ruffécois", "siren": "", "nombre_communes": 40, "population": 20000}]
        },
        version=fiche.version,
        by=referent_a,
    )
    client.force_login(staff)
    url = reverse("admin:members_ficherenseignements_changelist")
    workbook = load_workbook(
        io.BytesIO(client.post(url, {"action": "export_xlsx", "_selected_action": [fiche.pk]}).content)
    )
    assert workbook.sheetnames == ["Fiches", "EPCI"]
    fiches, epci = list(workbook["Fiches"].values), list(workbook["EPCI"].values)
    assert len(fiches) == 2 and fiches[0][1] == "Territoire" and fiches[1][1] == "PETR du Pays A"
    assert epci[1][2] == "'=CC du Ruffécois"
    csv_text = client.post(url, {"action": "export_csv", "_selected_action": [fiche.pk]}).content.decode(
        "utf-8-sig"
    )
    assert len(csv_text.strip().splitlines()) == 2


def test_the_panorama_matches_a_hand_computed_data_set(client, campaign, staff):
    # Three submitted fiches and one draft (ignored).
    rows = [
        ("petr", 30000, 50, {"leader_porte": "oui", "scot_porte": "oui", "codev_existe": "oui"}),
        ("petr", 20000, 30, {"leader_porte": "oui", "codev_existe": "non"}),
        ("association", 10000, 20, {"contrat_ruralite_porte": "oui", "codev_existe": "oui"}),
    ]
    for legal_form, population, communes, extra in rows:
        territory = TerritoryFactory()
        referent = MembershipFactory(territory=territory, role=Role.REFERENT).user
        fiche = services.fiche_open(territory=territory, campaign=campaign, by=referent, today=IN_CAMPAIGN)
        submit_complete(
            fiche,
            referent,
            forme_juridique=legal_form,
            population=population,
            nombre_communes=communes,
            **extra,
        )
    draft_territory = TerritoryFactory()
    services.fiche_open(
        territory=draft_territory,
        campaign=campaign,
        by=MembershipFactory(territory=draft_territory, role=Role.REFERENT).user,
        today=IN_CAMPAIGN,
    )
    client.force_login(staff)
    context = client.get(reverse("members:panorama"), {"annee": 2018}).context
    assert context["count"] == 3 and context["population"] == 60000 and context["communes"] == 100
    legal = {row["label"]: (row["count"], row["share"]) for row in context["legal_forms"]}
    assert legal["PETR"] == (2, 67) and legal["Association"] == (1, 33) and legal["GIP"] == (0, 0)
    programmes = {row["label"]: (row["count"], row["share"]) for row in context["programmes"]}
    assert programmes["LEADER"] == (2, 67) and programmes["SCoT"] == (1, 33)
    assert programmes["Contrat de ruralité / CRTE"] == (1, 33) and programmes["PCAET"] == (0, 0)
    assert context["codev"] == {"count": 2, "share": 67}


def test_the_panorama_is_for_staff_only(client, referent_a):
    client.force_login(referent_a)
    assert client.get(reverse("members:panorama")).status_code == 403


def test_every_required_question_of_the_default_questionnaire_is_asked_in_its_section():
    form = questionnaire.for_campaign(FicheCampaignFactory(year=2018))
    assert [section.slug for section in form.sections] == [
        "identite",
        "perimetre",
        "gouvernance",
        "equipe",
        "budget",
        "contractualisation",
        "projets",
    ]
    for section in form.sections:
        for name in section.required:
            assert name in section.form_class.base_fields, name


def test_a_fiche_with_its_member_epci_is_reviewed_and_submitted_with_them(
    client, fiche, referent_a, territory_a, campaign, send_outbox
):
    """The member EPCI are a table: the submit page and the acknowledgement list them a line each
    (the recap gave the table to the choice lookup and crashed, a 500 on the page)."""
    epci = [
        {"nom": "CC du Ruffécois", "siren": "200070498", "nombre_communes": 40, "population": 20000},
        {"nom": "CC fictive du Val-Exemple", "siren": "200000172", "nombre_communes": 12, "population": 9000},
    ]
    fiche = services.fiche_save_section(
        fiche=fiche, answers={**COMPLETE_ANSWERS, "epci": epci}, version=fiche.version, by=referent_a
    )
    client.force_login(referent_a)
    url = reverse("members:fiche_submit", kwargs={"slug": territory_a.slug, "year": campaign.year})
    page = client.get(url)
    assert page.status_code == 200
    content = page.content.decode()
    assert "CC du Ruffécois" in content and "CC fictive du Val-Exemple" in content
    services.fiche_submit(fiche=fiche, by=referent_a)
    acknowledgement = next(m for m in send_outbox() if "fiche" in m.subject.lower())
    assert "CC du Ruffécois" in acknowledgement.body, acknowledgement.body
    assert format_number(20000) in acknowledgement.body


def test_a_decimal_answer_is_shown_the_french_way(fiche):
    shape = questionnaire.for_campaign(fiche.campaign)
    assert shape.display("etp", "4.5") == "4,5"
    assert shape.display("etp", "pas un nombre") == "pas un nombre"


def test_refused_input_waits_for_a_reload_and_gives_way_to_a_colleagues_save(
    client, territory_a, referent_a, open_campaign
):
    # POST/redirect/GET: the refused input waits in the session, so reloading (or Back then Forward)
    # shows it again; once the fiche is saved by someone else, what it holds is shown instead.
    colleague = MembershipFactory(territory=territory_a, role=Role.MEMBRE).user
    url = section_url(territory_a, open_campaign.year, "identite")
    client.force_login(referent_a)
    version = client.get(url).context["version"]
    refused = client.post(url, {"version": version, "nom": "Pays A", "siren": "123", "save": ""})
    assert refused.status_code == 302 and refused["Location"] == url
    for _ in range(2):
        content = client.get(url).content.decode()
        assert 'value="123"' in content and "Numéro SIREN invalide" in content
    fiche = FicheRenseignements.objects.get()
    services.fiche_save_section(
        fiche=fiche, answers={"nom": "Nom du collègue"}, version=version, by=colleague
    )
    content = client.get(url, follow=True).content.decode()
    assert 'value="Nom du collègue"' in content and "Numéro SIREN invalide" not in content
    assert 'value="123"' not in content
