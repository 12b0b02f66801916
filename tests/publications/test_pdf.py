"""The PDF of an issue: rendered by the worker, looks like the magazine, stored once per content."""

import io
import re

import pypdf
import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from publications import pdf, services
from publications.models import IssuePDF

from .factories import ArticleFactory, IssueFactory

pytestmark = pytest.mark.django_db


def _download(client, url, capture):
    """First request starts the job (202, a page that refreshes itself); once the worker is done
    (eager here, at commit), the next request delivers the file."""
    with capture(execute=True):
        waiting = client.get(url)
    assert waiting.status_code == 202
    assert '<meta http-equiv="refresh" content="3">' in waiting.content.decode()
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/pdf"
    return b"".join(response.streaming_content)


def test_the_first_issue_pdf_has_cover_toc_with_page_numbers_footer_bookmarks_and_metadata(
    client, seed_folder, django_capture_on_commit_callbacks
):
    issue = services.issue_import(folder=seed_folder).issue
    services.issue_publish(issue=issue)
    data = _download(
        client, reverse("publications:issue_pdf", kwargs={"number": 1}), django_capture_on_commit_callbacks
    )
    reader = pypdf.PdfReader(io.BytesIO(data))
    pages = [page.extract_text() for page in reader.pages]
    assert len(pages) > 12

    assert reader.metadata.title == "Territoires de Projets — Hiver 2018 / n°01"
    assert reader.metadata.author.startswith("Association Nationale des Pôles territoriaux")
    assert reader.trailer["/Root"]["/Lang"] == "fr"

    # Running footer with the page number, from the first page after the cover.
    assert "Hiver 2018 · n°01" in pages[0] and "Hiver 2018 / n°01 / Territoires de Projets" not in pages[0]
    for number in range(2, len(pages) + 1):
        assert f"Hiver 2018 / n°01 / Territoires de Projets {number}" in pages[number - 1]

    # The table of contents gives each article's page, and the article starts on that page with
    # its rubrique heading.
    toc = pages[1]
    assert toc.startswith("Sommaire")
    for article in issue.articles.select_related("rubrique"):
        first_words = article.title[:25]
        match = re.search(re.escape(first_words) + r".*?\.{3,}\s*(\d+)", toc, re.S)
        assert match, f"{article.title} not in the table of contents"
        page_text = pages[int(match.group(1)) - 1]
        assert article.rubrique.name.upper() in page_text.upper()
        assert first_words in page_text

    bookmarks = [item.title for item in reader.outline if not isinstance(item, list)]
    assert bookmarks[:2] == ["Couverture", "Sommaire"]
    assert "Pays, PETR et contrats de ruralité" in bookmarks and len(bookmarks) == 13


def test_a_second_request_does_not_render_again_until_the_issue_changes(
    client, django_capture_on_commit_callbacks, monkeypatch
):
    issue = IssueFactory(number=12, season="Automne 2019")
    article = ArticleFactory(issue=issue, title="Un article", quotes=["Une citation mise en exergue"])
    renders = []
    real_render = pdf.render_pdf
    monkeypatch.setattr(pdf, "render_pdf", lambda html, **kw: renders.append(1) or real_render(html, **kw))
    url = reverse("publications:issue_pdf", kwargs={"number": 12})

    first = _download(client, url, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again = client.get(url)
    assert again.status_code == 200 and b"".join(again.streaming_content) == first
    assert callbacks == [] and len(renders) == 1
    assert IssuePDF.objects.filter(issue=issue, status=IssuePDF.Status.READY).count() == 1
    record = IssuePDF.objects.get()
    assert default_storage.exists(record.file.name) and record.render_seconds is not None

    article.body = "Un texte corrigé."
    services.article_save(article=article)
    _download(client, url, django_capture_on_commit_callbacks)
    assert len(renders) == 2 and IssuePDF.objects.count() == 2


def test_a_pdf_requested_twice_while_rendering_is_queued_once(client, django_capture_on_commit_callbacks):
    ArticleFactory(issue=IssueFactory(number=13))
    url = reverse("publications:issue_pdf", kwargs={"number": 13})
    with django_capture_on_commit_callbacks(execute=False) as first:
        assert client.get(url).status_code == 202
    with django_capture_on_commit_callbacks(execute=False) as second:
        assert client.get(url).status_code == 202
    assert len(first) == 1 and second == []


def test_the_url_fetcher_reads_only_the_projects_static_and_media_files(settings, tmp_path):
    fetcher = pdf._fetcher_class()(allowed_protocols={"https", "data"})
    css = fetcher.fetch(f"{pdf.PDF_ORIGIN}/static/publications/pdf/issue.css")
    assert b"@page" in css.read()
    default_storage.save("publications/covers/c.png", io.BytesIO(b"\x89PNG"))
    assert fetcher.fetch(f"{pdf.PDF_ORIGIN}/media/publications/covers/c.png").read() == b"\x89PNG"
    for url in [
        "file:///etc/passwd",
        "http://example.org/x.css",
        "https://example.org/static/publications/pdf/issue.css",
        f"{pdf.PDF_ORIGIN}/static/../../etc/passwd",
        f"{pdf.PDF_ORIGIN}/static/%2e%2e/settings.py",
        f"{pdf.PDF_ORIGIN}/etc/passwd",
    ]:
        with pytest.raises(ValueError):
            fetcher.fetch(url)


def test_an_image_from_outside_is_not_fetched_while_rendering(monkeypatch):
    import urllib.request

    def no_network(*args, **kwargs):
        raise AssertionError("the PDF renderer tried to reach the network")

    monkeypatch.setattr(urllib.request.OpenerDirector, "open", no_network)
    html = '<html lang="fr"><body><img src="http://example.org/x.png"><img src="file:///etc/hostname">ok</body></html>'
    assert pdf.render_pdf(html).startswith(b"%PDF")


def test_the_archival_variant_is_a_pdfa_with_the_shipped_fonts_embedded(
    client, django_capture_on_commit_callbacks
):
    ArticleFactory(issue=IssueFactory(number=14), body="Une légumerie partagée « bientôt » !")
    url = reverse("publications:issue_pdf", kwargs={"number": 14}) + "?variante=pdfa"
    data = _download(client, url, django_capture_on_commit_callbacks)
    reader = pypdf.PdfReader(io.BytesIO(data))
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="B"' in xmp
    fonts = {
        font.get_object()["/BaseFont"]
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    names = " ".join(fonts).replace("-", "")
    assert "SourceSerif4" in names and "SourceSans3" in names
    assert IssuePDF.objects.get().variant == IssuePDF.Variant.ARCHIVAL


def test_a_failed_rendering_is_shown_and_retried_only_when_asked(
    client, django_capture_on_commit_callbacks, monkeypatch
):
    ArticleFactory(issue=IssueFactory(number=15))

    def broken(html, **kwargs):
        raise RuntimeError("Pango est absent")

    monkeypatch.setattr(pdf, "render_pdf", broken)
    url = reverse("publications:issue_pdf", kwargs={"number": 15})
    with django_capture_on_commit_callbacks(execute=True):  # the worker logs the error
        client.get(url)
    assert IssuePDF.objects.get().status == IssuePDF.Status.FAILED
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        page = client.get(url)
    assert (
        callbacks == [] and "a échoué" in page.content.decode() and "http-equiv" not in page.content.decode()
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.get(url + "?reessayer=1")
    assert len(callbacks) == 1 and IssuePDF.objects.get().status == IssuePDF.Status.PENDING


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text).replace("\u2010", "").replace("-", "").upper()


def test_no_page_of_the_first_issue_holds_only_a_heading(seed_folder):
    """A heading (rubrique, title, chapeau, authors, a heading of the text) always shares its page
    with some of the text it introduces."""
    issue = services.issue_import(folder=seed_folder).issue
    articles = list(issue.articles.select_related("rubrique"))
    headings = {issue.label, issue.title, "ANPP"}
    for article in articles:
        headings |= {article.rubrique.name, article.title, article.chapeau}
        headings |= {f"{a['name']}, {a['role']}" if a["role"] else a["name"] for a in article.authors}
        headings |= set(re.findall(r"<h[2-6][^>]*>(.*?)</h[2-6]>", article.body_html))
    squeezed = sorted({_squeezed(re.sub(r"<[^>]+>", "", h)) for h in headings if h}, key=len, reverse=True)
    reader = pypdf.PdfReader(io.BytesIO(pdf.render_pdf(pdf.issue_html(issue))))
    lone = []
    for number, page in enumerate(reader.pages[2:], start=3):  # after the cover and the contents
        text = _squeezed(page.extract_text())
        text = text.replace(_squeezed(f"{issue.label} / {issue.title} {number}"), "")
        rest = text
        for heading in squeezed:
            rest = rest.replace(heading, "")
        rest = rest.replace("·", "")
        if text and not rest:
            lone.append(number)
    assert len(reader.pages) > 12
    assert lone == [], f"pages holding only a heading: {lone}"


def test_pull_quotes_sit_between_the_paragraphs_of_the_text_not_above_it(seed_folder):
    issue = services.issue_import(folder=seed_folder).issue
    interview = issue.articles.get(slug="interview-jerome-clement")
    assert len(interview.quotes) == 3
    html = pdf.issue_html(issue)
    body = html.split('id="article-interview-jerome-clement"')[1].split("</article>")[0]
    text = body.split('class="article__body">')[1]
    assert text.lstrip().startswith("<")
    assert not text.lstrip().startswith('<blockquote class="pull-quote"')
    positions = [text.index(f"« {quote} »") for quote in interview.quotes]
    assert positions == sorted(positions) and "</p>" in text[: positions[0]]
    assert "<p>" in text[positions[-1] :]  # text follows the last quote too


def test_an_issue_cover_is_on_the_pdf_cover_the_archive_and_og_image(client, settings):
    issue = IssueFactory(number=21, season="Printemps 2031")
    ArticleFactory(issue=issue, title="Un article")
    services.issue_cover_generate(issue=issue)
    assert issue.cover.name.startswith("publications/covers/") and issue.cover.name.endswith(".png")

    reader = pypdf.PdfReader(io.BytesIO(pdf.render_pdf(pdf.issue_html(issue))))
    assert len(reader.pages[0].images) == 1  # the cover page draws the image

    archive = client.get(reverse("publications:archive")).content.decode()
    assert f'src="{issue.cover.url}"' in archive
    assert f'<meta property="og:image" content="http://testserver{issue.cover.url}">' in archive
    page = client.get(issue.get_absolute_url()).content.decode()
    assert f'<meta property="og:image" content="http://testserver{issue.cover.url}">' in page
    article = client.get(issue.articles.get().get_absolute_url()).content.decode()
    assert f'<meta property="og:image" content="http://testserver{issue.cover.url}">' in article
