"""A territory's year in a real browser: it asks to join, is approved, signs up from the invitation,
submits its adhésion through the confirmation step, gets the call, pays in two goes. Every email is
checked: recipients, subject, attachment."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone

from members.models import Adhesion, Department, JoinRequest, Role, Territory, TerritoryMembership
from members.services import invitation_create

from ..factories import PASSWORD, MembershipFactory, StaffFactory, TerritoryFactory, ViewOnlyStaffFactory
from ..members.adhesion_factories import CampaignFactory

REQUESTER = "alix.martin@pays-exemple.fr"
BILLING = "finances@pays-exemple.fr"
NEW_PASSWORD = "un mot de passe solide 2026"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


class Mailbox:
    """The emails sent since the last look."""

    def __init__(self):
        self.seen = len(mail.outbox)

    def new(self) -> list:
        messages = mail.outbox[self.seen :]
        self.seen = len(mail.outbox)
        return messages


def only_to(messages, expected: set[str]) -> dict:
    by_address = {m.to[0]: m for m in messages}
    assert [len(m.to) for m in messages] == [1] * len(messages)
    assert set(by_address) == expected and len(messages) == len(expected), [
        (m.to, m.subject) for m in messages
    ]
    return by_address


def link_in(message, pattern: str) -> str:
    match = re.search(pattern, message.body)
    assert match, message.body
    return "/" + match.group(0).split("/", 3)[3]


def new_page(browser, live_server):
    context = browser.new_context(locale="fr-FR", base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(20_000)
    return context, page


def log_in(page, email, password=PASSWORD):
    page.goto("/comptes/login/")
    page.get_by_label(re.compile(r"^Courriel")).fill(email)
    page.get_by_label(re.compile(r"^Mot de passe")).fill(password)
    page.locator("main").get_by_role("button", name="Connexion").click()


def admin_action(admin, changelist: str, action: str):
    admin.goto(changelist)
    admin.locator("input.action-select").first.check()
    admin.select_option("select[name=action]", action)
    admin.locator("button[name=index]").click()


def record_payment(admin, adhesion, amount: str, method: str):
    """From the adhésion's admin page to its appel's page (billing's ledger), where payments are recorded."""
    admin.goto(f"/admin/members/adhesion/{adhesion.pk}/change/")
    admin.get_by_role("link", name="Enregistrer un paiement sur l'appel").click()
    appel_page = admin.url
    admin.fill("#id_paid_on", timezone.localdate().isoformat())
    admin.fill("#id_amount", amount)
    admin.select_option("#id_method", method)
    admin.get_by_role("button", name="Enregistrer le paiement").click()
    admin.wait_for_url(appel_page)


def test_a_new_territory_joins_and_goes_through_its_year(browser, live_server, transactional_db):
    today = timezone.localdate()
    CampaignFactory(
        year=today.year,
        opens_on=today - datetime.timedelta(days=5),
        closes_on=today + datetime.timedelta(days=60),
    )
    staff = StaffFactory()  # « Équipe ANPP », as in production
    reader = ViewOnlyStaffFactory()  # staff who may read the requests, not accept them
    # Loaded by a data migration, but emptied by the flush after an earlier browser test.
    for code, name in (("16", "Charente"), ("86", "Vienne")):
        Department.objects.get_or_create(code=code, defaults={"name": name, "region": "75"})
    mailbox = Mailbox()

    # 1. A territory that is not in the portal asks to join, from the public page.
    requester_side, page = new_page(browser, live_server)
    page.goto("/adherer/")
    assert f"Barème de cotisation {today.year}" in page.inner_text("main")
    page.get_by_role("link", name="Demander l'adhésion de mon territoire").click()
    page.get_by_label(re.compile(r"^Nom du territoire")).fill("PETR du Pays Exemple (fictif)")
    page.get_by_label(re.compile(r"^Nature juridique")).select_option("petr")
    page.get_by_label(re.compile(r"^SIREN")).fill("200 070 498")
    page.get_by_label(re.compile(r"^Départements")).select_option(["16", "86"])
    page.get_by_label(re.compile(r"^Population")).fill("41 250")
    page.get_by_label(re.compile(r"^Votre prénom")).fill("Alix")
    page.get_by_label(re.compile(r"^Votre nom")).fill("Martin")
    page.get_by_label(re.compile(r"^Votre fonction")).fill("Directrice")
    page.get_by_label(re.compile(r"^Votre adresse email")).fill(REQUESTER)
    page.get_by_role("button", name="Envoyer la demande").click()
    page.wait_for_url(re.compile(r"/adherer/demande/envoyee/$"))
    # The request reaches staff once the requester confirmed their address; that email repeats
    # nothing they typed.
    confirmation = only_to(mailbox.new(), {REQUESTER})[REQUESTER]
    assert confirmation.subject == (
        "[ANPP] Confirmez votre adresse pour transmettre une demande d'adhésion à l'ANPP"
    )
    assert "Exemple" not in confirmation.body and "Alix" not in confirmation.body
    page.goto(link_in(confirmation, r"https?://\S+/adherer/demande/confirmer/\S+/"))
    page.get_by_role("button", name="Confirmer et transmettre la demande").click()
    page.wait_for_selector("text=Demande d'adhésion transmise")
    received = only_to(mailbox.new(), {REQUESTER})[REQUESTER]
    assert (
        received.subject
        == "[ANPP] Votre demande d'adhésion à l'ANPP pour PETR du Pays Exemple (fictif) est bien reçue"
    )
    assert not received.attachments

    # 2. Staff who may only read see the request, without the action that accepts it.
    reader_side, reader_page = new_page(browser, live_server)
    log_in(reader_page, reader.email)
    reader_page.goto("/admin/members/joinrequest/")
    assert reader_page.locator("#result_list").get_by_text("PETR du Pays Exemple (fictif)").is_visible()
    assert reader_page.locator("select[name=action] option[value=approve]").count() == 0
    reader_side.close()

    # Staff approve it in the admin: the territory is created, the requester invited as référent.
    staff_side, admin = new_page(browser, live_server)
    log_in(admin, staff.email)
    admin.wait_for_url(lambda url: "/comptes/login/" not in url)
    admin_action(admin, "/admin/members/joinrequest/", "approve")
    admin.wait_for_selector("text=demande(s) acceptée(s)")
    territory = Territory.objects.get(siren="200070498")
    assert JoinRequest.objects.get().status == JoinRequest.Status.APPROVED
    invitation_email = only_to(mailbox.new(), {REQUESTER})[REQUESTER]
    assert invitation_email.subject == (
        "[ANPP] Bienvenue à l'ANPP : créez votre compte de référent de PETR du Pays Exemple (fictif)"
    )
    assert not invitation_email.attachments
    invitation_path = link_in(invitation_email, r"https?://\S+/invitation/\S+/")

    # 3. The requester opens the invitation and signs up with the address already filled in.
    page.goto(invitation_path)
    page.locator("main").get_by_role("link", name="Créer un compte").click()
    assert page.get_by_label(re.compile(r"^Courriel")).input_value() == REQUESTER
    page.get_by_label(re.compile(r"^Prénom")).fill("Alix")
    page.get_by_label(re.compile(r"^Nom")).fill("Martin")
    page.get_by_label(re.compile(r"^Mot de passe\s*:")).fill(NEW_PASSWORD)
    page.get_by_label(re.compile(r"^Mot de passe \(confirmation\)")).fill(NEW_PASSWORD)
    page.get_by_role("button", name=re.compile("Création de compte|Inscription", re.I)).click()
    page.wait_for_url(re.compile(r"/comptes/confirm-email/$"))
    verification = only_to(mailbox.new(), {REQUESTER})[REQUESTER]
    page.goto(link_in(verification, r"https?://\S+/comptes/confirm-email/\S+/"))
    page.get_by_role("button", name="Confirmer").click()
    page.wait_for_url(re.compile(r"/comptes/login/"))
    page.get_by_label(re.compile(r"^Mot de passe")).fill(NEW_PASSWORD)
    page.get_by_label(re.compile(r"^Courriel")).fill(REQUESTER)
    page.locator("main").get_by_role("button", name="Connexion").click()
    page.wait_for_url(re.compile(re.escape(invitation_path) + "$"))
    page.get_by_role("button", name="Accepter l'invitation").click()

    # 4. Lands on the territory's year, and submits the adhésion through the confirmation step.
    page.wait_for_url(re.compile(rf"/territoire/{territory.slug}/$"))
    assert f"Adhésion {today.year}" in page.inner_text("main")
    assert f"Remplir et soumettre l'adhésion {today.year}" in page.inner_text("main")
    page.get_by_role("link", name=f"Remplir l'adhésion {today.year}").click()
    assert page.get_by_label(re.compile(r"^Population retenue")).input_value() == "41\u00a0250"
    page.get_by_label(re.compile(r"^Signataire")).fill("Camille Exemple")
    page.get_by_label(re.compile(r"^Qualité du signataire")).fill("Présidente du PETR")
    page.get_by_label(re.compile(r"^Contact facturation")).fill("Service des finances")
    page.get_by_label(re.compile(r"^Email du contact facturation")).fill(BILLING)
    page.get_by_role("button", name="Vérifier et soumettre l'adhésion").click()
    page.wait_for_url(re.compile(r"/soumettre/$"))
    assert "Ce qui va se passer" in page.inner_text("main") and "2 063 €" in page.inner_text("main").replace(
        "\u00a0", " "
    )
    assert mailbox.new() == []  # nothing is sent before confirming
    page.get_by_role("button", name=f"Confirmer et soumettre l'adhésion {today.year}").click()
    page.wait_for_selector("text=soumise à l'ANPP")
    submitted = only_to(mailbox.new(), {REQUESTER, BILLING})
    for message in submitted.values():
        assert (
            message.subject
            == f"[ANPP] Adhésion {today.year} de PETR du Pays Exemple (fictif) reçue par l'ANPP"
        )
        assert "Signataire : Camille Exemple, Présidente du PETR" in message.body and not message.attachments

    # 5. Staff validate: the référent and the billing contact each get the call, its PDF attached.
    admin_action(admin, "/admin/members/adhesion/?status__exact=soumise", "validate")
    admin.wait_for_selector("text=appels émis")
    adhesion = Adhesion.objects.get(territory=territory)
    assert adhesion.status == Adhesion.Status.APPEL_EMIS and adhesion.amount == 2063
    called = only_to(mailbox.new(), {REQUESTER, BILLING})
    for message in called.values():
        assert message.subject == (
            f"[ANPP] Appel de cotisation {today.year} n° {adhesion.call_number} – PETR du Pays Exemple (fictif) – 2 063 €"
        )
        [(filename, content, mimetype)] = message.attachments
        assert filename == f"appel-{adhesion.call_number}.pdf" and mimetype == "application/pdf"
        assert content.startswith(b"%PDF")

    # 6. A partial payment: an email with what remains, and the balance on the territory's page.
    record_payment(admin, adhesion, "1000", "mandat")
    partial = only_to(mailbox.new(), {REQUESTER, BILLING})
    for message in partial.values():
        assert message.subject == (
            f"[ANPP] Cotisation {today.year} de PETR du Pays Exemple (fictif) : paiement de 1 000 € reçu, reste 1 063 €"
        )
        assert "Reste à payer : 1\u00a0063 €" in message.body and not message.attachments
    page.goto(f"/territoire/{territory.slug}/")
    main = page.inner_text("main").replace("\u00a0", " ").replace("\u202f", " ")
    assert "Reste à payer\n1 063 €" in main or "Reste à payer 1 063 €" in main, main
    assert "Mandat administratif" in main and "1 000 €" in main

    # 7. The rest: the adhésion is paid, the attestation attached.
    record_payment(admin, adhesion, "1063", "virement")
    paid = only_to(mailbox.new(), {REQUESTER, BILLING})
    for message in paid.values():
        assert message.subject == (
            f"[ANPP] Cotisation {today.year} de PETR du Pays Exemple (fictif) réglée : votre attestation d'adhésion"
        )
        [(filename, content, mimetype)] = message.attachments
        assert filename == f"attestation-{today.year}-{territory.slug}.pdf" and mimetype == "application/pdf"
        assert content.startswith(b"%PDF")
    page.goto(f"/territoire/{territory.slug}/")
    assert "Adhésion réglée" in page.inner_text("main")
    assert page.get_by_role("link", name=f"Attestation d'adhésion {today.year}").is_visible()
    assert mailbox.new() == []
    requester_side.close()
    staff_side.close()


def test_an_invitation_is_accepted_from_a_browser_that_never_saw_its_link(
    browser, live_server, transactional_db
):
    territory = TerritoryFactory(name="PETR du Pays Ruffécois", slug="pays-ruffecois")
    referent = MembershipFactory(territory=territory, role=Role.REFERENT).user
    mailbox = Mailbox()
    invitation_create(
        territory=territory, email="dominique@ruffecois.fr", role=Role.MEMBRE, invited_by=referent
    )
    invitation_path = link_in(
        only_to(mailbox.new(), {"dominique@ruffecois.fr"})["dominique@ruffecois.fr"],
        r"https?://\S+/invitation/\S+/",
    )

    # On the office computer: the invitation link, then the signup.
    office, page = new_page(browser, live_server)
    page.goto(invitation_path)
    page.locator("main").get_by_role("link", name="Créer un compte").click()
    assert page.get_by_label(re.compile(r"^Courriel")).input_value() == "dominique@ruffecois.fr"
    page.get_by_label(re.compile(r"^Prénom")).fill("Dominique")
    page.get_by_label(re.compile(r"^Nom")).fill("Exemple")
    page.get_by_label(re.compile(r"^Mot de passe\s*:")).fill(NEW_PASSWORD)
    page.get_by_label(re.compile(r"^Mot de passe \(confirmation\)")).fill(NEW_PASSWORD)
    page.get_by_role("button", name=re.compile("Création de compte|Inscription", re.I)).click()
    page.wait_for_url(re.compile(r"/comptes/confirm-email/$"))
    office.close()

    # On a phone, which never saw the invitation: the confirmation link, then the login.
    verification = only_to(mailbox.new(), {"dominique@ruffecois.fr"})["dominique@ruffecois.fr"]
    phone, page = new_page(browser, live_server)
    page.goto(link_in(verification, r"https?://\S+/comptes/confirm-email/\S+/"))
    page.get_by_role("button", name="Confirmer").click()
    page.wait_for_url(re.compile(r"/comptes/login/"))
    page.get_by_label(re.compile(r"^Courriel")).fill("dominique@ruffecois.fr")
    page.get_by_label(re.compile(r"^Mot de passe")).fill(NEW_PASSWORD)
    page.locator("main").get_by_role("button", name="Connexion").click()
    page.wait_for_url(re.compile(r"/invitations/$"))
    assert "Invitation à rejoindre PETR du Pays Ruffécois" in page.inner_text("main")
    page.get_by_role("button", name="Accepter et rejoindre PETR du Pays Ruffécois").click()
    page.wait_for_url(re.compile(r"/territoire/pays-ruffecois/$"))
    assert "Vous agissez désormais pour PETR du Pays Ruffécois" in page.inner_text("main")
    assert TerritoryMembership.objects.filter(
        user__email="dominique@ruffecois.fr", territory=territory
    ).exists()
    phone.close()
