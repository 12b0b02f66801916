"""The notes library and the legal questions service in a real browser (issue 25's two journeys)."""

import re

from django.core import mail

from legal.models import Question
from members.models import Role
from resources import services as resources_services
from resources.models import Note, QAEntry, Theme

from ..factories import MembershipFactory, StaffFactory, TerritoryFactory
from ..members.adhesion_factories import make_member
from .accessibility import serious_violations
from .test_adhesion import log_in

PDF = b"%PDF-1.4\n% annexe de la note\n%%EOF\n"
BODY_WORD_SENTENCE = "Le transport solidaire dessert désormais les communes éloignées du bassin de vie."


def _log_out(page):
    page.context.clear_cookies()


def _no_violations(page):
    violations = serious_violations(page)
    assert not violations, f"{page.url}: {violations}"


def _fits_320(page):
    page.set_viewport_size({"width": 320, "height": 640})
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    page.set_viewport_size({"width": 1280, "height": 800})
    assert widths[0] <= widths[1], f"{page.url} is {widths[0]} px wide at 320 px"


def test_staff_publish_a_members_only_note_a_follower_is_told_once_others_read_its_summary_members_find_it(
    page, transactional_db, tmp_path
):
    mobility = Theme.objects.create(name="Mobilités", slug="mobilites", position=1)
    health = Theme.objects.create(name="Santé", slug="sante", position=2)
    territory_a = TerritoryFactory(name="PETR exemple du Val", slug="val-exemple")
    make_member(territory_a)
    follower = MembershipFactory(territory=territory_a, role=Role.REFERENT).user
    resources_services.themes_follow_set(user=follower, themes=[mobility, health])
    outsider = MembershipFactory(
        territory=TerritoryFactory(name="Pays exemple non adhérent"), role=Role.REFERENT
    ).user
    staff = StaffFactory()
    pdf = tmp_path / "annexe.pdf"
    pdf.write_bytes(PDF)

    # Staff publish the note in the admin: members only, two themes, a PDF.
    log_in(page, staff.email)
    page.goto("/admin/resources/note/add/")
    page.locator("#id_kind").select_option(label="Note d'analyse")
    page.locator("#id_title").fill("Exemple fictif : le transport solidaire")
    page.locator("#id_date").fill("15/03/2026")
    page.locator("#id_summary").fill("Exemple fictif : ce que le transport solidaire change.")
    page.locator("#id_body").fill(BODY_WORD_SENTENCE)
    page.locator("#id_themes").get_by_label("Mobilités").check()
    page.locator("#id_themes").get_by_label("Santé").check()
    page.locator("#id_visibility").select_option(label="réservée aux adhérents")
    page.locator("#id_status").select_option(label="publiée")
    page.locator("#id_attachments-0-title").fill("Annexe chiffrée")
    page.locator("#id_attachments-0-file").set_input_files(str(pdf))
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    page.wait_for_url(re.compile(r"/admin/resources/note/$"))
    note = Note.objects.get()
    assert note.is_published and note.attachments.count() == 1
    assert set(note.themes.values_list("slug", flat=True)) == {"mobilites", "sante"}

    # The follower of both themes gets exactly one email.
    to_follower = [m for m in mail.outbox if follower.email in m.to]
    assert len(to_follower) == 1 and note.title in to_follower[0].subject

    # A person of a territory that is not a member reads the summary only; the PDF is a 404.
    _log_out(page)
    log_in(page, outsider.email)
    page.goto(note.get_absolute_url())
    assert "ce que le transport solidaire change" in page.inner_text("main")
    assert "communes éloignées" not in page.content() and "Annexe chiffrée" not in page.content()
    page.get_by_role("link", name="Adhérer à l'ANPP").wait_for()
    _no_violations(page)
    _fits_320(page)
    attachment_url = f"{note.get_absolute_url()}fichiers/{note.attachments.get().pk}/"
    assert page.goto(attachment_url).status == 404
    page.goto("/ressources/recherche/?q=communes")
    assert note.title not in page.inner_text("main")

    # A member finds it by an accent-free plural of a word of its body ("éloignée" → "eloignees").
    _log_out(page)
    log_in(page, follower.email)
    page.goto("/ressources/")
    page.get_by_role("link", name="Rechercher", exact=True).click()
    page.get_by_label("Rechercher dans les notes").fill("eloignees")
    page.get_by_role("button", name="Rechercher").click()
    page.wait_for_url(re.compile(r"/ressources/recherche/\?q=eloignees"))
    page.get_by_role("link", name=note.title).wait_for()
    assert "<mark>éloignées</mark>" in page.content()
    _no_violations(page)
    _fits_320(page)
    page.get_by_role("link", name=note.title).click()
    assert BODY_WORD_SENTENCE in page.inner_text("main")
    with page.expect_download() as download:
        page.get_by_role("link", name="Annexe chiffrée").click()
    with open(download.value.path(), "rb") as handle:
        assert handle.read() == PDF


def test_a_legal_question_goes_from_a_territory_to_staff_and_back_then_to_the_qa_base(
    page, transactional_db, tmp_path
):
    territory_a = TerritoryFactory(name="PETR exemple des Collines", slug="collines-exemple")
    make_member(territory_a)
    asker = MembershipFactory(territory=territory_a, role=Role.MEMBRE).user
    referent = MembershipFactory(territory=territory_a, role=Role.REFERENT).user
    territory_b = TerritoryFactory(name="Pays exemple de la Plaine", slug="plaine-exemple")
    make_member(territory_b)
    person_b = MembershipFactory(territory=territory_b, role=Role.REFERENT).user
    staff = StaffFactory(first_name="Camille", last_name="Exemple")
    statutes = tmp_path / "statuts.pdf"
    statutes.write_bytes(PDF)

    # A person of the territory asks, with the statutes attached.
    log_in(page, asker.email)
    page.goto("/questions-juridiques/")
    page.get_by_role("link", name="Poser une question pour PETR exemple des Collines").click()
    page.get_by_role("button", name="Envoyer la question").click()  # empty: French errors on the page
    page.get_by_text("Indiquez l'objet de votre question.").wait_for()
    _no_violations(page)
    page.get_by_label("Objet").fill("Prestations pour une commune voisine")
    page.get_by_label("Votre question").fill(
        "Les Collines peuvent-elles facturer une étude à une commune voisine ?"
    )
    page.get_by_label("Fichiers joints (facultatif)").set_input_files(str(statutes))
    page.get_by_role("button", name="Envoyer la question").click()
    page.wait_for_url(re.compile(r"/questions-juridiques/\d+/$"))
    question = Question.objects.get()
    assert page.get_by_role("link", name="statuts.pdf").is_visible()

    # Staff find it from their home, take it and reply.
    _log_out(page)
    log_in(page, staff.email)
    page.goto("/equipe/")
    page.get_by_role("link", name=re.compile("nouvelle question juridique")).click()
    _no_violations(page)
    _fits_320(page)
    page.get_by_role("link", name="Prestations pour une commune voisine").click()
    page.get_by_role("button", name="Me l'attribuer").click()
    page.get_by_label("Votre message").fill("Oui, sous conditions : une convention, et un budget annexe.")
    page.get_by_role("button", name="Envoyer", exact=True).click()
    page.get_by_text("Votre message est envoyé.").wait_for()
    question.refresh_from_db()
    assert question.status == Question.Status.ANSWERED and question.assigned_to == staff
    told = sorted(m.to[0] for m in mail.outbox if "Réponse de l'ANPP" in m.subject)
    assert told == sorted([asker.email, referent.email])

    # The asker follows the email's link and reads the reply.
    link = re.search(
        r"https?://\S+/questions-juridiques/\d+/", next(m.body for m in mail.outbox if asker.email in m.to)
    )
    _log_out(page)
    log_in(page, asker.email)
    assert link.group(0).endswith(question.get_absolute_url())
    page.goto(question.get_absolute_url())
    assert "une convention, et un budget annexe" in page.inner_text("main")
    _no_violations(page)
    _fits_320(page)

    # A person of another territory never sees the thread.
    _log_out(page)
    log_in(page, person_b.email)
    assert page.goto(question.get_absolute_url()).status == 404
    page.goto("/questions-juridiques/")
    assert "Prestations pour une commune voisine" not in page.content()

    # Staff publish an edited copy; it must not name the territory.
    _log_out(page)
    log_in(page, staff.email)
    page.goto(question.get_absolute_url())
    page.get_by_role("link", name="Publier dans la base des questions-réponses").click()
    page.get_by_label("Question publiée").fill(
        "Un PETR peut-il réaliser une étude pour une commune non membre ?"
    )
    page.get_by_label("Réponse publiée (Markdown)").fill(
        "Oui, pour PETR exemple des Collines comme pour tous."
    )
    page.get_by_role("button", name="Publier").click()
    page.get_by_text("Le texte publié ne doit pas nommer le territoire").first.wait_for()
    page.get_by_label("Réponse publiée (Markdown)").fill(
        "Oui, sous conditions : une convention, et un budget annexe."
    )
    page.get_by_role("button", name="Publier").click()
    page.wait_for_url(re.compile(r"/ressources/questions-reponses/[\w-]+/$"))
    entry = QAEntry.objects.get()

    # Members of any territory read the published copy, which names no territory.
    _log_out(page)
    log_in(page, person_b.email)
    page.goto("/ressources/questions-reponses/?q=conventions")
    page.get_by_role("link", name=entry.title).click()
    text = page.inner_text("main")
    assert "budget annexe" in text
    assert territory_a.name not in text and "Collines" not in text
    _no_violations(page)
    _fits_320(page)
