"""The reader's journey in a real browser: archive → issue → search → PDF download, on the real
first issue of the magazine shipped in the repository."""

import re

from publications import services
from publications.demo import FIRST_ISSUE


def test_browse_the_archive_open_an_issue_search_a_word_and_download_the_pdf(
    page, live_server, transactional_db
):
    issue = services.issue_import(folder=FIRST_ISSUE, publish=True).issue
    interview = issue.articles.get(slug="interview-jerome-clement")

    page.goto("/publications/")
    assert page.inner_text("h1") == "Territoires de Projets"
    page.get_by_role("heading", name="2018", exact=True).wait_for()
    page.get_by_role("link", name="Territoires de Projets — Hiver 2018 / n°01").click()
    page.wait_for_url(re.compile(r"/publications/1/$"))
    assert "Hiver 2018 / n°01" in page.inner_text("h1")
    page.get_by_role("link", name=interview.title).click()
    page.wait_for_url(re.compile(r"/publications/1/interview-jerome-clement/$"))
    assert interview.quotes[0] in page.locator(".pull-quote").first.inner_text()

    page.goto("/publications/")
    page.get_by_label("Rechercher dans les articles").fill("reciprocite")
    page.get_by_role("button", name="Rechercher").click()
    page.wait_for_url(re.compile(r"/publications/recherche/\?q="))
    results = page.locator(".result h3")
    assert "Nouvelle année, nouveaux projets !" in results.all_inner_texts()

    page.goto("/publications/1/")
    with page.expect_download(timeout=90_000) as download_info:
        # The worker runs in the request here (eager): rendering the 23 pages takes a while.
        page.get_by_role("link", name="Télécharger le numéro (PDF)").click(timeout=90_000)
    download = download_info.value
    assert download.suggested_filename == "territoires-de-projets-01.pdf"
    with open(download.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"
