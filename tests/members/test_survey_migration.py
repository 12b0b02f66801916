"""The migration that turns the fiche into one kind of survey (members.0022_surveys) moves nothing
and loses nothing: on a database holding three years of fiches (drafts and submitted ones, several
versions, their audit trail, the sections saved, last year's answers as baseline), every answer,
status, version, saved section, baseline and history row reads the same after it, and the fiche's
pages still answer its territory's people (and only them)."""

import copy
import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

BEFORE = [("members", "0021_payments_and_call_numbers_moved_to_billing")]
AFTER = [("members", "0022_surveys")]
YEARS = (2016, 2017, 2018)


def _answers(year: int, n: int) -> dict:
    return {
        "nom": f"PETR exemple {n}",
        "forme_juridique": "petr",
        "population": 30000 + 1000 * n + year,
        "annee_population": year - 3,
        "etp": "4.5",
        "epci": [{"nom": f"CC fictive {n}", "siren": "", "nombre_communes": 20, "population": 15000}],
    }


@pytest.fixture
def back_to_latest():
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_the_fiche_becoming_a_survey_keeps_three_years_of_fiches_and_their_pages(back_to_latest, client):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    User = apps.get_model("members", "User")
    Territory = apps.get_model("members", "Territory")
    Membership = apps.get_model("members", "TerritoryMembership")
    FicheCampaign = apps.get_model("members", "FicheCampaign")
    Fiche = apps.get_model("members", "FicheRenseignements")
    History = apps.get_model("members", "HistoricalFicheRenseignements")
    territories = [
        Territory.objects.create(
            name=f"Territoire exemple {n}", slug=f"territoire-exemple-{n}", kind="petr", region="75"
        )
        for n in range(2)
    ]
    people = [
        User.objects.create(email=f"referent{n}@territoire.test", first_name=f"Réf{n}", is_active=True)
        for n in range(2)
    ]
    for territory, person in zip(territories, people, strict=True):
        Membership.objects.create(territory=territory, user=person, role="referent")
    now = timezone.now()
    for year in YEARS:
        campaign = FicheCampaign.objects.create(
            year=year,
            opens_on=datetime.date(year, 3, 1),
            closes_on=datetime.date(year, 6, 30),
            reminder_days_not_started=[15, 30],
            reminder_days_not_submitted=[45],
            intro_text=f"Campagne fictive {year}",
        )
        for n, territory in enumerate(territories):
            submitted = year < 2018 or n == 1
            fiche = Fiche.objects.create(
                territory=territory,
                campaign=campaign,
                answers=_answers(year, n),
                baseline=_answers(year - 1, n) if year > 2016 else {},
                saved_sections=["identite", "perimetre"] if submitted else ["identite"],
                status="soumise" if submitted else "brouillon",
                version=3 + n,
                updated_by=people[n],
                submitted_at=now if submitted else None,
                staff_message="Rouverte pour corriger la population." if n == 0 and year == 2017 else "",
            )
            for version, kind in ((1, "+"), (2, "~"), (3 + n, "~")):
                History.objects.create(
                    id=fiche.pk,
                    territory_id=territory.pk,
                    campaign_id=campaign.pk,
                    status="brouillon" if version < 3 + n else fiche.status,
                    answers={"nom": f"version {version}"} if version < 3 + n else fiche.answers,
                    baseline=fiche.baseline,
                    saved_sections=fiche.saved_sections,
                    version=version,
                    submitted_at=fiche.submitted_at if version == 3 + n else None,
                    staff_message="",
                    created_at=now,
                    updated_by_id=people[n].pk,
                    history_date=now - datetime.timedelta(minutes=10 - version),
                    history_type=kind,
                    history_user_id=people[n].pk,
                )
    fields = (
        "pk",
        "territory_id",
        "campaign_id",
        "status",
        "answers",
        "baseline",
        "saved_sections",
        "version",
        "submitted_at",
        "staff_message",
        "updated_by_id",
    )
    before = {row[0]: copy.deepcopy(row) for row in Fiche.objects.values_list(*fields)}
    history_fields = (
        "history_id",
        "id",
        "status",
        "answers",
        "version",
        "history_type",
        "history_user_id",
        "history_date",
    )
    history_before = sorted(History.objects.values_list(*history_fields))
    campaigns_before = sorted(
        FicheCampaign.objects.values_list(
            "pk",
            "year",
            "opens_on",
            "closes_on",
            "reminder_days_not_started",
            "reminder_days_not_submitted",
            "intro_text",
        )
    )
    assert len(before) == 6 and len(history_before) == 18

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    from members.models import FicheCampaign as Campaign
    from members.models import FicheRenseignements, Survey, SurveyResponse
    from members.models import User as CurrentUser

    after = {row[0]: row for row in FicheRenseignements.objects.values_list(*fields)}
    assert after == before
    assert SurveyResponse.objects.count() == 6  # the same rows, under their new name
    assert set(Survey.objects.values_list("kind", flat=True)) == {"fiche"}
    assert (
        sorted(
            Campaign.objects.values_list(
                "pk",
                "year",
                "opens_on",
                "closes_on",
                "reminder_days_not_started",
                "reminder_days_not_submitted",
                "intro_text",
            )
        )
        == campaigns_before
    )
    assert [str(c) for c in Campaign.objects.order_by("year")] == [
        f"Fiches de renseignements {y}" for y in YEARS
    ]
    assert sorted(FicheRenseignements.history.values_list(*history_fields)) == history_before
    for pk, row in after.items():
        fiche = FicheRenseignements.objects.get(pk=pk)
        assert [h.version for h in fiche.history.all()] == [row[7], 2, 1]
        assert fiche.history.first().answers == row[4]
    # The fiche's pages answer its territory's people, and are a 404 for another territory's.
    territory = FicheRenseignements.objects.filter(campaign__year=2018, status="brouillon").get().territory
    referent = CurrentUser.objects.get(memberships__territory=territory)
    other = CurrentUser.objects.exclude(pk=referent.pk).get(email__startswith="referent")
    client.force_login(referent)
    kwargs = {"slug": territory.slug, "year": 2018}
    section = client.get(reverse("members:fiche_section", kwargs={**kwargs, "section": "identite"}))
    assert section.status_code == 200 and "PETR exemple" in section.content.decode()
    assert client.get(reverse("members:fiche_submit", kwargs=kwargs)).status_code == 200
    assert client.get(reverse("members:fiche", kwargs=kwargs)).status_code == 302
    client.force_login(other)
    assert (
        client.get(reverse("members:fiche_section", kwargs={**kwargs, "section": "identite"})).status_code
        == 404
    )
    assert client.get(reverse("members:fiche_submit", kwargs=kwargs)).status_code == 404
    # A save after the migration is recorded in the same audit trail.
    from members import services

    client.force_login(referent)
    fiche = FicheRenseignements.objects.get(territory=territory, campaign__year=2018)
    services.fiche_save_section(fiche=fiche, answers={"etp": "5"}, version=fiche.version, by=referent)
    assert fiche.history.count() == 4 and fiche.history.first().answers["etp"] == "5"
