"""Enquêtes run on the fiche's engine: who is asked, answering (drafts, sections, recap, submit and
its acknowledgement), the year page, reminders exactly once, and the staff's page."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from anpp_portal.formats import format_euros, format_number
from anpp_portal.models import OutboundEmail
from members import selectors, services
from members.models import Survey, SurveyResponse
from tests.factories import MembershipFactory, TerritoryFactory

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
