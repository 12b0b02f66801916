"""Enquêtes run on the fiche's engine: who is asked, answering (drafts, sections, recap, submit and
its acknowledgement), the year page, reminders exactly once, and the staff's page."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from anpp_portal.formats import format_date, format_euros, format_number
from anpp_portal.models import OutboundEmail
from members import selectors, services, survey_results
from members.models import Survey, SurveyResponse
from tests.factories import MembershipFactory, TerritoryFactory, UserFactory

from .adhesion_factories import make_member
from .fiche_factories import FicheCampaignFactory
from .survey_factories import SurveyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def members_ab(territory_a, territory_b):
    # Territory A in Nouvelle-Aquitaine (75), B in Occitanie (76); both members this year.
    territory_b.region = "76"
    territory_b.save()
    make_member(territory_a)
    make_member(territory_b)
    return territory_a, territory_b


@pytest.fixture
def survey(members_ab):
    return SurveyFactory(regions=["75"])


def _url(name, territory, survey, **extra):
    return reverse(f"members:{name}", kwargs={"slug": territory.slug, "pk": survey.pk, **extra})


# --- Who is asked -----------------------------------------------------------------------------------


def test_audience_is_the_member_territories_of_the_chosen_regions(survey, territory_a, territory_b):
    assert list(selectors.survey_audience(survey)) == [territory_a]
    survey.regions = []
    assert set(selectors.survey_audience(survey)) == {territory_a, territory_b}


def test_audience_leaves_out_territories_that_are_not_members(members_ab, territory_a):
    outsider = TerritoryFactory(name="PETR non adhérent", slug="non-adherent")
    survey = SurveyFactory()
    assert outsider not in selectors.survey_audience(survey)
    assert territory_a in selectors.survey_audience(survey)


def test_audience_filters_on_the_kind_and_on_the_adhesion_status_of_the_year(
    members_ab, territory_a, territory_b
):
    territory_b.kind = "pays_association"
    territory_b.save()
    assert list(selectors.survey_audience(SurveyFactory(territory_kinds=["pays_association"]))) == [
        territory_b
    ]
    assert list(selectors.survey_audience(SurveyFactory(adhesion_statuses=["soumise"]))) == []
    assert set(selectors.survey_audience(SurveyFactory(adhesion_statuses=["payee"]))) == {
        territory_a,
        territory_b,
    }


def test_a_hand_picked_audience_is_exactly_the_territories_chosen(members_ab, territory_b):
    survey = SurveyFactory(audience=Survey.Audience.CHOSEN)
    survey.territories.set([territory_b])
    assert list(selectors.survey_audience(survey)) == [territory_b]


def test_the_fiche_audience_is_what_the_missing_fiches_count(territory_a, territory_b, referent_a):
    campaign = FicheCampaignFactory(year=2018)
    assert list(selectors.survey_audience(campaign)) == [territory_a]  # B has no référent
    assert list(selectors.territories_missing_fiche(campaign)) == [territory_a]


def test_fiches_and_enquetes_do_not_mix(survey, territory_a, referent_a):
    from members.models import FicheCampaign, FicheRenseignements

    campaign = FicheCampaignFactory(year=2018)
    services.survey_response_open(territory=territory_a, survey=survey, by=referent_a)
    assert list(FicheCampaign.objects.all()) == [campaign]
    assert not FicheRenseignements.objects.exists() and not territory_a.fiches.exists()
    assert territory_a.survey_responses.count() == 1
    assert str(campaign) == "Fiches de renseignements 2018" and str(survey) == survey.title


def test_only_one_fiche_campaign_a_year_but_any_number_of_enquetes(members_ab):
    from django.db import IntegrityError, transaction

    FicheCampaignFactory(year=2018)
    with pytest.raises(IntegrityError), transaction.atomic():
        Survey.objects.create(
            kind=Survey.Kind.FICHE,
            year=2018,
            opens_on=datetime.date(2018, 1, 1),
            closes_on=datetime.date(2018, 2, 1),
        )
    SurveyFactory(opens_on=datetime.date(2018, 3, 1))
    SurveyFactory(opens_on=datetime.date(2018, 3, 1))
    assert Survey.objects.filter(year=2018).count() == 3


# --- Answering ---------------------------------------------------------------------------------------


def test_a_referent_answers_section_by_section_comes_back_to_the_draft_and_submits(
    client, survey, territory_a, referent_a, send_outbox
):
    client.force_login(referent_a)
    response = client.get(_url("survey", territory_a, survey))
    assert response.status_code == 302 and response.url == _url(
        "survey_section", territory_a, survey, section="contrats"
    )
    page = client.get(response.url)
    assert "Contrats de ruralité" in page.content.decode() and survey.title in page.content.decode()
    saved = client.post(
        _url("survey_section", territory_a, survey, section="contrats"),
        {"version": 1, "crte_signe": "oui", "crte_montant": "1 234,50", "next": "1"},
    )
    assert saved.url == _url("survey_section", territory_a, survey, section="codev")
    # Leaves, comes back: the draft holds the answers.
    answer = SurveyResponse.objects.get(campaign=survey, territory=territory_a)
    assert answer.answers == {"crte_signe": "oui", "crte_montant": "1234.50"} and answer.status == "brouillon"
    assert (
        format_number(Decimal("1234.50"), decimals=2)
        in client.get(_url("survey_section", territory_a, survey, section="contrats")).content.decode()
    )
    recap = client.get(_url("survey_submit", territory_a, survey)).content.decode()
    assert format_euros(Decimal("1234.50")) in recap and "Confirmer et soumettre la réponse" in recap
    client.post(_url("survey_submit", territory_a, survey))
    answer.refresh_from_db()
    assert answer.status == "soumise"
    [ack] = send_outbox()
    assert (
        ack.to == [referent_a.email]
        and survey.title in ack.subject
        and format_euros(Decimal("1234.50")) in ack.body
    )
    # Submitting twice sends nothing more.
    client.post(_url("survey_submit", territory_a, survey))
    assert len(send_outbox()) == 1


def test_a_refused_answer_is_shown_next_to_its_field_in_french(client, survey, territory_a, referent_a):
    client.force_login(referent_a)
    url = _url("survey_section", territory_a, survey, section="codev")
    client.get(_url("survey", territory_a, survey))
    response = client.post(url, {"version": 1, "codev_membres": "-3"}, follow=True)
    assert "Ce nombre ne peut pas être négatif." in response.content.decode()
    assert SurveyResponse.objects.get(campaign=survey).answers == {}


def test_submitting_without_a_required_answer_is_refused(client, survey, territory_a, referent_a):
    client.force_login(referent_a)
    client.get(_url("survey", territory_a, survey))
    page = client.post(_url("survey_submit", territory_a, survey), follow=True).content.decode()
    assert "Il manque des réponses obligatoires" in page
    assert SurveyResponse.objects.get(campaign=survey).status == "brouillon"


def test_a_territory_outside_the_audience_gets_a_404(client, survey, territory_b, referent_b):
    client.force_login(referent_b)
    for name, extra in (("survey", {}), ("survey_submit", {}), ("survey_section", {"section": "contrats"})):
        assert client.get(_url(name, territory_b, survey, **extra)).status_code == 404
    assert not SurveyResponse.objects.exists()


def test_a_person_of_another_territory_gets_a_404(client, survey, territory_a, referent_b):
    client.force_login(referent_b)
    assert client.get(_url("survey", territory_a, survey)).status_code == 404
    assert client.post(_url("survey_submit", territory_a, survey)).status_code == 404


def test_a_survey_not_open_yet_is_a_404_for_territories_and_a_preview_for_staff(
    client, members_ab, territory_a, referent_a, staff
):
    later = SurveyFactory(opens_on=timezone.localdate() + datetime.timedelta(days=5))
    client.force_login(referent_a)
    assert client.get(_url("survey", territory_a, later)).status_code == 404
    client.force_login(staff)
    preview = client.get(reverse("members:survey_preview", args=[later.pk]))
    assert preview.status_code == 200 and "Nombre de membres du conseil" in preview.content.decode()


def test_a_closed_survey_reads_only(client, survey, territory_a, referent_a):
    client.force_login(referent_a)
    section = _url("survey_section", territory_a, survey, section="contrats")
    client.get(_url("survey", territory_a, survey))
    client.post(section, {"version": 1, "crte_signe": "non"})
    Survey.objects.filter(pk=survey.pk).update(closes_on=timezone.localdate() - datetime.timedelta(days=1))
    page = client.get(section).content.decode()
    assert "Cette enquête est close" in page and "disabled" in page and "Enregistrer" not in page
    refused = client.post(section, {"version": 2, "crte_signe": "oui"}, follow=True).content.decode()
    assert "est close depuis le" in refused
    assert SurveyResponse.objects.get(campaign=survey).answers["crte_signe"] == "non"


def test_one_answer_per_person_keeps_each_persons_answer_apart(client, members_ab, territory_a, referent_a):
    survey = SurveyFactory(one_per_person=True)
    colleague = MembershipFactory(territory=territory_a, role="membre").user
    for person, value in ((referent_a, "oui"), (colleague, "non")):
        client.force_login(person)
        client.get(_url("survey", territory_a, survey))
        client.post(
            _url("survey_section", territory_a, survey, section="contrats"),
            {"version": 1, "crte_signe": value},
        )
    answers = dict(
        SurveyResponse.objects.filter(campaign=survey).values_list("person_id", "answers__crte_signe")
    )
    assert answers == {referent_a.pk: "oui", colleague.pk: "non"}


def test_the_prefill_comes_from_the_latest_submitted_fiche_by_key(survey, territory_a, referent_a):
    from .fiche_factories import COMPLETE_ANSWERS

    campaign = FicheCampaignFactory(year=2018)
    fiche = services.fiche_open(
        territory=territory_a, campaign=campaign, by=referent_a, today=datetime.date(2018, 3, 2)
    )
    fiche = services.fiche_save_section(
        fiche=fiche, answers=COMPLETE_ANSWERS, version=fiche.version, by=referent_a
    )
    services.fiche_submit(fiche=fiche, by=referent_a)
    from members.services.questionnaire import questionnaire_from_definition

    other = SurveyFactory(prefill=Survey.Prefill.FICHE, questions=False, regions=["75"])
    questionnaire_from_definition(
        campaign=other,
        definition=[
            {
                "slug": "s",
                "title": "S",
                "questions": [{"key": "population", "label": "Population", "kind": "integer"}],
            }
        ],
    )
    answer = services.survey_response_open(territory=territory_a, survey=other, by=referent_a)
    assert answer.answers == {"population": COMPLETE_ANSWERS["population"]}


def test_the_epci_check_is_the_save_services_whoever_calls_it(territory_a, referent_a):
    campaign = FicheCampaignFactory(year=2018)
    fiche = services.fiche_open(
        territory=territory_a, campaign=campaign, by=referent_a, today=datetime.date(2018, 3, 2)
    )
    with pytest.raises(services.FicheAnswersRefused) as refused:
        services.fiche_save_section(
            fiche=fiche,
            answers={"population": 1000, "epci": [{"nom": "CC fictive", "population": 5000}]},
            version=fiche.version,
            by=referent_a,
        )
    assert "population" in refused.value.errors


# --- The year page ---------------------------------------------------------------------------------


def test_the_year_page_lists_the_open_surveys_with_their_deadline(
    client, survey, territory_a, territory_b, referent_a, referent_b
):
    Survey.objects.filter(pk=survey.pk).update(closes_on=datetime.date(2027, 1, 15))
    client.force_login(referent_a)
    page = client.get(territory_a.get_absolute_url()).content.decode()
    assert survey.title in page and "jusqu'au 15 janvier 2027" in page
    client.force_login(referent_b)
    assert survey.title not in client.get(territory_b.get_absolute_url()).content.decode()


# --- Reminders -----------------------------------------------------------------------------------


def test_reminders_run_twice_and_across_a_worker_restart_send_one_email_per_person_and_step(
    members_ab, territory_a, referent_a, send_outbox
):
    from members import tasks

    # Opened ten days ago: the first step (10 days) is due today.
    survey = SurveyFactory(regions=["75"], opens_on=timezone.localdate() - datetime.timedelta(days=10))
    second = MembershipFactory(territory=territory_a, role="referent").user
    # The beat fires twice; the worker dies before delivering anything (recorded, still pending).
    assert tasks.send_survey_reminders.apply().get() == 2
    assert tasks.send_survey_reminders.apply().get() == 0
    assert (
        mail.outbox == [] and OutboundEmail.objects.filter(status=OutboundEmail.Status.PENDING).count() == 2
    )
    # The restarted worker runs the schedule again, then the outbox relay delivers.
    assert tasks.send_survey_reminders.apply().get() == 0
    sent = send_outbox()
    assert sorted(m.to[0] for m in sent) == sorted([referent_a.email, second.email])
    assert len(send_outbox()) == 2  # delivered once
    # The next step, once each; a submission stops them.
    later = survey.opens_on + datetime.timedelta(days=20)
    assert services.survey_reminders_send(today=later) == 2
    assert services.survey_reminders_send(today=later) == 0
    answer = services.survey_response_open(territory=territory_a, survey=survey, by=referent_a)
    answer = services.fiche_save_section(
        fiche=answer, answers={"crte_signe": "oui"}, version=answer.version, by=referent_a
    )
    services.fiche_submit(fiche=answer, by=referent_a)
    assert services.survey_reminders_send(today=survey.opens_on + datetime.timedelta(days=30)) == 0
    keys = list(
        OutboundEmail.objects.filter(key__startswith="survey-reminder:").values_list("key", flat=True)
    )
    assert len(keys) == len(set(keys)) == 4
    assert {key.rsplit(":", 2)[-2] for key in keys} == {"10", "20"}


def test_one_per_person_reminders_go_to_each_person_who_has_not_submitted(
    members_ab, territory_a, referent_a
):
    survey = SurveyFactory(
        one_per_person=True, regions=["75"], opens_on=timezone.localdate() - datetime.timedelta(days=10)
    )
    colleague = MembershipFactory(territory=territory_a, role="membre").user
    answer = services.survey_response_open(territory=territory_a, survey=survey, by=colleague)
    answer = services.fiche_save_section(
        fiche=answer, answers={"crte_signe": "oui"}, version=answer.version, by=colleague
    )
    services.fiche_submit(fiche=answer, by=colleague)
    assert services.survey_reminders_send() == 1
    assert OutboundEmail.objects.get(key__startswith="survey-reminder:").to == referent_a.email


def test_staff_remind_the_late_ones_in_one_click_once_a_day(
    client, survey, territory_a, referent_a, staff, send_outbox
):
    client.force_login(staff)
    response = client.post(reverse("members:survey_remind", args=[survey.pk]), {"retour": "equipe"})
    assert response.url == reverse("backoffice:home")
    client.post(reverse("members:survey_remind", args=[survey.pk]))
    [message] = send_outbox()
    assert message.to == [referent_a.email] and survey.title in message.subject


def test_reminding_is_staff_only(client, survey, referent_a):
    client.force_login(referent_a)
    assert client.post(reverse("members:survey_remind", args=[survey.pk])).status_code == 404
    with pytest.raises(services.NotAllowed):
        services.survey_remind_late(survey=survey, by=referent_a)


# --- Staff ---------------------------------------------------------------------------------------


def test_staff_see_how_many_territories_answered(
    client, members_ab, territory_a, territory_b, referent_a, staff
):
    survey = SurveyFactory()
    answer = services.survey_response_open(territory=territory_a, survey=survey, by=referent_a)
    answer = services.fiche_save_section(
        fiche=answer, answers={"crte_signe": "oui"}, version=answer.version, by=referent_a
    )
    services.fiche_submit(fiche=answer, by=referent_a)
    client.force_login(staff)
    page = client.get(reverse("members:survey_staff", args=[survey.pk])).content.decode()
    assert "1 sur 2 territoires ont répondu" in page and territory_b.name in page


def test_the_survey_page_and_its_results_count_the_same_territories_in_the_same_states(
    client, members_ab, territory_a, territory_b, referent_a, referent_b, staff
):
    """One count of « N sur M » for both staff pages: a territory that answered stays counted after it
    left the audience, and a draft only opened (prefilled) is « Pas commencé » on both."""
    TerritoryFactory(name="Pays C non adhérent (fictif)", slug="pays-c")
    first, second = SurveyFactory(), SurveyFactory()
    answer = services.survey_response_open(territory=territory_a, survey=first, by=referent_a)
    answer = services.fiche_save_section(
        fiche=answer, answers={"crte_signe": "oui"}, version=answer.version, by=referent_a
    )
    services.fiche_submit(fiche=answer, by=referent_a)
    answer = services.survey_response_open(territory=territory_b, survey=first, by=referent_b)
    services.fiche_save_section(
        fiche=answer,
        answers={"crte_signe": "non"},
        version=answer.version,
        by=referent_b,
        section=first.sections.order_by("order").first().slug,
    )
    services.survey_response_open(territory=territory_a, survey=second, by=referent_a)
    # B answered the first survey, then the survey was narrowed to A's région: B stays counted.
    Survey.objects.filter(pk=first.pk).update(regions=[territory_a.region])
    client.force_login(staff)
    for survey, said, states in (
        (first, "1 sur 2", {territory_a.name: "Répondu", territory_b.name: "En cours"}),
        (second, "0 sur 2", {territory_a.name: "Pas commencé", territory_b.name: "Pas commencé"}),
    ):
        page = client.get(reverse("members:survey_staff", args=[survey.pk])).content.decode()
        results = client.get(reverse("members:survey_results", args=[survey.pk])).content.decode()
        assert f"{said} territoires ont répondu" in page and f"{said} ont répondu" in results
        for name, state in states.items():
            assert f"<td>{name}</td><td>{state}</td>" in page, page[page.index("<tbody>") :][:600]
        assert "Pays C" not in page and "Pays C" not in results


def test_opening_a_survey_freezes_its_questions(client, members_ab, staff):
    survey = SurveyFactory(opens_on=timezone.localdate() + datetime.timedelta(days=10))
    assert not services.questionnaire_is_frozen(survey)
    client.force_login(staff)
    client.post(reverse("members:survey_open", args=[survey.pk]))
    survey.refresh_from_db()
    assert survey.opens_on == timezone.localdate() and services.questionnaire_is_frozen(survey)


def test_a_survey_without_questions_cannot_be_opened(members_ab, staff):
    survey = SurveyFactory(opens_on=timezone.localdate() + datetime.timedelta(days=10), questions=False)
    with pytest.raises(services.MembersError):
        services.survey_open_now(survey=survey, by=staff)


def test_the_staff_pages_of_a_survey_are_a_404_for_anyone_else(client, survey, referent_a):
    client.force_login(referent_a)
    for name in ("survey_staff", "survey_preview"):
        assert client.get(reverse(f"members:{name}", args=[survey.pk])).status_code == 404
    assert client.post(reverse("members:survey_open", args=[survey.pk])).status_code == 404


def test_staff_create_a_survey_from_a_copy_or_from_the_fiche_template(members_ab, staff):
    source = SurveyFactory()
    copy = services.survey_create(
        by=staff,
        start_from=str(source.pk),
        title="Copie fictive",
        opens_on=datetime.date(2027, 1, 1),
        closes_on=datetime.date(2027, 2, 1),
    )
    assert [s.slug for s in copy.sections.all()] == ["contrats", "codev"] and copy.year == 2027
    template = services.survey_create(
        by=staff,
        start_from=services.TEMPLATE_FICHE,
        title="Modèle fictif",
        opens_on=datetime.date(2027, 1, 1),
        closes_on=datetime.date(2027, 2, 1),
    )
    assert template.sections.filter(slug="perimetre").exists()


# --- Admin -------------------------------------------------------------------------------------------


def test_staff_create_an_enquete_in_the_admin_from_the_fiche_template(client, members_ab, territory_a, staff):
    client.force_login(staff)
    add = reverse("admin:members_survey_add")
    form = client.get(add).content.decode()
    assert (
        "Modèle : questionnaire de la fiche de renseignements" in form
        and "régions (toutes si aucune)" in form.lower()
    )
    response = client.post(
        add,
        {
            "start_from": "modele-fiche",
            "title": "Enquête fictive sur les conseils de développement",
            "intro_text": "",
            "opens_on": "2027-01-04",
            "closes_on": "2027-02-15",
            "audience": "adherents",
            "regions": ["75"],
            "prefill": "",
            "reminder_days_not_started": "10, 20",
            "reminder_days_not_submitted": "",
            "sections-TOTAL_FORMS": "0",
            "sections-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    survey = Survey.objects.get(title__startswith="Enquête fictive sur les conseils")
    assert survey.kind == "enquete" and survey.year == 2027 and survey.regions == ["75"]
    assert (
        sorted(survey.reminder_days_not_started) == [10, 20]
        and survey.sections.filter(slug="perimetre").exists()
    )


def test_the_admin_refuses_a_hand_picked_audience_without_territories_in_french(client, members_ab, staff):
    client.force_login(staff)
    response = client.post(
        reverse("admin:members_survey_add"),
        {
            "start_from": "",
            "title": "Enquête fictive",
            "opens_on": "2027-01-04",
            "closes_on": "2027-01-01",
            "audience": "liste",
            "prefill": "enquete",
            "reminder_days_not_started": "",
            "reminder_days_not_submitted": "",
            "sections-TOTAL_FORMS": "0",
            "sections-INITIAL_FORMS": "0",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200 and not Survey.objects.filter(title="Enquête fictive").exists()
    assert "Choisissez au moins un territoire." in page
    assert "Choisissez l&#x27;enquête dont les réponses préremplissent celle-ci." in page


def test_the_fiche_campaigns_are_not_listed_among_the_enquetes(client, members_ab, staff):
    FicheCampaignFactory(year=2018)
    survey = SurveyFactory()
    client.force_login(staff)
    page = client.get(reverse("admin:members_survey_changelist")).content.decode()
    assert survey.title in page and "Fiches de renseignements 2018" not in page


def test_the_staff_home_lists_the_open_surveys_with_a_button_to_remind_the_late_ones(
    client, survey, territory_a, referent_a, staff, send_outbox
):
    client.force_login(staff)
    home = client.get(reverse("backoffice:home")).content.decode()
    assert survey.title in home and "jusqu'au" in home and "Relancer les retardataires" in home
    token = home.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    client.post(
        reverse("members:survey_remind", args=[survey.pk]), {"retour": "equipe", "csrfmiddlewaretoken": token}
    )
    assert [m.to for m in send_outbox()] == [[referent_a.email]]


def test_a_persons_own_answers_are_in_their_personal_data_export(members_ab, territory_a, referent_a):
    from anpp_portal import privacy

    survey = SurveyFactory(one_per_person=True)
    answer = services.survey_response_open(territory=territory_a, survey=survey, by=referent_a)
    services.fiche_save_section(
        fiche=answer, answers={"crte_signe": "oui"}, version=answer.version, by=referent_a
    )
    [exported] = privacy.personal_data_export(user=referent_a)["members"][
        "reponses_personnelles_aux_enquetes"
    ]
    assert exported["enquete"] == survey.title and exported["reponses"] == {"crte_signe": "oui"}


def test_an_opened_enquete_takes_no_new_section_in_the_admin(client, members_ab, staff):
    opened = SurveyFactory(title="Enquête fictive ouverte")
    later = SurveyFactory(
        title="Enquête fictive à venir", opens_on=timezone.localdate() + datetime.timedelta(days=5)
    )
    client.force_login(staff)
    form = client.get(reverse("admin:members_questionnairesection_add")).content.decode()
    assert later.title in form and opened.title not in form
    section = opened.sections.first()
    page = client.get(
        reverse("admin:members_questionnairesection_change", args=[section.pk])
    ).content.decode()
    assert 'name="title"' not in page  # read-only: its questions are frozen


def test_the_prefill_comes_from_an_earlier_surveys_submitted_answer_by_key(
    members_ab, territory_a, referent_a
):
    earlier = SurveyFactory(title="Enquête fictive de l'an passé")
    draft_only = SurveyFactory(title="Enquête fictive jamais soumise")
    answer = services.survey_response_open(territory=territory_a, survey=earlier, by=referent_a)
    answer = services.fiche_save_section(
        fiche=answer,
        answers={"crte_signe": "oui", "codev_membres": 30},
        version=answer.version,
        by=referent_a,
    )
    services.fiche_submit(fiche=answer, by=referent_a)
    services.survey_response_open(territory=territory_a, survey=draft_only, by=referent_a)
    again = SurveyFactory(prefill=Survey.Prefill.SURVEY, prefill_from=earlier)
    assert services.survey_response_open(territory=territory_a, survey=again, by=referent_a).answers == {
        "crte_signe": "oui",
        "codev_membres": 30,
    }
    from_draft = SurveyFactory(prefill=Survey.Prefill.SURVEY, prefill_from=draft_only)
    assert (
        services.survey_response_open(territory=territory_a, survey=from_draft, by=referent_a).answers == {}
    )


def test_a_fiche_campaign_validates_as_a_fiche_without_a_title(client, staff):
    from members.models import FicheCampaign

    FicheCampaign(
        year=2031, opens_on=datetime.date(2031, 3, 1), closes_on=datetime.date(2031, 6, 30)
    ).full_clean()
    client.force_login(staff)
    response = client.post(
        reverse("admin:members_fichecampaign_add"),
        {
            "year": "2031",
            "opens_on": "2031-03-01",
            "closes_on": "2031-06-30",
            "reminder_days_not_started": "",
            "reminder_days_not_submitted": "",
            "intro_text": "",
            "sections-TOTAL_FORMS": "0",
            "sections-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    assert FicheCampaign.objects.get(year=2031).kind == "fiche"


def test_an_enquetes_admin_page_opens_before_and_after_its_opening_without_the_starting_choice(
    client, members_ab, staff
):
    """The questions to start from are chosen on creation only: the change page of an enquête, open
    or not yet, shows its fields without that choice (it once answered 500 asking for it)."""
    client.force_login(staff)
    add = client.get(reverse("admin:members_survey_add")).content.decode()
    assert 'name="start_from"' in add
    today = timezone.localdate()
    for opened in (False, True):
        opens_on = today if opened else today + datetime.timedelta(days=7)
        survey = SurveyFactory(
            title=f"Enquête fictive {opened}",
            opens_on=opens_on,
            closes_on=today + datetime.timedelta(days=30),
        )
        response = client.get(reverse("admin:members_survey_change", args=[survey.pk]))
        page = response.content.decode()
        assert response.status_code == 200 and f"Enquête fictive {opened}" in page
        assert 'name="start_from"' not in page


# --- Two of everything (issue 28's mutation run on the survey engine, tests/MUTANTS.md) ------------

POPULATION_ONLY = [
    {
        "slug": "s",
        "title": "S",
        "questions": [
            {"key": "population", "label": "Population", "kind": "integer"},
            {"key": "etp", "label": "Équivalents temps plein", "kind": "decimal"},
        ],
    }
]


def _submitted(campaign, territory, answers, *, person=None, at=None, status=SurveyResponse.Status.SOUMISE):
    return SurveyResponse.objects.create(
        campaign=campaign,
        territory=territory,
        person=person,
        status=status,
        answers=answers,
        submitted_at=at or timezone.now() if status == SurveyResponse.Status.SOUMISE else None,
    )


def test_an_enquete_prefills_from_its_territorys_latest_submitted_fiche_only_with_its_own_keys(
    members_ab, territory_a, territory_b, referent_a, referent_b
):
    fiches = {year: FicheCampaignFactory(year=year) for year in (2017, 2018, 2019)}
    # Created oldest first, so that neither the oldest year nor the first row is the latest.
    _submitted(fiches[2017], territory_a, {"population": 1700, "etp": "1", "nom": "A 2017"})
    _submitted(fiches[2018], territory_a, {"population": 1800, "nom": "A 2018"})
    _submitted(fiches[2019], territory_a, {"population": 1900}, status=SurveyResponse.Status.BROUILLON)
    _submitted(fiches[2017], territory_b, {"population": 2700, "etp": "2"})
    _submitted(fiches[2019], territory_b, {"population": 2900, "etp": "3"})
    surveys = [SurveyFactory(prefill=Survey.Prefill.FICHE, questions=POPULATION_ONLY) for _ in range(2)]
    for survey in surveys:
        assert services.survey_response_open(territory=territory_a, survey=survey, by=referent_a).answers == {
            "population": 1800
        }
        assert services.survey_response_open(territory=territory_b, survey=survey, by=referent_b).answers == {
            "population": 2900,
            "etp": "3",
        }
    # An enquête that asks for no prefill starts empty.
    assert (
        services.survey_response_open(
            territory=territory_a, survey=SurveyFactory(questions=POPULATION_ONLY), by=referent_a
        ).answers
        == {}
    )


def test_an_enquete_prefills_from_its_territorys_latest_submitted_answer_to_the_earlier_enquete(
    members_ab, territory_a, territory_b, referent_a, referent_b
):
    earlier = SurveyFactory(one_per_person=True, questions=POPULATION_ONLY)
    other = SurveyFactory(one_per_person=True, questions=POPULATION_ONLY)
    colleague = MembershipFactory(territory=territory_a, role="membre").user
    now = timezone.now()
    _submitted(
        earlier, territory_a, {"population": 100}, person=referent_a, at=now - datetime.timedelta(days=2)
    )
    _submitted(
        earlier, territory_a, {"population": 110}, person=colleague, at=now - datetime.timedelta(days=1)
    )
    _submitted(earlier, territory_b, {"population": 200, "etp": "2"}, person=referent_b, at=now)
    _submitted(other, territory_a, {"population": 999}, person=referent_a, at=now)
    again = SurveyFactory(prefill=Survey.Prefill.SURVEY, prefill_from=earlier, questions=POPULATION_ONLY)
    assert services.survey_response_open(territory=territory_a, survey=again, by=referent_a).answers == {
        "population": 110
    }
    assert services.survey_response_open(territory=territory_b, survey=again, by=referent_b).answers == {
        "population": 200,
        "etp": "2",
    }
    # An earlier enquête named, but no prefill asked: nothing is prefilled.
    unasked = SurveyFactory(prefill=Survey.Prefill.NONE, prefill_from=earlier, questions=POPULATION_ONLY)
    assert services.survey_response_open(territory=territory_a, survey=unasked, by=referent_a).answers == {}


def test_a_territory_sees_the_open_enquetes_asked_of_it_soonest_deadline_first_with_its_own_state(
    members_ab, territory_a, territory_b, referent_a
):
    # A: Nouvelle-Aquitaine (75), a PETR; B: Occitanie (76), a pays associatif; both members this
    # year. C: not a member.
    territory_b.kind = "pays_association"
    territory_b.save()
    outsider = TerritoryFactory(name="Pays C non adhérent (fictif)", slug="pays-c", region="75")
    today = timezone.localdate()

    def open_until(days, **fields):
        return SurveyFactory(closes_on=today + datetime.timedelta(days=days), **fields)

    everyone = open_until(5)
    region_75 = open_until(10, regions=["75"])
    associations = open_until(10, territory_kinds=["pays_association"])
    paid_this_year = open_until(20, adhesion_statuses=["payee"])
    submitted_only = open_until(3, adhesion_statuses=["soumise"])
    chosen = open_until(2, audience=Survey.Audience.CHOSEN)
    chosen.territories.set([territory_b, outsider])
    per_person = open_until(30, one_per_person=True)
    open_until(1, opens_on=today + datetime.timedelta(days=1))  # not open yet
    SurveyFactory(opens_on=today - datetime.timedelta(days=20), closes_on=today - datetime.timedelta(days=1))
    FicheCampaignFactory(year=today.year, opens_on=today - datetime.timedelta(days=1), closes_on=today)
    # A's own answers: a draft, a submitted one, and a person's answer (theirs, not the territory's).
    _submitted(everyone, territory_a, {}, status=SurveyResponse.Status.BROUILLON)
    _submitted(region_75, territory_a, {"crte_signe": "oui"})
    _submitted(per_person, territory_a, {"crte_signe": "oui"}, person=referent_a)
    _submitted(everyone, territory_b, {"crte_signe": "oui"})

    def seen(territory):
        return [(s, s.territory_status) for s in selectors.surveys_open_for_territory(territory)]

    assert seen(territory_a) == [
        (everyone, "brouillon"),
        (region_75, "soumise"),
        (paid_this_year, ""),
        (per_person, ""),
    ]
    assert seen(territory_b) == [
        (chosen, ""),
        (everyone, "soumise"),
        (associations, ""),
        (paid_this_year, ""),
        (per_person, ""),
    ]
    assert seen(outsider) == [(chosen, "")]
    assert submitted_only not in [s for s, _ in seen(territory_a) + seen(territory_b)]
    # Another day: what is open then.
    assert [s for s, _ in seen_on(territory_a, today + datetime.timedelta(days=8))] == [
        region_75,
        paid_this_year,
        per_person,
    ]


def seen_on(territory, day):
    return [(s, s.territory_status) for s in selectors.surveys_open_for_territory(territory, today=day)]


def test_staff_count_the_territories_that_submitted_whatever_the_drafts_of_their_people(
    members_ab, territory_a, territory_b, referent_a, referent_b
):
    TerritoryFactory(name="Pays C non adhérent (fictif)", slug="pays-c")
    colleague = MembershipFactory(territory=territory_a, role="membre").user
    colleague_b = MembershipFactory(territory=territory_b, role="membre").user
    first, second = (SurveyFactory(one_per_person=True) for _ in range(2))
    # On the first survey, A's référent submitted, then a colleague began a draft; in B, the
    # other way round: a draft first, then a submitted answer. Both territories have answered.
    _submitted(first, territory_a, {"crte_signe": "oui"}, person=referent_a)
    _submitted(first, territory_a, {}, person=colleague, status=SurveyResponse.Status.BROUILLON)
    _submitted(first, territory_b, {}, person=referent_b, status=SurveyResponse.Status.BROUILLON)
    _submitted(first, territory_b, {"crte_signe": "non"}, person=colleague_b)
    # On the second, A began a draft; nobody of B began.
    _submitted(second, territory_a, {}, person=colleague, status=SurveyResponse.Status.BROUILLON)

    def seen(survey):
        done = survey_results.campaign_completion(survey)
        return ([(row.territory, row.label) for row in done.rows], done.total, done.answered)

    assert seen(first) == ([(territory_a, "Répondu"), (territory_b, "Répondu")], 2, 2)
    # A's draft was opened (prefilled) but no section saved: not started, as on the results page.
    assert seen(second) == ([(territory_a, "Pas commencé"), (territory_b, "Pas commencé")], 2, 0)


def _reminder_keys():
    return {
        (key, to)
        for key, to in OutboundEmail.objects.filter(key__startswith="survey-reminder:").values_list(
            "key", "to"
        )
    }


def _key(survey, territory, kind, step, user):
    return (f"survey-reminder:{survey.pk}:{territory.pk}:{kind}:{step}:{user.pk}", user.email)


def test_each_late_territory_or_person_is_reminded_at_its_own_step_of_each_open_enquete(
    members_ab, territory_a, territory_b, referent_a, referent_b
):
    today = timezone.localdate()
    opened = today - datetime.timedelta(days=10)  # steps: not started 10 and 20, not submitted 20
    colleague = MembershipFactory(territory=territory_a, role="membre").user
    MembershipFactory(territory=territory_b, role="membre", user__is_active=False)
    make_member(TerritoryFactory(name="Pays C sans personne (fictif)", slug="pays-c"))  # nobody to remind
    per_territory = SurveyFactory(opens_on=opened)
    per_person = SurveyFactory(opens_on=opened, one_per_person=True)
    closing_today = SurveyFactory(opens_on=opened, closes_on=today, regions=["76"])
    SurveyFactory(opens_on=today - datetime.timedelta(days=30), closes_on=today - datetime.timedelta(days=1))
    fiche = FicheCampaignFactory(
        year=today.year, opens_on=opened, closes_on=today + datetime.timedelta(days=5)
    )
    fiche.reminder_days_not_started = [10]
    fiche.save()
    _submitted(per_territory, territory_a, {}, status=SurveyResponse.Status.BROUILLON)  # A started
    _submitted(per_person, territory_a, {}, person=referent_a, status=SurveyResponse.Status.BROUILLON)
    _submitted(per_person, territory_b, {"crte_signe": "oui"}, person=referent_b)
    # Day 10: only the not-started step is due; whoever started is not reminded yet.
    assert services.survey_reminders_send(today=today) == 3
    assert _reminder_keys() == {
        _key(per_territory, territory_b, "not-started", 10, referent_b),
        _key(per_person, territory_a, "not-started", 10, colleague),
        _key(closing_today, territory_b, "not-started", 10, referent_b),
    }
    # Day 20: each late one at its step, once.
    day_20 = today + datetime.timedelta(days=10)
    assert services.survey_reminders_send(today=day_20) == 4
    assert services.survey_reminders_send(today=day_20) == 0
    assert _reminder_keys() - {
        _key(per_territory, territory_b, "not-started", 10, referent_b),
        _key(per_person, territory_a, "not-started", 10, colleague),
        _key(closing_today, territory_b, "not-started", 10, referent_b),
    } == {
        _key(per_territory, territory_a, "not-submitted", 20, referent_a),
        _key(per_territory, territory_b, "not-started", 20, referent_b),
        _key(per_person, territory_a, "not-submitted", 20, referent_a),
        _key(per_person, territory_a, "not-started", 20, colleague),
    }


def test_staff_remind_now_each_late_territory_once_a_day_and_only_while_the_enquete_is_open(
    members_ab, territory_a, territory_b, referent_a, referent_b, staff
):
    today = timezone.localdate()
    make_member(TerritoryFactory(name="Pays C sans référent (fictif)", slug="pays-c"))  # nobody to remind
    survey, other, third = SurveyFactory(), SurveyFactory(), SurveyFactory()
    _submitted(survey, territory_a, {}, status=SurveyResponse.Status.BROUILLON)
    _submitted(other, territory_b, {"crte_signe": "oui"})
    _submitted(third, territory_a, {"crte_signe": "oui"})
    day = f"manual-{today:%Y%m%d}"
    assert services.survey_remind_late(survey=survey, by=staff) == 2
    assert services.survey_remind_late(survey=survey, by=staff, today=today) == 0
    assert services.survey_remind_late(survey=other, by=staff) == 1
    assert services.survey_remind_late(survey=third, by=staff) == 1
    assert _reminder_keys() == {
        _key(survey, territory_a, "not-submitted", day, referent_a),
        _key(survey, territory_b, "not-started", day, referent_b),
        _key(other, territory_a, "not-started", day, referent_a),
        _key(third, territory_b, "not-started", day, referent_b),
    }
    tomorrow = today + datetime.timedelta(days=1)
    assert services.survey_remind_late(survey=survey, by=staff, today=tomorrow) == 2
    for day in (survey.closes_on + datetime.timedelta(days=1), survey.opens_on - datetime.timedelta(days=1)):
        assert (
            _refusal(services.FicheError, services.survey_remind_late, survey=survey, by=staff, today=day)
            == "Cette enquête n'est pas ouverte : personne n'est à relancer."
        )
    assert services.survey_remind_late(survey=survey, by=staff, today=survey.closes_on) == 2
    reader = UserFactory(is_staff=True)
    reader.user_permissions.set(Permission.objects.filter(codename="view_survey"))
    for person in (reader, referent_a):
        assert (
            _refusal(services.NotAllowed, services.survey_remind_late, survey=survey, by=person) == STAFF_ONLY
        )


def _refusal(refusal, call, **kwargs):
    """The message of the refusal ``call(**kwargs)`` raises (shown to the person as it is)."""
    with pytest.raises(refusal) as refused:
        call(**kwargs)
    return str(refused.value)


STAFF_ONLY = "Réservé à l'équipe de l'ANPP."


def test_staff_open_an_enquete_of_a_later_year_today_and_only_once(members_ab, staff):
    today = timezone.localdate()
    next_year = SurveyFactory(opens_on=datetime.date(today.year + 1, 1, 10))
    tomorrow = SurveyFactory(
        opens_on=today + datetime.timedelta(days=1), closes_on=today + datetime.timedelta(days=1)
    )
    opening_today = SurveyFactory(opens_on=today)
    empty = SurveyFactory(opens_on=today + datetime.timedelta(days=1), questions=False)
    reader = UserFactory(is_staff=True)
    reader.user_permissions.set(Permission.objects.filter(codename="view_survey"))
    assert _refusal(services.NotAllowed, services.survey_open_now, survey=next_year, by=reader) == STAFF_ONLY
    opened = services.survey_open_now(survey=next_year, by=staff)
    next_year.refresh_from_db()
    assert (opened.opens_on, opened.year) == (next_year.opens_on, next_year.year) == (today, today.year)
    assert services.survey_open_now(survey=tomorrow, by=staff, today=today).opens_on == today
    for survey in (next_year, opening_today):
        assert (
            _refusal(services.FicheError, services.survey_open_now, survey=survey, by=staff)
            == "Cette enquête est déjà ouverte."
        )
    assert (
        _refusal(services.FicheError, services.survey_open_now, survey=empty, by=staff)
        == "Cette enquête n'a encore aucune question."
    )


def test_each_person_saves_and_submits_only_their_own_answer_and_is_acknowledged(
    members_ab, territory_a, territory_b, referent_a, referent_b
):
    colleague = MembershipFactory(territory=territory_a, role="membre").user
    per_person = SurveyFactory(one_per_person=True)
    per_territory = SurveyFactory()
    mine = services.survey_response_open(territory=territory_a, survey=per_person, by=colleague)
    not_yours = "Vous n'agissez pas pour ce territoire."
    for intruder in (referent_a, referent_b):
        save = {"fiche": mine, "answers": {"crte_signe": "non"}, "version": 1, "by": intruder}
        assert _refusal(services.NotAllowed, services.fiche_save_section, **save) == not_yours
        assert _refusal(services.NotAllowed, services.fiche_submit, fiche=mine, by=intruder) == not_yours
    mine = services.fiche_save_section(
        fiche=mine, answers={"crte_signe": "oui"}, version=1, by=colleague, section="contrats"
    )
    mine = services.fiche_save_section(
        fiche=mine, answers={"codev_membres": 12}, version=2, by=colleague, section="codev"
    )
    mine = services.fiche_save_section(
        fiche=mine, answers={"crte_montant": "10.5"}, version=3, by=colleague, section="contrats"
    )
    assert (mine.version, mine.saved_sections, mine.updated_by) == (4, ["contrats", "codev"], colleague)
    # The audit trail says who saved.
    assert [(h.version, h.history_user) for h in mine.history.order_by("version")][-1] == (4, colleague)
    assert mine.answers == {"crte_signe": "oui", "codev_membres": 12, "crte_montant": "10.5"}
    with pytest.raises(services.FicheStale) as stale:
        services.fiche_save_section(fiche=mine, answers={"crte_signe": "non"}, version=3, by=colleague)
    # An enquête's refusals name a response, not a fiche.
    assert str(stale.value).startswith(f"{colleague.get_full_name()} a enregistré cette réponse le ")
    submitted = services.fiche_submit(fiche=mine, by=colleague)
    mine.refresh_from_db()
    assert (mine.status, mine.version, mine.updated_by) == ("soumise", 5, colleague)
    assert [(h.status, h.history_user) for h in mine.history.order_by("version")][-1] == (
        "soumise",
        colleague,
    )
    assert submitted.submitted_at is not None
    # A person's answer is acknowledged to that person only.
    assert list(OutboundEmail.objects.filter(key__startswith="survey:").values_list("to", flat=True)) == [
        colleague.email
    ]
    assert (
        _refusal(services.FicheLocked, services.fiche_submit, fiche=mine, by=colleague)
        == "Cette réponse a déjà été soumise."
    )
    assert _refusal(
        services.FicheLocked,
        services.fiche_save_section,
        fiche=mine,
        answers={"crte_signe": "non"},
        version=mine.version,
        by=colleague,
    ) == (
        "Cette réponse a été soumise à l'ANPP et ne peut plus être modifiée ; vos saisies restent "
        "ci-dessous. Écrivez à l'ANPP si elle doit être rouverte."
    )
    # The territory's answer, submitted by a member: the référents and the member are told.
    ours = services.survey_response_open(territory=territory_a, survey=per_territory, by=colleague)
    ours = services.fiche_save_section(fiche=ours, answers={"crte_signe": "non"}, version=1, by=colleague)
    services.fiche_submit(fiche=ours, by=colleague)
    assert sorted(
        OutboundEmail.objects.filter(key__startswith=f"survey:{ours.pk}:").values_list("to", flat=True)
    ) == sorted([referent_a.email, colleague.email])
    assert not OutboundEmail.objects.filter(to=referent_b.email).exists()


def test_an_enquete_takes_answers_only_while_open_and_a_fiche_draft_at_any_time(
    members_ab, territory_a, territory_b, referent_a, referent_b
):
    today = timezone.localdate()
    closed = SurveyFactory(
        opens_on=today - datetime.timedelta(days=30), closes_on=today - datetime.timedelta(days=1)
    )
    later = SurveyFactory(opens_on=today + datetime.timedelta(days=1))
    old_fiche = FicheCampaignFactory(year=2018)  # closed since 30 June 2018
    drafts = {
        "closed": _submitted(
            closed, territory_a, {"crte_signe": "oui"}, status=SurveyResponse.Status.BROUILLON
        ),
        "later": _submitted(
            later, territory_b, {"crte_signe": "oui"}, status=SurveyResponse.Status.BROUILLON
        ),
    }
    for key, by, message in (
        ("closed", referent_a, f"est close depuis le {format_date(closed.closes_on)} :"),
        ("later", referent_b, "n'est pas encore ouverte"),
    ):
        with pytest.raises(services.FicheLocked, match=message):
            services.fiche_save_section(fiche=drafts[key], answers={"crte_signe": "non"}, version=1, by=by)
        with pytest.raises(services.FicheLocked, match=message):
            services.fiche_submit(fiche=drafts[key], by=by)
        drafts[key].refresh_from_db()
        assert (drafts[key].status, drafts[key].answers, drafts[key].version) == (
            "brouillon",
            {"crte_signe": "oui"},
            1,
        )
    with pytest.raises(services.FicheError, match="n'est pas ouverte"):
        services.survey_response_open(territory=territory_b, survey=closed, by=referent_b)
    # The closing day still takes answers.
    assert (
        services.survey_response_open(
            territory=territory_b, survey=closed, by=referent_b, today=closed.closes_on
        ).status
        == "brouillon"
    )
    fiche = services.fiche_open(
        territory=territory_a, campaign=old_fiche, by=referent_a, today=datetime.date(2018, 3, 2)
    )
    from .fiche_factories import COMPLETE_ANSWERS

    fiche = services.fiche_save_section(
        fiche=fiche, answers=COMPLETE_ANSWERS, version=fiche.version, by=referent_a
    )
    assert fiche.answers["population"] == COMPLETE_ANSWERS["population"]
    assert services.fiche_submit(fiche=fiche, by=referent_a).status == "soumise"
    assert (
        _refusal(services.FicheLocked, services.fiche_submit, fiche=fiche, by=referent_a)
        == "Cette fiche a déjà été soumise."
    )


def test_an_enquete_of_an_earlier_year_is_asked_of_the_members_of_its_own_dates(
    members_ab, territory_a, territory_b
):
    # A and B are members this year (members_ab); in 2024, C had paid for 2024, D only for 2023
    # (a member until the 2024 campaign closed on 30 June 2024).
    c = TerritoryFactory(name="Pays C (fictif)", slug="pays-c", region="75")
    d = TerritoryFactory(name="Pays D (fictif)", slug="pays-d", region="76")
    make_member(c, on=datetime.date(2024, 5, 1))
    make_member(d, on=datetime.date(2023, 5, 1))
    summer = SurveyFactory(opens_on=datetime.date(2024, 7, 1), closes_on=datetime.date(2024, 8, 31))
    spring = SurveyFactory(opens_on=datetime.date(2024, 3, 1), closes_on=datetime.date(2024, 4, 30))
    assert set(selectors.survey_audience(summer)) == {c}
    assert set(selectors.survey_audience(summer, on=datetime.date(2024, 1, 2))) == {c}
    assert set(selectors.survey_audience(spring)) == {c, d}
    assert set(selectors.survey_audience(SurveyFactory())) == {territory_a, territory_b}
    assert set(selectors.survey_audience(SurveyFactory(regions=["76"]))) == {territory_b}
    assert set(selectors.survey_audience(spring, on=datetime.date(2024, 4, 1))) == {c, d}
    # C's page, on a day of summer 2024, lists the summer enquête; A's and B's (members today) do not.
    on = datetime.date(2024, 7, 15)
    assert selectors.surveys_open_for_territory(c, today=on) == [summer]
    assert selectors.surveys_open_for_territory(territory_a, today=on) == []


def test_the_audience_by_adhesion_status_looks_at_the_surveys_own_year_region_and_kind(
    members_ab, territory_a, territory_b, referent_a
):
    from members.models import Adhesion

    from .adhesion_factories import CampaignFactory

    # This year A and B have paid (members_ab). In 2024, A's adhésion was only submitted, C's
    # called for payment; D (not a member) has only a membre, no référent.
    c = TerritoryFactory(name="Pays C (fictif)", slug="pays-c", region="75", kind="pays_association")
    d = TerritoryFactory(name="Pays D (fictif)", slug="pays-d", region="76")
    MembershipFactory(territory=d, role="membre")
    year_2024 = CampaignFactory(year=2024)
    for territory, status in ((territory_a, Adhesion.Status.SOUMISE), (c, Adhesion.Status.APPEL_EMIS)):
        Adhesion.objects.create(territory=territory, campaign=year_2024, status=status, amount=Decimal("500"))
    in_2024 = {"opens_on": datetime.date(2024, 9, 1), "closes_on": datetime.date(2024, 10, 1)}
    assert set(selectors.survey_audience(SurveyFactory(adhesion_statuses=["soumise"], **in_2024))) == {
        territory_a
    }
    assert set(
        selectors.survey_audience(SurveyFactory(adhesion_statuses=["soumise", "appel_emis"], **in_2024))
    ) == {territory_a, c}
    assert set(selectors.survey_audience(SurveyFactory(adhesion_statuses=["payee"], **in_2024))) == set()
    assert set(
        selectors.survey_audience(
            SurveyFactory(adhesion_statuses=["soumise", "appel_emis"], territory_kinds=["petr"], **in_2024)
        )
    ) == {territory_a}
    assert set(
        selectors.survey_audience(
            SurveyFactory(adhesion_statuses=["soumise", "appel_emis"], regions=["75"], **in_2024)
        )
    ) == {territory_a, c}
    assert set(selectors.survey_audience(SurveyFactory(adhesion_statuses=["payee"], regions=["76"]))) == {
        territory_b
    }
    # The fiche asks the territories with a référent, members or not, never one with only a membre.
    assert set(selectors.survey_audience(FicheCampaignFactory(year=2024))) == {territory_a}
    # Hand-picked: exactly those chosen, whatever their adhésion, region or kind.
    chosen = SurveyFactory(audience=Survey.Audience.CHOSEN, regions=["76"], territory_kinds=["petr"])
    chosen.territories.set([c, d])
    assert set(selectors.survey_audience(chosen)) == {c, d}


def test_opening_a_response_gives_each_territory_or_person_its_own_draft_while_the_enquete_is_open(
    members_ab, territory_a, territory_b, referent_a, referent_b
):
    colleague = MembershipFactory(territory=territory_a, role="membre").user
    today = timezone.localdate()
    per_territory = SurveyFactory(closes_on=today)
    per_person = SurveyFactory(one_per_person=True)
    only_b = SurveyFactory(regions=["76"])
    ours = services.survey_response_open(territory=territory_a, survey=per_territory, by=referent_a)
    assert (ours.territory, ours.campaign, ours.person, ours.updated_by) == (
        territory_a,
        per_territory,
        None,
        referent_a,
    )
    # The colleague opens the territory's draft, not one of their own.
    assert services.survey_response_open(territory=territory_a, survey=per_territory, by=colleague) == ours
    theirs = services.survey_response_open(territory=territory_b, survey=per_territory, by=referent_b)
    assert theirs != ours and theirs.territory == territory_b
    mine = services.survey_response_open(territory=territory_a, survey=per_person, by=colleague)
    yours = services.survey_response_open(territory=territory_a, survey=per_person, by=referent_a)
    assert (mine.person, yours.person) == (colleague, referent_a)
    assert services.survey_response_open(territory=territory_a, survey=per_person, by=colleague) == mine
    # Once closed, a draft begun is still there; none is begun.
    after = today + datetime.timedelta(days=1)
    assert (
        services.survey_response_open(territory=territory_a, survey=per_territory, by=referent_a, today=after)
        == ours
    )
    closed = per_person.closes_on + datetime.timedelta(days=1)
    assert (
        services.survey_response_open(territory=territory_a, survey=per_person, by=colleague, today=closed)
        == mine
    )
    refusal = _refusal(
        services.FicheError,
        services.survey_response_open,
        territory=territory_a,
        survey=per_person,
        by=MembershipFactory(territory=territory_a, role="membre").user,
        today=per_person.closes_on + datetime.timedelta(days=1),
    )
    assert refusal == (
        f"L'enquête « {per_person.title} » n'est pas ouverte "
        f"(du {format_date(per_person.opens_on)} au {format_date(per_person.closes_on)})."
    )
    assert (
        _refusal(
            services.SurveyNotForTerritory,
            services.survey_response_open,
            territory=territory_a,
            survey=only_b,
            by=referent_a,
        )
        == "Cette enquête ne s'adresse pas à ce territoire."
    )
    assert (
        _refusal(
            services.NotAllowed,
            services.survey_response_open,
            territory=territory_b,
            survey=only_b,
            by=referent_a,
        )
        == "Vous n'agissez pas pour ce territoire."
    )
    assert SurveyResponse.objects.filter(campaign=only_b).count() == 0
    assert SurveyResponse.objects.count() == 4


def test_enquetes_closing_the_same_day_are_listed_in_the_order_they_were_created(members_ab, territory_a):
    day = timezone.localdate() + datetime.timedelta(days=9)
    first, second = SurveyFactory(closes_on=day), SurveyFactory(closes_on=day)
    first.title = "Enquête fictive renommée"
    first.save()  # its row is rewritten after the second's
    assert selectors.surveys_open_for_territory(territory_a) == [first, second]


def test_an_enquete_asked_of_every_person_exports_each_persons_submitted_answer_on_its_own_row(
    client, members_ab, territory_a, territory_b, referent_a, referent_b, staff
):
    import csv
    import io

    colleague = MembershipFactory(territory=territory_a, role="membre", user__first_name="Zoé").user
    per_person, per_territory = SurveyFactory(one_per_person=True), SurveyFactory()
    now = timezone.now()
    # Entered latest first: the rows follow the order the answers were submitted in.
    _submitted(per_person, territory_a, {"crte_signe": "non"}, person=colleague, at=now)
    _submitted(
        per_person, territory_a, {"crte_signe": "oui"}, person=referent_a, at=now - datetime.timedelta(days=1)
    )
    _submitted(
        per_person,
        territory_b,
        {"crte_signe": "oui"},
        person=referent_b,
        status=SurveyResponse.Status.BROUILLON,
    )
    _submitted(per_territory, territory_a, {"crte_signe": "oui"})
    client.force_login(staff)

    def rows(survey):
        export = client.get(reverse("members:survey_results_csv", args=[survey.pk]))
        return list(csv.reader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";"))

    header, *body = rows(per_person)
    person, status, crte = header.index("Personne"), header.index("Statut"), header.index("crte_signe")
    assert [(r[0], r[person], r[status], r[crte] != "") for r in body] == [
        (territory_a.name, referent_a.get_full_name(), "Répondu", True),
        (territory_a.name, colleague.get_full_name(), "Répondu", True),
        (territory_b.name, "", "Pas commencé", False),  # a draft is not an answer
    ]
    assert body[0][crte] != body[1][crte]
    header, *body = rows(per_territory)
    assert "Personne" not in header and [r[0] for r in body] == [territory_a.name, territory_b.name]


def test_a_closed_enquete_says_its_dates_in_words_to_each_territory(
    members_ab, territory_a, territory_b, referent_a, referent_b
):
    survey = SurveyFactory(opens_on=datetime.date(2026, 2, 1), closes_on=datetime.date(2026, 3, 1))
    for territory, referent, today in (
        (territory_a, referent_a, datetime.date(2026, 3, 2)),
        (territory_b, referent_b, datetime.date(2026, 1, 31)),
    ):
        assert _refusal(
            services.FicheError,
            services.survey_response_open,
            territory=territory,
            survey=survey,
            by=referent,
            today=today,
        ) == (f"L'enquête « {survey.title} » n'est pas ouverte (du 1er février 2026 au 1er mars 2026).")


def test_staff_find_the_enquetes_responses_in_the_admin_read_only_and_never_a_fiche(
    client, staff, members_ab, territory_a, territory_b
):
    first, second = SurveyFactory(title="Enquête fictive Un"), SurveyFactory(title="Enquête fictive Deux")
    answered = _submitted(first, territory_a, {"crte_signe": "oui"})
    begun = _submitted(first, territory_b, {"crte_signe": "non"}, status=SurveyResponse.Status.BROUILLON)
    begun.saved_sections = ["contrats"]
    begun.save()
    prefilled = _submitted(second, territory_a, {}, status=SurveyResponse.Status.BROUILLON)
    fiche = _submitted(FicheCampaignFactory(year=2018), territory_b, {"population": 1})
    changelist = reverse("admin:members_surveyresponse_changelist")
    view_only = UserFactory(is_staff=True)
    view_only.user_permissions.set(
        Permission.objects.filter(codename__in=["view_surveyresponse", "view_ficherenseignements"])
    )
    for who in (staff, view_only):
        client.force_login(who)
        page = client.get(changelist)
        assert page.status_code == 200
        shown = list(page.context["cl"].result_list)
        assert (
            sorted(r.pk for r in shown) == sorted([answered.pk, begun.pk, prefilled.pk])
            and fiche not in shown
        )
        content = page.content.decode()
        # The results page's words for each state, and each response's staff review.
        assert {"Répondu", "En cours", "Pas commencé"} <= set(_cells(content, "field-state"))
        assert reverse("members:fiche_review", args=[begun.pk]) in content
        filtered = client.get(changelist, {"campaign__id__exact": second.pk})
        assert list(filtered.context["cl"].result_list) == [prefilled]
        # Read-only: a response is the territory's.
        change = client.get(reverse("admin:members_surveyresponse_change", args=[answered.pk]))
        assert change.status_code == 200 and 'name="_save"' not in change.content.decode()
        assert client.get(reverse("admin:members_surveyresponse_add")).status_code == 403
        assert client.get(reverse("admin:members_surveyresponse_change", args=[fiche.pk])).status_code == 302
    # Staff who chose English read the same states in English.
    client.cookies["django_language"] = "en"
    english = client.get(changelist).content.decode()
    assert {"Answered", "In progress", "Not started"} <= set(_cells(english, "field-state"))
    assert "View the answer" in english
    del client.cookies["django_language"]
    without = UserFactory(is_staff=True)
    without.user_permissions.set(Permission.objects.filter(codename="view_survey"))
    client.force_login(without)
    assert client.get(changelist).status_code == 403


def _cells(html, css_class):
    import re

    return [
        re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(rf'class="{css_class}">(.*?)</td>', html)
    ]
