"""The fiche's questionnaire as data: a copy per campaign, frozen once answered, keys that carry
answers across years whatever the wording, read by the panorama and the exports."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from members import questionnaire, selectors, services
from members.models import FicheRenseignements, Question, QuestionnaireSection, Role
from members.panorama import panorama

from ..factories import MembershipFactory
from .fiche_factories import COMPLETE_ANSWERS, FicheCampaignFactory

pytestmark = pytest.mark.django_db


def _submitted(territory, campaign, answers):
    return FicheRenseignements.objects.create(
        territory=territory, campaign=campaign, answers=answers, status=FicheRenseignements.Status.SOUMISE
    )


def test_a_new_campaign_starts_from_a_copy_of_the_previous_questionnaire_with_its_keys():
    first = FicheCampaignFactory(year=2018)
    questionnaire.for_campaign(first)
    section = first.sections.get(slug="gouvernance")
    Question.objects.create(section=section, key="exemple_ajout", label="Question ajoutée en 2018", order=999)
    following = FicheCampaignFactory(year=2019)
    copied = questionnaire.for_campaign(following)
    first = type(first).objects.get(pk=first.pk)  # a new request: the questionnaire read again
    assert "exemple_ajout" in copied.questions
    assert copied.keys() == questionnaire.for_campaign(first).keys()
    assert copied.section("perimetre").columns["epci"][0].key == "nom"
    assert (
        Question.objects.filter(section__campaign=following).count()
        == Question.objects.filter(section__campaign=first).count()
    )


def test_last_years_answers_prefill_this_years_fiche_by_key_whatever_the_wording():
    referent = MembershipFactory(role=Role.REFERENT)
    territory, user = referent.territory, referent.user
    last = FicheCampaignFactory(year=2018)
    questionnaire.for_campaign(last)
    _submitted(territory, last, {**COMPLETE_ANSWERS, "vice_presidents": "Une personne fictive"})
    this = FicheCampaignFactory(year=2019)
    questionnaire.for_campaign(this)
    Question.objects.filter(section__campaign=this, key="president_nom").update(label="Présidence (nom)")
    Question.objects.filter(section__campaign=this, key="vice_presidents").delete()
    this = type(this).objects.get(pk=this.pk)
    fiche = services.fiche_open(territory=territory, campaign=this, by=user, today=datetime.date(2019, 3, 2))
    assert fiche.answers["president_nom"] == COMPLETE_ANSWERS["president_nom"]
    assert "vice_presidents" not in fiche.answers
    assert fiche.baseline["vice_presidents"] == "Une personne fictive"


def test_a_questionnaire_with_answers_is_frozen_in_the_admin(client, staff, territory_a):
    campaign = FicheCampaignFactory(year=2018)
    questionnaire.for_campaign(campaign)
    section = QuestionnaireSection.objects.get(campaign=campaign, slug="budget")
    client.force_login(staff)
    url = reverse("admin:members_questionnairesection_change", args=[section.pk])
    assert 'name="questions-0-label"' in client.get(url).content.decode()
    assert not services.questionnaire_is_frozen(campaign)
    FicheRenseignements.objects.create(territory=territory_a, campaign=campaign)
    assert services.questionnaire_is_frozen(campaign)
    assert 'name="questions-0-label"' not in client.get(url).content.decode()
    assert client.post(url, {"title": "Budget modifié"}).status_code == 403
    section.refresh_from_db()
    assert section.title == "Budget"


def test_the_panorama_and_the_exports_read_answers_by_key(territory_a, territory_b):
    campaign = FicheCampaignFactory(year=2018)
    questionnaire.for_campaign(campaign)
    section = campaign.sections.get(slug="projets")
    Question.objects.create(
        section=section,
        key="thematiques",
        label="Thématiques (exemple)",
        kind=Question.Kind.MULTIPLE,
        choices=[["mobilites", "Mobilités"], ["sante", "Santé"]],
        order=99,
    )
    Question.objects.filter(section__campaign=campaign, key="forme_juridique").update(
        label="Statut juridique"
    )
    campaign = type(campaign).objects.get(pk=campaign.pk)  # a fresh instance: no cached questionnaire
    _submitted(territory_a, campaign, {**COMPLETE_ANSWERS, "thematiques": ["mobilites", "sante"]})
    _submitted(
        territory_b,
        campaign,
        {**COMPLETE_ANSWERS, "forme_juridique": "association", "thematiques": ["sante"]},
    )
    figures = panorama(2018)
    counts = {f["question"].key: {c["value"]: c["count"] for c in f["counts"]} for f in figures["questions"]}
    assert counts["thematiques"] == {"mobilites": 1, "sante": 2}
    assert counts["forme_juridique"]["petr"] == 1 and counts["forme_juridique"]["association"] == 1
    _title, headers, rows = selectors.fiche_export_sheets(FicheRenseignements.objects.all())[0]
    assert "Statut juridique" in headers and "Thématiques (exemple)" in headers
    assert rows[0][headers.index("Thématiques (exemple)")] in ("mobilites, sante", "sante")


def test_the_preview_shows_the_questionnaire_as_territories_see_it(client, staff):
    campaign = FicheCampaignFactory(year=2018)
    client.force_login(staff)
    content = client.get(reverse("members:questionnaire_preview", args=[2018])).content.decode()
    assert "Nom de la structure" in content and "EPCI membres" in content and 'name="epci-0-nom"' in content
    assert campaign.sections.count() == 7


def test_integer_and_amount_questions_take_french_input(territory_a, referent_a):
    today = timezone.localdate()
    campaign = FicheCampaignFactory(
        year=today.year, opens_on=today, closes_on=today + datetime.timedelta(days=30)
    )
    form = questionnaire.for_campaign(campaign)
    budget = form.section("budget").form_class({"budget_fonctionnement": "1 234,50"})
    assert budget.is_valid() and str(budget.cleaned_data["budget_fonctionnement"]) == "1234.50"
    perimetre = form.section("perimetre").form_class({"population": "120 000"})
    assert perimetre.is_valid() and perimetre.cleaned_data["population"] == 120000
    assert form.display("budget_fonctionnement", "450000.00").replace("\u202f", " ").replace("\xa0", " ") == (
        "450 000 €"
    )
