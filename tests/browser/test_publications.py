"""The reader's journey in a real browser: archive → issue → search → PDF download."""

import re

from publications import services
from publications.demo import SAMPLE_ISSUE
from publications.models import Issue

from ..factories import TerritoryFactory


def test_browse_the_archive_open_an_issue_search_a_word_and_download_the_pdf(
    page, live_server, transactional_db
):
    TerritoryFactory(slug="portes-de-gascogne", name="PETR Pays Portes de Gascogne")
    issue = services.issue_import(folder=SAMPLE_ISSUE).issue
    Issue.objects.filter(pk=issue.pk).update(visibility=Issue.Visibility.PUBLIC)
    services.issue_publish(issue=issue)

    page.goto("/publications/")
    assert page.inner_text("h1") == "Territoires de Projets"
    page.get_by_role("heading", name="2018", exact=True).wait_for()
    page.get_by_role("link", name="Territoires de Projets — Printemps 2018 / n°02").click()
    page.wait_for_url(re.compile(r"/publications/2/$"))
    assert "Printemps 2018 / n°02" in page.inner_text("h1")
    page.get_by_role("link", name="Les contrats de réciprocité, mode d’emploi").click()
    page.wait_for_url(re.compile(r"/publications/2/dossier-reciprocite/$"))
    assert "Un contrat de réciprocité se construit" in page.inner_text(".pull-quote")

    page.goto("/publications/")
    page.get_by_label("Rechercher dans les articles").fill("réciprocité")
    page.get_by_role("button", name="Rechercher").click()
    page.wait_for_url(re.compile(r"/publications/recherche/\?q="))
    results = page.locator(".result h3")
    assert "Les contrats de réciprocité, mode d’emploi" in results.all_inner_texts()

    page.goto("/publications/2/")
    with page.expect_download(timeout=30_000) as download_info:
        page.get_by_role("link", name="Télécharger le numéro (PDF)").click()
    download = download_info.value
    assert download.suggested_filename == "territoires-de-projets-02.pdf"
    with open(download.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"
