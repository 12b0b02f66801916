"""The data migration that turns the questionnaire defined in code into data loses and changes no
answer: on a database holding fiches of three years, every answer before equals every answer after,
and every answered key is a question of its year's questionnaire."""

import copy
import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from members import questionnaire

BEFORE = [("members", "0008_questionnaire_models")]
AFTER = [("members", "0009_questionnaire_as_data")]


def _answers(year: int, n: int) -> dict:
    return {
        "nom": f"PETR exemple {n}",
        "forme_juridique": ["petr", "syndicat_mixte", "association"][n % 3],
        "siren": "200070498",
        "email_contact": f"contact{n}@exemple.fr",
        "nombre_communes": 40 + n,
        "population": 30000 + 1000 * n,
        "annee_population": year - 3,
        "codev_existe": "oui" if n % 2 else "non",
        "etp": "4.5",
        "budget_fonctionnement": "450000.00",
        "leader_porte": "oui",
        "leader_montant": "1234.50",
        "scot_stade": "approuve",
        "vice_presidents": "Une personne\nUne autre",
        "epci": [
            {"nom": f"CC exemple {n}", "siren": "", "nombre_communes": 20, "population": 15000},
            {"nom": f"CC fictive {n}", "siren": "200070498", "nombre_communes": None, "population": 10000},
        ],
    }


@pytest.fixture
def back_to_latest():
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_turning_the_questionnaire_into_data_keeps_every_answer_of_three_years(back_to_latest):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    Territory = apps.get_model("members", "Territory")
    FicheCampaign = apps.get_model("members", "FicheCampaign")
    Fiche = apps.get_model("members", "FicheRenseignements")
    territories = [
        Territory.objects.create(name=f"Territoire exemple {n}", slug=f"territoire-exemple-{n}", kind="petr")
        for n in range(4)
    ]
    for year in (2016, 2017, 2018):
        campaign = FicheCampaign.objects.create(
            year=year, opens_on=datetime.date(year, 3, 1), closes_on=datetime.date(year, 6, 30)
        )
        for n, territory in enumerate(territories):
            Fiche.objects.create(
                territory=territory,
                campaign=campaign,
                answers=_answers(year, n),
                baseline=_answers(year - 1, n) if year > 2016 else {},
                status="soumise" if n else "brouillon",
            )
    before = {
        pk: (copy.deepcopy(answers), copy.deepcopy(baseline))
        for pk, answers, baseline in Fiche.objects.values_list("pk", "answers", "baseline")
    }
    assert len(before) == 12

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)

    # The models as they were at that migration (later ones renamed their tables).
    apps = executor.loader.project_state(AFTER).apps
    Campaign = apps.get_model("members", "FicheCampaign")
    FicheRenseignements = apps.get_model("members", "FicheRenseignements")

    after = {
        pk: (answers, baseline)
        for pk, answers, baseline in FicheRenseignements.objects.values_list("pk", "answers", "baseline")
    }
    assert after == before
    for campaign in Campaign.objects.all():
        form = questionnaire.for_campaign(campaign)
        assert len(form.sections) == 7
        for answers, _baseline in (after[pk] for pk in campaign.fiches.values_list("pk", flat=True)):
            assert set(answers) <= set(form.keys())
        epci_columns = [c.key for c in form.section("perimetre").columns["epci"]]
        assert epci_columns == ["nom", "siren", "nombre_communes", "population"]
        assert form.questions["forme_juridique"].choices[0] == ["petr", "PETR"]
        assert form.section("identite").required == ("nom", "forme_juridique", "siren", "email_contact")
