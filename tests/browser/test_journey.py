"""The first user journey, in a real browser: an invited colleague joins their territory."""

import re

from django.core import mail

from members import services
from members.models import Role, TerritoryMembership

from ..factories import MembershipFactory, TerritoryFactory


def _link_in_last_email(to: str, pattern: str) -> str:
    messages = [m for m in mail.outbox if to in m.to]
    assert messages, f"no email sent to {to}"
    match = re.search(pattern, messages[-1].body)
    assert match, messages[-1].body
    return match.group(0)


def test_signup_verify_login_accept_invitation_and_see_the_territory(page, live_server, transactional_db):
    territory = TerritoryFactory(name="PETR du Pays Ruffécois", slug="pays-ruffecois")
    referent = MembershipFactory(territory=territory, role=Role.REFERENT).user
    services.invitation_create(
        territory=territory, email="camille.durand@ruffecois.fr", role=Role.MEMBRE, invited_by=referent
    )
    invitation_url = _link_in_last_email("camille.durand@ruffecois.fr", r"https?://\S+/invitation/\S+/")
    invitation_path = "/" + invitation_url.split("/", 3)[3]

    # The invitation link, opened before having an account.
    page.goto(invitation_path)
    assert "PETR du Pays Ruffécois" in page.inner_text("h1")
    page.locator("main").get_by_role("link", name="Créer un compte").click()

    # Sign up: every field is reached through its label.
    page.get_by_label(re.compile(r"^Prénom")).fill("Camille")
    page.get_by_label(re.compile(r"^Nom")).fill("Durand")
    page.get_by_label(re.compile(r"^Courriel")).fill("camille.durand@ruffecois.fr")
    page.get_by_label(re.compile(r"^Mot de passe\s*:")).fill("un mot de passe solide")
    page.get_by_label(re.compile(r"^Mot de passe \(confirmation\)")).fill("un mot de passe solide")
    page.get_by_role("button", name=re.compile("Création de compte|Inscription", re.I)).click()
    page.wait_for_url(re.compile(r"/comptes/confirm-email/$"))

    # Open the verification link from the sent email and confirm.
    verify_url = _link_in_last_email(
        "camille.durand@ruffecois.fr", r"https?://\S+/comptes/confirm-email/\S+/"
    )
    page.goto("/" + verify_url.split("/", 3)[3])
    page.get_by_role("button", name="Confirmer").click()
    page.wait_for_url(re.compile(r"/comptes/login/"))

    # Log in: the portal brings the person back to the invitation.
    page.get_by_label(re.compile(r"^Courriel")).fill("camille.durand@ruffecois.fr")
    page.get_by_label(re.compile(r"^Mot de passe")).fill("un mot de passe solide")
    page.locator("main").get_by_role("button", name="Connexion").click()
    page.wait_for_url(re.compile(re.escape(invitation_path) + "$"))

    # Accept the invitation.
    page.get_by_role("button", name="Accepter l'invitation").click()
    page.wait_for_url(re.compile(r"/territoire/pays-ruffecois/$"))
    assert "Vous agissez désormais pour PETR du Pays Ruffécois" in page.inner_text("main")

    # "Mon espace territoire" shows the territory.
    page.get_by_role("link", name="Mon espace territoire").first.click()
    page.wait_for_url(re.compile(r"/territoire/$"))
    assert page.get_by_role("heading", name="PETR du Pays Ruffécois").is_visible()
    assert TerritoryMembership.objects.filter(
        user__email="camille.durand@ruffecois.fr", territory=territory
    ).exists()


def test_the_home_page_fits_a_320px_screen_and_shows_the_focus(page):
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto("/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Aller au contenu"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
