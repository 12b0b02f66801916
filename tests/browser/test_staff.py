"""ANPP staff in a real browser: land on the staff home, follow each kind of action item to its
filtered list and act there; prepare next year's questionnaire that a territory then answers."""

import datetime
import re
from decimal import Decimal

from django.utils import timezone
from playwright.sync_api import expect

from anpp_portal.models import OutboundEmail
from events.models import Participant
from members import services
from members.models import Adhesion, FicheCampaign, FicheRenseignements, Question, Role

from ..events.factories import EventFactory, ParticipantFactory, RegistrationFactory
from ..factories import MembershipFactory, StaffFactory, TerritoryFactory, ViewOnlyStaffFactory
from ..members.adhesion_factories import CampaignFactory
from ..members.fiche_factories import COMPLETE_ANSWERS, FicheCampaignFactory
from .test_adhesion import log_in

SCREENSHOTS = "var/screenshots"


def _kind(page, kind):
    return page.locator(f"li[data-kind='{kind}'] a.todo__link")


def test_staff_land_on_their_home_follow_each_action_item_and_act_there(
    browser, live_server, page, transactional_db
):
    today = timezone.localdate()
    campaign = CampaignFactory(
        year=today.year,
        opens_on=today - datetime.timedelta(days=90),
        closes_on=today + datetime.timedelta(days=90),
    )
    submitted_territory = TerritoryFactory(name="PETR exemple de la Vallée", population=30000)
    MembershipFactory(territory=submitted_territory, role=Role.REFERENT)
    submitted = Adhesion.objects.create(
        territory=submitted_territory,
        campaign=campaign,
        status=Adhesion.Status.SOUMISE,
        population=30000,
        amount=Decimal("1500"),
        submitted_at=timezone.now(),
    )
    late_territory = TerritoryFactory(name="Pays exemple des Coteaux")
    late_referent = MembershipFactory(territory=late_territory, role=Role.REFERENT).user
    late = Adhesion.objects.create(
        territory=late_territory,
        campaign=campaign,
        status=Adhesion.Status.APPEL_EMIS,
        amount=Decimal("1200"),
        call_number=f"{today.year}-0042",
        call_issued_at=timezone.now() - datetime.timedelta(days=45),
    )
    FicheCampaignFactory(
        year=today.year,
        opens_on=today - datetime.timedelta(days=60),
        closes_on=today + datetime.timedelta(days=10),
    )
    event = EventFactory(title="Rencontre technique exemple", capacity=1)
    registration = RegistrationFactory(event=event)
    ParticipantFactory(
        registration=registration, event=event, status=Participant.Status.WAITING, waiting_position=1
    )
    OutboundEmail.objects.create(
        key="exemple:echec", to="adresse-fausse@exemple.fr", subject="Exemple", body_text="…", status="failed"
    )
    staff = StaffFactory()  # « Équipe ANPP », as in production

    # Staff who may only read follow the same items, and find no action that changes anything.
    reader_side = browser.new_context(locale="fr-FR", base_url=live_server.url)
    reader = reader_side.new_page()
    reader.set_default_timeout(15_000)
    log_in(reader, ViewOnlyStaffFactory().email)
    reader.wait_for_url(re.compile(r"/equipe/$"))
    for kind, action, listed in (
        ("adhesions-to-validate", "validate", "PETR exemple de la Vallée"),
        ("calls-unpaid", "remind_now", "Pays exemple des Coteaux"),
        ("fiches-missing", "remind_fiche", "Pays exemple des Coteaux"),
        ("emails-failed", "retry", "adresse-fausse@exemple.fr"),
    ):
        reader.goto("/equipe/")
        _kind(reader, kind).click()
        reader.wait_for_url(re.compile(r"/admin/"))
        assert reader.locator("#result_list").get_by_text(listed).first.is_visible(), kind
        assert reader.locator(f"select[name=action] option[value={action}]").count() == 0, kind
    # The dashboard's reminder button is refused to them: nothing is sent.
    reader.goto("/tableau-de-bord/")
    reader.locator("#retardataires").get_by_role(
        "button", name=re.compile("Relancer Pays exemple des Coteaux")
    ).first.click()
    expect(reader.get_by_role("heading", name="Accès refusé")).to_be_visible()
    assert not OutboundEmail.objects.filter(key__startswith=f"adhesion-reminder:{late.pk}:").exists()
    reader_side.close()

    log_in(page, staff.email)
    page.wait_for_url(re.compile(r"/equipe/$"))
    assert page.get_by_role("heading", name="Espace équipe").is_visible()
    page.set_viewport_size({"width": 1280, "height": 800})
    page.screenshot(path=f"{SCREENSHOTS}/staff-home-1280.png", full_page=True)
    page.set_viewport_size({"width": 320, "height": 640})
    page.screenshot(path=f"{SCREENSHOTS}/staff-home-320.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})

    # Adhésions waiting for validation: validate there.
    _kind(page, "adhesions-to-validate").click()
    page.wait_for_url(re.compile(r"/admin/members/adhesion/\?status__exact=soumise"))
    assert page.locator("#result_list").get_by_text("PETR exemple de la Vallée").is_visible()
    page.locator("input.action-select").first.check()
    page.select_option("select[name=action]", "validate")
    page.get_by_role("button", name=re.compile("Envoyer|Go")).click()
    page.wait_for_selector("text=appels émis")
    submitted.refresh_from_db()
    assert submitted.status == Adhesion.Status.APPEL_EMIS

    # Calls unpaid after 30 days: remind the late payer there.
    page.goto("/equipe/")
    _kind(page, "calls-unpaid").click()
    page.wait_for_url(re.compile(r"impaye_depuis=30"))
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 1 and "Pays exemple des Coteaux" in rows.first.inner_text()
    page.locator("input.action-select").first.check()
    page.select_option("select[name=action]", "remind_now")
    page.get_by_role("button", name=re.compile("Envoyer|Go")).click()
    page.wait_for_selector("text=relance(s) en file d'envoi")
    reminder = OutboundEmail.objects.get(key__startswith=f"adhesion-reminder:{late.pk}:unpaid:manual-")
    assert reminder.to == late_referent.email

    # Fiches not submitted as the deadline nears: remind the territories there.
    page.goto("/equipe/")
    _kind(page, "fiches-missing").click()
    page.wait_for_url(re.compile(r"/admin/members/territory/\?fiche_manquante="))
    assert page.locator("#result_list").get_by_text("Pays exemple des Coteaux").is_visible()
    page.locator("#action-toggle").check()
    page.select_option("select[name=action]", "remind_fiche")
    page.get_by_role("button", name=re.compile("Envoyer|Go")).click()
    page.wait_for_selector("text=relance(s) en file d'envoi")
    assert OutboundEmail.objects.filter(
        key__startswith=f"fiche-reminder:{today.year}:{late_territory.pk}:"
    ).exists()

    # Registrations of the week and the waiting list of the event.
    page.goto("/equipe/")
    _kind(page, "registrations-week").click()
    page.wait_for_url(re.compile(r"/admin/events/registration/\?.*depuis=7"))
    assert page.locator("#result_list tbody tr").count() == 1
    page.goto("/equipe/")
    _kind(page, "waiting-list").click()
    page.wait_for_url(re.compile(r"status__exact=waiting"))
    assert page.locator("#result_list tbody tr").count() == 1

    # Emails that failed: send them again there.
    page.goto("/equipe/")
    _kind(page, "emails-failed").click()
    page.wait_for_url(re.compile(r"/admin/anpp_portal/outboundemail/\?status__exact=failed"))
    page.locator("#action-toggle").check()
    page.select_option("select[name=action]", "retry")
    page.get_by_role("button", name=re.compile("Envoyer|Go")).click()
    page.wait_for_selector("text=remis en file d'envoi")
    assert not OutboundEmail.objects.filter(key="exemple:echec", status="failed").exists()

    # The dashboard: the late payer among the retardataires, reminded in one click (once a day).
    page.goto("/tableau-de-bord/")
    late_list = page.locator("#retardataires")
    assert "Pays exemple des Coteaux" in late_list.inner_text()
    late_list.get_by_role("button", name=re.compile("Relancer Pays exemple des Coteaux")).first.click()
    page.wait_for_selector("text=déjà relancé aujourd'hui")
    assert (
        OutboundEmail.objects.filter(key__startswith=f"adhesion-reminder:{late.pk}:unpaid:manual-").count()
        == 1
    )
    for width, height in ((1280, 800), (320, 640)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=f"{SCREENSHOTS}/dashboard-{width}.png", full_page=True)
        page.goto("/admin/")
        page.screenshot(path=f"{SCREENSHOTS}/admin-index-{width}.png", full_page=True)
        page.goto("/tableau-de-bord/")


def _question_row(page, key: str) -> str:
    """The prefix (questions-N) of the inline row of the question ``key``."""
    name = page.locator(f"input[name$='-key'][value='{key}']").get_attribute("name")
    return name.rsplit("-", 1)[0]


def test_staff_reword_add_and_remove_questions_and_a_territory_answers_next_years_fiche(
    browser, live_server, transactional_db
):
    today = timezone.localdate()
    territory = TerritoryFactory(name="PETR exemple du Val", slug="petr-exemple-du-val")
    referent = MembershipFactory(territory=territory, role=Role.REFERENT).user
    last_year = FicheCampaignFactory(
        year=today.year - 1,
        opens_on=datetime.date(today.year - 1, 3, 1),
        closes_on=datetime.date(today.year - 1, 6, 30),
    )
    fiche = services.fiche_open(
        territory=territory, campaign=last_year, by=referent, today=last_year.opens_on
    )
    answers = {**COMPLETE_ANSWERS, "vice_presidents": "Une vice-présidente fictive", "bureau_taille": 12}
    FicheRenseignements.objects.filter(pk=fiche.pk).update(
        answers=answers, status=FicheRenseignements.Status.SOUMISE, submitted_at=timezone.now()
    )
    staff = StaffFactory()  # « Équipe ANPP », as in production

    # Staff who may only read open the questionnaire, and can neither change it nor start a campaign.
    reader_side = browser.new_context(locale="fr-FR", base_url=live_server.url)
    reader = reader_side.new_page()
    reader.set_default_timeout(20_000)
    log_in(reader, ViewOnlyStaffFactory().email)
    reader.goto(
        f"/admin/members/questionnairesection/{last_year.sections.get(slug='gouvernance').pk}/change/"
    )
    assert reader.locator("input[name$='-label']").count() == 0
    reader.goto("/admin/members/fichecampaign/add/")
    expect(reader.get_by_role("heading", name="Accès refusé")).to_be_visible()
    assert reader.locator("#id_year").count() == 0
    reader_side.close()

    admin_side = browser.new_context(locale="fr-FR", base_url=live_server.url)
    admin = admin_side.new_page()
    admin.set_default_timeout(20_000)
    log_in(admin, staff.email)
    # Last year's questionnaire has answers: it is frozen.
    admin.goto(f"/admin/members/questionnairesection/{last_year.sections.get(slug='gouvernance').pk}/change/")
    assert admin.locator("input[name$='-label']").count() == 0
    # Next year's campaign starts from a copy.
    admin.goto("/admin/members/fichecampaign/add/")
    admin.fill("#id_year", str(today.year))
    admin.fill("#id_opens_on", (today - datetime.timedelta(days=1)).strftime("%d/%m/%Y"))
    admin.fill("#id_closes_on", (today + datetime.timedelta(days=60)).strftime("%d/%m/%Y"))
    admin.fill("#id_reminder_days_not_started", "15, 30")
    admin.locator("input[name=_continue]").click()
    admin.wait_for_selector("text=reprend celui de l'année précédente")
    campaign = FicheCampaign.objects.get(year=today.year)
    admin.get_by_role("link", name="Modifier les questions").nth(2).click()  # Gouvernance
    admin.wait_for_url(re.compile(r"/admin/members/questionnairesection/\d+/change/"))
    assert "Gouvernance" in admin.locator("#id_title").input_value()

    president = _question_row(admin, "president_nom")
    admin.fill(f"input[name='{president}-label']", "Nom du président ou de la présidente")
    admin.locator(f"input[name='{_question_row(admin, 'vice_presidents')}-DELETE']").check()
    total = int(admin.locator("#id_questions-TOTAL_FORMS").input_value())
    new = f"questions-{total - 1}"
    admin.fill(f"input[name='{new}-order']", "95")
    admin.fill(f"input[name='{new}-key']", "thematiques")
    admin.fill(f"input[name='{new}-label']", "Thématiques travaillées cette année")
    admin.select_option(f"select[name='{new}-kind']", "multiple")
    admin.fill(f"textarea[name='{new}-choices']", "Mobilités\nalimentation | Alimentation\nSanté")
    admin.locator("input[name=_continue]").click()
    admin.wait_for_selector("text=a été modifié")
    questions = {q.key: q for q in Question.objects.filter(section__campaign=campaign, parent__isnull=True)}
    assert "vice_presidents" not in questions
    assert questions["president_nom"].label == "Nom du président ou de la présidente"
    assert questions["thematiques"].choices == [
        ["mobilites", "Mobilités"],
        ["alimentation", "Alimentation"],
        ["sante", "Santé"],
    ]
    # The preview shows the questionnaire as territories will see it.
    admin.goto(f"/tableau-de-bord/questionnaire/{today.year}/apercu/")
    assert admin.get_by_text("Thématiques travaillées cette année").is_visible()

    territory_side = browser.new_context(locale="fr-FR", base_url=live_server.url)
    page = territory_side.new_page()
    page.set_default_timeout(20_000)
    log_in(page, referent.email)
    page.goto(f"/territoire/{territory.slug}/fiche/{today.year}/gouvernance/")
    # Reworded, same key: last year's answer is there. New question: empty. Removed one: gone.
    assert (
        page.get_by_label(re.compile("^Nom du président ou de la présidente")).input_value() == "Jean Dupont"
    )
    assert page.get_by_label(re.compile("^Nombre de membres du bureau")).input_value() == "12"
    assert page.get_by_text("Vice-président(e)s").count() == 0
    group = page.get_by_role("group", name=re.compile("Thématiques travaillées cette année"))
    assert group.locator("input:checked").count() == 0
    group.get_by_label("Alimentation").check()
    group.get_by_label("Santé").check()
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    page.wait_for_selector("text=Section « Gouvernance » enregistrée")
    page.goto(f"/territoire/{territory.slug}/fiche/{today.year}/soumettre/")
    page.get_by_role("button", name="Confirmer et soumettre la fiche à l'ANPP").click()
    page.wait_for_selector("text=Fiche soumise")
    submitted = FicheRenseignements.objects.get(territory=territory, campaign=campaign)
    assert submitted.answers["thematiques"] == ["alimentation", "sante"]
    assert "vice_presidents" not in submitted.answers

    admin.goto(f"/tableau-de-bord/panorama/?annee={today.year}")
    figure = admin.locator("#question-thematiques")
    figure.locator("summary").click()
    rows = {
        row.locator("td").nth(0).inner_text(): row.locator("td").nth(1).inner_text()
        for row in figure.locator("tbody tr").all()
    }
    assert rows == {"Mobilités": "0", "Alimentation": "1", "Santé": "1"}
