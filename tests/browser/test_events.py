"""The events journey, in a real browser: a référent registers a delegation of three to the RTPP,
choosing ateliers per day, then cancels one participant; the first waiting person gets the seat."""

import datetime
import re

from django.core import mail
from django.utils import timezone

from anpp_portal import outbox
from events import services
from events.models import Participant
from members.models import Role

from ..events.factories import EventFactory, add_atelier
from ..events.helpers import person
from ..factories import PASSWORD, MembershipFactory, TerritoryFactory


def _log_in(page, email):
    page.goto("/comptes/login/")
    page.get_by_label(re.compile(r"^Courriel")).fill(email)
    page.get_by_label(re.compile(r"^Mot de passe")).fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Connexion").click()
    page.wait_for_url(re.compile(r"/territoire/"))


def test_a_referent_registers_a_delegation_and_a_cancellation_promotes_the_waiting_list(
    page, live_server, transactional_db
):
    territory = TerritoryFactory(name="PETR Pays Portes de Gascogne", slug="portes-de-gascogne")
    referent = MembershipFactory(territory=territory, role=Role.REFERENT).user
    event = EventFactory(title="RTPP 2026 Fleurance et Toulouse", slug="rtpp-2026", capacity=3)
    day1, day2 = event.days.order_by("date")
    add_atelier(event, day=day1, title="Alimentation locale")
    add_atelier(event, day=day2, title="Mobilités rurales")

    _log_in(page, referent.email)
    page.goto("/evenements/")
    page.get_by_role("link", name="RTPP 2026 Fleurance et Toulouse").click()
    assert "3 places restantes" in page.inner_text("main")
    page.get_by_role("link", name="S'inscrire").click()

    page.get_by_label("Inscrire au titre de").select_option(label="PETR Pays Portes de Gascogne")
    page.get_by_role("button", name="Ajouter un participant").click()
    page.get_by_role("button", name="Ajouter un participant").click()
    people = [
        ("Anne", "Rivière", "anne.riviere@gascogne.fr", "Technicien·ne", "Alimentation locale", None),
        ("Paul", "Fabre", "paul.fabre@gascogne.fr", "Élu·e", "Alimentation locale", "Mobilités rurales"),
        ("Léa", "Roux", "lea.roux@gascogne.fr", "Technicien·ne", None, "Mobilités rurales"),
    ]
    for index, (first, last, email, function, atelier1, atelier2) in enumerate(people):
        row = page.locator("fieldset.participant").nth(index)
        row.get_by_label("Prénom").fill(first)
        row.get_by_label("Nom", exact=True).fill(last)
        row.get_by_label("Adresse email").fill(email)
        row.get_by_label("Fonction").select_option(label=function)
        for checkbox in row.get_by_role("group", name="Journées").get_by_role("checkbox").all():
            checkbox.check()
        if atelier1:
            row.get_by_role("group", name=re.compile("^Ateliers du")).first.get_by_label(
                re.compile(atelier1)
            ).check()
        if atelier2:
            row.get_by_role("group", name=re.compile("^Ateliers du")).nth(1).get_by_label(
                re.compile(atelier2)
            ).check()
    page.get_by_role("button", name="Valider l'inscription").click()
    page.wait_for_url(re.compile(r"/evenements/mes-inscriptions/\d+/$"))
    assert "Inscription enregistrée pour 3 personne(s)" in page.inner_text("main")
    assert Participant.objects.filter(status="confirmed").count() == 3

    # The confirmation email (rendered by the worker) carries the .ics, the QR code and the ateliers
    # chosen per day, with French times.
    outbox.emails_relay(now=timezone.now() + datetime.timedelta(minutes=5))
    confirmation = [m for m in mail.outbox if m.to == ["paul.fabre@gascogne.fr"]][-1]
    assert confirmation.subject.startswith("[ANPP] Inscription confirmée")
    assert "- Alimentation locale (" in confirmation.body and "- Mobilités rurales (" in confirmation.body
    assert "14 h – 16 h" in confirmation.body and "/evenements/desistement/" in confirmation.body
    (filename, content, mimetype) = confirmation.attachments[0]
    assert filename == "rtpp-2026.ics" and mimetype == "text/calendar"
    assert "BEGIN:VEVENT" in (content.decode() if isinstance(content, bytes) else content)

    # Meanwhile someone of another territory registers: the event is full, they wait.
    other = MembershipFactory(role=Role.REFERENT, user__email="waiting@autre-pays.fr").user
    services.registration_create(
        event=event, by=other, participants=[person(1, event, email="waiting@autre-pays.fr")]
    )
    assert Participant.objects.get(email="waiting@autre-pays.fr").status == "waiting"

    page.reload()
    page.get_by_role("link", name="Annuler la participation de Léa Roux").click()
    # A confirmation page says what will happen before anything is done.
    assert "Sa place est donnée à la première personne en liste d'attente" in page.inner_text("main")
    assert Participant.objects.get(email="waiting@autre-pays.fr").status == "waiting"
    page.get_by_role("button", name="Confirmer l'annulation").click()
    assert "Participation de Léa Roux annulée." in page.inner_text("main")

    promoted = Participant.objects.get(email="waiting@autre-pays.fr")
    assert promoted.status == "confirmed"
    outbox.emails_relay(now=timezone.now() + datetime.timedelta(minutes=5))
    promotion = [m for m in mail.outbox if m.to == ["waiting@autre-pays.fr"]][-1]
    assert promotion.subject.startswith("[ANPP] Une place s'est libérée")
    assert any(m.to == ["lea.roux@gascogne.fr"] and "annulée" in m.subject for m in mail.outbox)
