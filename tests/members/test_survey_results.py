"""A survey's results (members/survey_results.py, members/views_results.py): who answered, what each
question adds up to, filters, CSV, XLSX and PDF, for staff only. Figures below are computed by hand
from the answers written in this file; the territories, names and answers are fictional."""

import csv
import datetime
import io
from unittest import mock

import openpyxl
import pypdf
import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from anpp_portal.staffpolicy import STAFF_GROUP
from members import survey_results
from members.models import FicheRenseignements, Question, QuestionnaireSection, Role, Territory

from ..factories import MembershipFactory, StaffFactory, TerritoryFactory, UserFactory
from ..reading import PLAIN_TEXT_RULES, problems
from .fiche_factories import FicheCampaignFactory

SUBMITTED = FicheRenseignements.Status.SOUMISE
DRAFT = FicheRenseignements.Status.BROUILLON
NOUVELLE_AQUITAINE = "75"
AURA = "84"
PETR = Territory.Kind.PETR
ASSO = Territory.Kind.PAYS_ASSOCIATIF


def questionnaire_of(campaign):
    """Two sections asking one question of each kind the results summarise."""
    general = QuestionnaireSection.objects.create(
        campaign=campaign, slug="general", title="Le territoire", order=1
    )
    figures = QuestionnaireSection.objects.create(
        campaign=campaign, slug="chiffres", title="Les chiffres", order=2
    )
    ask = Question.objects.create
    ask(section=general, key="forme", label="Forme juridique", kind="choice", order=1,
        choices=[["petr", "PETR"], ["asso", "Association"]])  # fmt: skip
    ask(section=general, key="programmes", label="Programmes portés", kind="multiple", order=2,
        choices=[["leader", "LEADER"], ["scot", "SCoT"], ["pcaet", "PCAET"]])  # fmt: skip
    ask(section=general, key="codev", label="Conseil de développement", kind="yes_no", order=3)
    ask(section=general, key="projets", label="Projets phares", kind="long_text", order=4)
    ask(section=figures, key="population", label="Population", kind="integer", order=1)
    ask(section=figures, key="etp", label="Équivalents temps plein", kind="decimal", order=2)
    ask(section=figures, key="budget", label="Budget de fonctionnement", kind="amount", order=3)
    epci = ask(section=figures, key="epci", label="EPCI membres", kind="rows", order=4)
    ask(section=figures, parent=epci, key="nom", label="Nom de l'EPCI", kind="text", order=1)
    ask(section=figures, parent=epci, key="population", label="Population de l'EPCI", kind="integer", order=2)


def territory(name, slug, region, kind, *, referent=True):
    made = TerritoryFactory(name=name, slug=slug, region=region, kind=kind)
    if referent:
        MembershipFactory(territory=made, role=Role.REFERENT)
    return made


def answer(campaign, territory, answers, *, status=SUBMITTED, saved=("general", "chiffres")):
    return FicheRenseignements.objects.create(
        campaign=campaign,
        territory=territory,
        status=status,
        answers=answers,
        saved_sections=list(saved),
        submitted_at=timezone.make_aware(datetime.datetime(campaign.year, 5, 1, 10))
        if status == SUBMITTED
        else None,
    )


ANSWERS_A = {
    "forme": "petr",
    "programmes": ["leader", "scot"],
    "codev": "oui",
    "projets": "Mutuelle de Pays (fictive)",
    "population": 30000,
    "etp": "4.5",
    "budget": "450000.00",
    "epci": [{"nom": "CC Une", "population": 10000}, {"nom": "CC Deux", "population": 20000}],
}
ANSWERS_B = {
    "forme": "asso",
    "programmes": ["leader"],
    "codev": "",
    "projets": "",
    "population": 12000,
    "etp": "2",
    "budget": "100000.50",
    "epci": [{"nom": "CC Trois", "population": 12000}],
}
ANSWERS_C = {
    "forme": "petr",
    "programmes": [],
    "codev": "non",
    "projets": "Charte forestière (fictive)",
    "population": 8000,
    "budget": "49999.50",
}
# What a draft or another year says: never counted in 2026's results.
NOISE = {
    "forme": "asso",
    "programmes": ["pcaet"],
    "codev": "non",
    "population": 999999,
    "budget": "1.00",
    "etp": "99",
}


@pytest.fixture
def world(db):
    """Three years of fiches; in 2026: A, B, C submitted, D in progress, E prefilled only (not
    started), F nothing; G has no référent and no fiche (not expected)."""
    campaigns = {year: FicheCampaignFactory(year=year) for year in (2024, 2025, 2026)}
    for campaign in campaigns.values():
        questionnaire_of(campaign)
    t = {
        "A": territory("Pays Alpha (fictif)", "pays-alpha", NOUVELLE_AQUITAINE, PETR),
        "B": territory("Pays Bêta (fictif)", "pays-beta", AURA, ASSO),
        "C": territory("Pays Gamma (fictif)", "pays-gamma", NOUVELLE_AQUITAINE, ASSO),
        "D": territory("Pays Delta (fictif)", "pays-delta", AURA, PETR),
        "E": territory("Pays Epsilon (fictif)", "pays-epsilon", NOUVELLE_AQUITAINE, PETR),
        "F": territory("Pays Phi (fictif)", "pays-phi", AURA, ASSO),
        "G": territory("Pays Gzêta sans référent (fictif)", "pays-g", AURA, ASSO, referent=False),
    }
    current = campaigns[2026]
    responses = {
        "A": answer(current, t["A"], ANSWERS_A),
        "B": answer(current, t["B"], ANSWERS_B),
        "C": answer(current, t["C"], ANSWERS_C),
        "D": answer(current, t["D"], NOISE, status=DRAFT, saved=("general",)),
        "E": answer(current, t["E"], NOISE, status=DRAFT, saved=()),
    }
    for year in (2024, 2025):
        for key in "ABCDEF":
            answer(campaigns[year], t[key], NOISE)
    return {"campaign": current, "campaigns": campaigns, "t": t, "responses": responses}


def by_key(summaries):
    return {s.key: s for s in summaries}


def options(summary):
    return {o["label"]: (o["count"], o["share_text"]) for o in summary.options}


# --- Completion -----------------------------------------------------------------------------------


def test_completion_tells_answered_in_progress_and_not_started_apart(world):
    figures = survey_results.results(world["campaign"])
    done = figures["completion"]
    states = {row.territory.name: row.state for row in done.rows}
    assert states == {
        "Pays Alpha (fictif)": "answered",
        "Pays Bêta (fictif)": "answered",
        "Pays Gamma (fictif)": "answered",
        "Pays Delta (fictif)": "in_progress",
        "Pays Epsilon (fictif)": "not_started",  # a draft only prefilled is not started
        "Pays Phi (fictif)": "not_started",
    }
    assert (done.answered, done.in_progress, done.not_started, done.total) == (3, 1, 2, 6)
    assert done.summary == "3 sur 6 ont répondu"
    answered = next(row for row in done.rows if row.territory.slug == "pays-alpha")
    assert answered.submitted_text == "1er mai 2026"
    assert answered.response == world["responses"]["A"]


def test_expected_territories_are_those_with_a_referent_or_a_response(world):
    expected = set(survey_results.expected_territories(world["campaign"]).values_list("slug", flat=True))
    assert expected == {"pays-alpha", "pays-beta", "pays-gamma", "pays-delta", "pays-epsilon", "pays-phi"}


# --- Per-question summaries -----------------------------------------------------------------------


def test_choices_are_counted_in_percent_of_the_answering_territories_with_the_empty_ones(world):
    summaries = by_key(survey_results.results(world["campaign"])["summaries"])
    assert options(summaries["forme"]) == {
        "PETR": (2, "66,7\u00a0%"),
        "Association": (1, "33,3\u00a0%"),
        "Sans réponse": (0, "0\u00a0%"),
    }
    # A territory may tick several programmes: the shares add up to more than 100 %.
    assert options(summaries["programmes"]) == {
        "LEADER": (2, "66,7\u00a0%"),
        "SCoT": (1, "33,3\u00a0%"),
        "PCAET": (0, "0\u00a0%"),
        "Sans réponse": (1, "33,3\u00a0%"),
    }
    assert options(summaries["codev"]) == {
        "Oui": (1, "33,3\u00a0%"),
        "Non": (1, "33,3\u00a0%"),
        "Sans réponse": (1, "33,3\u00a0%"),
    }
    chart = summaries["forme"].chart
    assert chart.title == "Forme juridique"
    assert [(bar.label, bar.text) for bar in chart.bars][:2] == [
        ("PETR", "66,7\u00a0%"),
        ("Association", "33,3\u00a0%"),
    ]


def test_numbers_give_sum_mean_and_median_the_french_way(world):
    summaries = by_key(survey_results.results(world["campaign"])["summaries"])

    def figures(key):
        return {f["label"]: f["text"] for f in summaries[key].figures}

    # 30 000 + 12 000 + 8 000
    assert figures("population") == {
        "Somme": "50\u00a0000",
        "Moyenne": "16\u00a0666,67",
        "Médiane": "12\u00a0000",
    }
    # 4,5 + 2; C left it empty
    assert figures("etp") == {"Somme": "6,5", "Moyenne": "3,25", "Médiane": "3,25"}
    assert summaries["etp"].empty == 1
    # 450 000 + 100 000,50 + 49 999,50
    assert figures("budget") == {
        "Somme": "600\u00a0000 €",
        "Moyenne": "200\u00a0000 €",
        "Médiane": "100\u00a0000,50 €",
    }
    assert summaries["population"].empty == 0


def test_text_answers_are_listed_with_their_territory_and_rows_are_counted_and_summed(world):
    summaries = by_key(survey_results.results(world["campaign"])["summaries"])
    projets = summaries["projets"]
    assert [(a["territory"].name, a["text"]) for a in projets.answers] == [
        ("Pays Alpha (fictif)", "Mutuelle de Pays (fictive)"),
        ("Pays Gamma (fictif)", "Charte forestière (fictive)"),
    ]
    assert projets.empty == 1
    epci = summaries["epci"]
    assert epci.row_count == 3
    assert epci.column_sums == [{"label": "Population de l'EPCI", "text": "42\u00a0000"}]
    assert epci.empty == 1  # C gave no EPCI


def test_another_years_answers_and_drafts_never_count(world):
    summaries = by_key(survey_results.results(world["campaign"])["summaries"])
    assert summaries["forme"].answering == 3
    assert options(summaries["programmes"])["PCAET"] == (0, "0\u00a0%")
    earlier = by_key(survey_results.results(world["campaigns"][2025])["summaries"])
    assert options(earlier["forme"])["Association"] == (6, "100\u00a0%")
    assert {f["label"]: f["text"] for f in earlier["population"].figures}["Somme"] == "5\u00a0999\u00a0994"


# --- Filters --------------------------------------------------------------------------------------


def test_filters_by_region_and_kind_apply_to_territories_and_their_answers(world):
    campaign = world["campaign"]
    aquitaine = survey_results.results(campaign, region=NOUVELLE_AQUITAINE)
    assert aquitaine["completion"].summary == "2 sur 3 ont répondu"
    assert options(by_key(aquitaine["summaries"])["forme"])["PETR"] == (2, "100\u00a0%")

    associations = survey_results.results(campaign, kind=ASSO)
    assert [row.territory.slug for row in associations["completion"].rows] == [
        "pays-beta",
        "pays-gamma",
        "pays-phi",
    ]
    assert options(by_key(associations["summaries"])["forme"]) == {
        "PETR": (1, "50\u00a0%"),
        "Association": (1, "50\u00a0%"),
        "Sans réponse": (0, "0\u00a0%"),
    }

    both = survey_results.results(campaign, region=AURA, kind=PETR)
    assert both["completion"].summary == "0 sur 1 ont répondu"
    assert by_key(both["summaries"])["forme"].answering == 0


def test_the_page_filters_by_get_parameters(client, staff, world):
    client.force_login(staff)
    url = reverse("members:survey_results", args=[world["campaign"].pk])
    response = client.get(url, {"region": NOUVELLE_AQUITAINE, "nature": ""})
    assert response.status_code == 200
    body = response.content.decode()
    assert "2 sur 3 ont répondu" in body
    assert "Pays Bêta (fictif)" not in body


def test_a_made_up_filter_is_a_french_message_at_the_field_not_an_error(client, staff, world):
    client.force_login(staff)
    url = reverse("members:survey_results", args=[world["campaign"].pk])
    response = client.get(url, {"region": "zz", "nature": "<script>"})
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count("Ce choix n&#x27;existe pas ; choisissez dans la liste.") == 2
    assert "3 sur 6 ont répondu" in body  # every expected territory, unfiltered
    assert "Un filtre n'est pas valide : tous les territoires attendus sont comptés." in body
    for name in ("survey_results_csv", "survey_results_xlsx", "survey_results_pdf"):
        export = client.get(reverse(f"members:{name}", args=[world["campaign"].pk]), {"region": "zz"})
        assert export.status_code == 400 and export["Content-Type"].startswith("text/html")
        assert "Ce choix n&#x27;existe pas" in export.content.decode()


def test_each_file_is_named_after_the_campaign_or_enquete_it_holds(client, staff, world):
    from .survey_factories import SurveyFactory

    enquete = SurveyFactory(title="Enquête « mobilités » 2026 (fictive)")
    client.force_login(staff)
    year = world["campaign"].year
    for campaign, stem in (
        (world["campaign"], f"resultats-fiches-{year}"),
        (enquete, f"resultats-enquete-{enquete.pk}-enquete-mobilites-2026-fictive"),
    ):
        for name, disposition in (
            ("survey_results_csv", f'attachment; filename="{stem}.csv"'),
            ("survey_results_xlsx", f'attachment; filename="{stem}.xlsx"'),
            ("survey_results_pdf", f'inline; filename="{stem}.pdf"'),
        ):
            response = client.get(reverse(f"members:{name}", args=[campaign.pk]))
            assert response.status_code == 200 and response["Content-Disposition"] == disposition


# --- The page -------------------------------------------------------------------------------------


def test_the_page_shows_completion_charts_as_tables_and_links_to_each_response(client, staff, world):
    client.force_login(staff)
    response = client.get(reverse("members:survey_results", args=[world["campaign"].pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "3 sur 6 ont répondu" in body
    assert body.count('<svg class="chart"') == 3  # forme, programmes, codev
    assert '<caption class="visually-hidden">Forme juridique</caption>' in body
    for key in "ABD":  # a response exists: its review page
        assert reverse("members:fiche_review", args=[world["responses"][key].pk]) in body
    assert "50\u00a0000" in body and "600\u00a0000 €" in body


def test_the_results_page_makes_as_many_queries_for_twenty_territories_as_for_two(
    client, staff, db, django_assert_max_num_queries
):
    campaign = FicheCampaignFactory(year=2026)
    questionnaire_of(campaign)
    url = reverse("members:survey_results", args=[campaign.pk])
    client.force_login(staff)

    def add(count, offset):
        for n in range(offset, offset + count):
            made = territory(
                f"Pays n°{n} (fictif)", f"pays-n{n}", AURA if n % 2 else NOUVELLE_AQUITAINE, PETR
            )
            answer(campaign, made, ANSWERS_A if n % 3 else ANSWERS_B, status=SUBMITTED if n % 4 else DRAFT)

    # Session, user, permissions (2), the campaign, territories, responses, questions, the staff
    # TOTP banner: none of them per territory.
    add(2, 0)
    with django_assert_max_num_queries(9):
        assert "1 sur 2 ont répondu" in client.get(url).content.decode()
    add(18, 2)
    with django_assert_max_num_queries(9):
        assert "15 sur 20 ont répondu" in client.get(url).content.decode()


def test_the_results_read_in_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    campaign = type(world["campaign"]).objects.get(pk=world["campaign"].pk)
    with django_assert_max_num_queries(3):  # territories, responses, questions
        figures = survey_results.results(campaign, region=AURA)
        survey_results.export_sheets(figures["questions"], figures["territories"], figures["responses"])


# --- Exports --------------------------------------------------------------------------------------


def test_the_csv_has_a_row_per_expected_territory_a_column_per_key_and_decimal_commas(client, staff, world):
    client.force_login(staff)
    response = client.get(reverse("members:survey_results_csv", args=[world["campaign"].pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))
    header, lines = rows[0], {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert header == [
        *["Territoire", "Région", "Nature", "Statut", "Soumise le"],
        *["forme", "programmes", "codev", "projets", "population", "etp", "budget", "epci"],
    ]
    assert len(lines) == 6
    alpha = lines["Pays Alpha (fictif)"]
    assert alpha["Statut"] == "Répondu" and alpha["Soumise le"] == "01/05/2026"
    assert alpha["Région"] == "Nouvelle-Aquitaine"
    assert alpha["etp"] == "4,5"
    assert alpha["budget"] == "450000,00"
    assert alpha["forme"] == "PETR"
    assert alpha["programmes"] == "LEADER, SCoT"
    assert alpha["epci"].splitlines() == [
        "Nom de l'EPCI : CC Une · Population de l'EPCI : 10\u00a0000",
        "Nom de l'EPCI : CC Deux · Population de l'EPCI : 20\u00a0000",
    ]
    assert lines["Pays Bêta (fictif)"]["budget"] == "100000,50"
    # A draft is not an answer: its cells stay empty, like those of a territory that never began.
    assert lines["Pays Delta (fictif)"]["Statut"] == "En cours"
    assert lines["Pays Delta (fictif)"]["population"] == ""
    assert lines["Pays Phi (fictif)"]["forme"] == ""


def test_the_xlsx_holds_each_answer_in_its_keys_column_and_the_epci_on_their_own_sheet(client, staff, world):
    client.force_login(staff)
    response = client.get(
        reverse("members:survey_results_xlsx", args=[world["campaign"].pk]), {"region": NOUVELLE_AQUITAINE}
    )
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Réponses", "EPCI", "Questions"]
    sheet = list(book["Réponses"].values)
    header = list(sheet[0])
    rows = {row[0]: row for row in sheet[1:]}
    assert set(rows) == {"Pays Alpha (fictif)", "Pays Gamma (fictif)", "Pays Epsilon (fictif)"}
    assert rows["Pays Alpha (fictif)"][header.index("population")] == 30000
    assert rows["Pays Alpha (fictif)"][header.index("etp")] == 4.5
    assert rows["Pays Gamma (fictif)"][header.index("codev")] == "Non"
    assert rows["Pays Epsilon (fictif)"][header.index("population")] is None
    epci = list(book["EPCI"].values)
    assert epci == [
        ("Territoire", "Nom de l'EPCI", "Population de l'EPCI"),
        ("Pays Alpha (fictif)", "CC Une", 10000),
        ("Pays Alpha (fictif)", "CC Deux", 20000),
    ]
    assert ("population", "Population", "Les chiffres") in list(book["Questions"].values)


def test_the_pdf_prints_the_completion_and_the_charts_the_french_way(client, staff, world):
    client.force_login(staff)
    response = client.get(reverse("members:survey_results_pdf", args=[world["campaign"].pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join((page.extract_text() or "") for page in reader.pages).split())
    assert "3 sur 6 ont répondu" in text
    assert "Forme juridique" in text and "Programmes portés" in text
    assert "600 000 €" in text.replace("\u00a0", " ").replace("\u202f", " ")
    rules = [rule for rule in PLAIN_TEXT_RULES if rule[0] not in ("empty placeholder", "time with a colon")]
    assert problems(text, rules) == []


# --- Who may read the results ---------------------------------------------------------------------


def _view_only_staff():
    StaffFactory()  # the group exists
    account = UserFactory(is_staff=True)
    account.user_permissions.set(
        Group.objects.get(name=STAFF_GROUP).permissions.filter(codename__startswith="view_")
    )
    return account


@pytest.mark.parametrize("name", ["survey_results", "survey_results_csv", "survey_results_xlsx"])
def test_staff_who_may_only_read_see_the_results(client, world, name):
    client.force_login(_view_only_staff())
    assert client.get(reverse(f"members:{name}", args=[world["campaign"].pk])).status_code == 200


@pytest.mark.parametrize(
    "name", ["survey_results", "survey_results_csv", "survey_results_xlsx", "survey_results_pdf"]
)
def test_staff_without_the_permission_and_referents_may_not(client, world, name):
    url = reverse(f"members:{name}", args=[world["campaign"].pk])
    client.force_login(UserFactory(is_staff=True))
    assert client.get(url).status_code == 403
    referent = world["t"]["A"].memberships.get(role=Role.REFERENT).user
    client.force_login(referent)
    assert client.get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302


def test_an_unknown_campaign_is_a_404_for_staff(client, staff, world):
    client.force_login(staff)
    assert client.get(reverse("members:survey_results", args=[99999])).status_code == 404


def test_the_staff_home_and_the_campaigns_admin_page_lead_to_the_results(client, staff, world):
    client.force_login(staff)
    url = reverse("members:survey_results", args=[world["campaign"].pk])
    with_fiche_2026 = timezone.make_aware(datetime.datetime(2026, 5, 15, 10))
    with mock.patch("django.utils.timezone.now", return_value=with_fiche_2026):
        home = client.get(reverse("backoffice:home")).content.decode()
    assert f'href="{url}"' in home
    change = client.get(reverse("admin:members_fichecampaign_change", args=[world["campaign"].pk]))
    assert f'href="{url}"' in change.content.decode()


# --- An enquête asked of every person (issue 28's mutation run) ------------------------------------


def test_a_territory_has_answered_once_one_of_its_people_submitted_and_exports_that_answer(db):
    from members.models import SurveyResponse

    from .survey_factories import SurveyFactory

    names = ("Pays Un (fictif)", "Pays Deux (fictif)", "Pays Trois (fictif)", "Pays Quatre (fictif)")
    one, two, three, four = (
        territory(name, f"pays-{i}", NOUVELLE_AQUITAINE, PETR) for i, name in enumerate(names)
    )
    people = [UserFactory() for _ in range(2)]
    survey = SurveyFactory(one_per_person=True)

    def respond(territory, person, answers, *, submitted=False, saved=("contrats",), on=None):
        return SurveyResponse.objects.create(
            campaign=survey,
            territory=territory,
            person=person,
            answers=answers,
            saved_sections=list(saved),
            status=SUBMITTED if submitted else DRAFT,
            submitted_at=timezone.make_aware(datetime.datetime(2026, 5, on or 1, 10)) if submitted else None,
        )

    responses = [
        respond(one, people[0], {"crte_signe": "non"}),  # a draft first, then a submitted answer
        respond(one, people[1], {"crte_signe": "oui", "codev_membres": 7}, submitted=True, on=2),
        respond(two, people[0], {"crte_signe": "non", "codev_membres": 3}, submitted=True, on=3),
        respond(two, people[1], {"crte_signe": "oui"}),  # a draft after a submitted answer
        respond(three, people[0], {"crte_signe": "oui"}, saved=()),  # prefilled only
        respond(three, people[1], {}, saved=()),
    ]
    territories = [one, two, three, four]
    done = survey_results.completion(territories, responses)
    assert [(row.territory, row.state, row.label, row.response) for row in done.rows] == [
        (one, "answered", "Répondu", responses[1]),
        (two, "answered", "Répondu", responses[2]),
        (three, "not_started", "Pas commencé", responses[4]),
        (four, "not_started", "Pas commencé", None),
    ]
    assert (done.answered, done.in_progress, done.not_started) == (2, 0, 2)
    four_draft = respond(four, people[0], {"crte_signe": "non"})
    done = survey_results.completion(territories, [*responses, four_draft])
    assert [row.state for row in done.rows] == ["answered", "answered", "not_started", "in_progress"]
    assert (done.answered, done.in_progress, done.not_started) == (2, 1, 1)

    questions = survey_results.campaign_questionnaire(survey)
    assert survey_results.export_headers(questions) == [
        *["Territoire", "Personne", "Région", "Nature", "Statut", "Soumise le"],
        *["crte_signe", "crte_montant", "codev_membres", "codev_remarques"],
    ]
    rows = survey_results.export_rows(questions, territories, [*responses, four_draft])
    place = ["Nouvelle-Aquitaine", "PETR (pôle d'équilibre territorial et rural)"]
    # The person who submitted, then crte_signe, crte_montant, codev_membres, codev_remarques: a
    # draft's answers are not exported.
    first, second = (person.get_full_name() for person in people)
    assert rows == [
        [names[0], second, *place, "Répondu", datetime.date(2026, 5, 2), "Oui", None, 7, None],
        [names[1], first, *place, "Répondu", datetime.date(2026, 5, 3), "Non", None, 3, None],
        [names[2], "", *place, "Pas commencé", None, None, None, None, None],
        [names[3], "", *place, "En cours", None, None, None, None, None],
    ]


def test_a_territory_is_in_progress_once_one_of_its_people_saved_a_section_whoever_opened_first(db):
    """In an enquête asked of every person, a colleague's untouched draft (only prefilled) before or
    after a saved one does not hide that the territory has begun."""
    from members.models import SurveyResponse

    from .survey_factories import SurveyFactory

    survey = SurveyFactory(one_per_person=True)
    people = [UserFactory() for _ in range(2)]
    first, second = (territory(f"Pays {n} (fictif)", f"pays-{n}", NOUVELLE_AQUITAINE, PETR) for n in (1, 2))

    def draft(territory, person, saved):
        return SurveyResponse.objects.create(
            campaign=survey,
            territory=territory,
            person=person,
            answers={},
            saved_sections=saved,
            status=DRAFT,
        )

    responses = [
        draft(first, people[0], []),  # untouched, then begun
        draft(first, people[1], ["contrats"]),
        draft(second, people[0], ["contrats"]),  # begun, then untouched
        draft(second, people[1], []),
    ]
    done = survey_results.completion([first, second], responses)
    assert [(row.state, row.response) for row in done.rows] == [
        ("in_progress", responses[1]),
        ("in_progress", responses[2]),
    ]
    assert (done.answered, done.in_progress, done.not_started) == (0, 2, 0)
