"""A bad import is a form error naming the file; a text nested too deep for the PDF is refused at
import and at save; a PDF rendering that fails tells members and staff instead of staying "en
préparation" (issue 23, finding 9)."""

import io
import shutil
import zipfile
from datetime import timedelta
from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from publications import services
from publications.importer import ImportFormatError, parse_issue_folder
from publications.models import Article, Issue, IssuePDF
from publications.rendering import MAX_NESTING, markdown_to_html

from ..factories import StaffFactory
from .factories import ArticleFactory, IssueFactory, RubriqueFactory

pytestmark = pytest.mark.django_db

DEEP = "> " * 3000 + "Un texte fictif, cité trois mille fois.\n"


@pytest.fixture
def staff_client(client):
    client.force_login(StaffFactory())
    return client


def _zip_with_a_corrupt_entry(folder, damaged: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for path in sorted(folder.iterdir()):
            archive.write(path, f"numero/{path.name}")
    data = bytearray(buffer.getvalue())
    content = (folder / damaged).read_bytes()
    at = data.find(content) + len(content) // 2
    data[at] ^= 0xFF  # one byte of the stored file changes: its CRC no longer matches
    return bytes(data)


def test_a_zip_whose_entry_is_corrupt_is_a_form_error_naming_the_file(staff_client, seed_folder):
    damaged = sorted(p.name for p in seed_folder.glob("*.md") if p.name.lower() != "readme.md")[1]
    upload = SimpleUploadedFile(
        "numero.zip", _zip_with_a_corrupt_entry(seed_folder, damaged), "application/zip"
    )
    response = staff_client.post(reverse("admin:publications_issue_import"), {"archive": upload})
    assert response.status_code == 200
    text = unescape(response.content.decode())
    assert "Import refusé, rien n'a été écrit." in text
    assert f"le fichier « numero/{damaged} » de l'archive est illisible" in text
    assert not Issue.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("issue.yaml", b"\xff\xfe pas du texte", "le fichier n'est pas en UTF-8"),
        (
            "issue.yaml",
            b"number: 1\nseason: Hiver 2018\ndate: 2018-02-30\ntitle: Exemple\n",
            "une valeur ne peut pas être lue",
        ),
        (
            "01-edito.md",
            b"---\ntitle: x\nrubrique: y\norder: 1\nchapeau: 2018-13-45\n---\nTexte.",
            "une valeur",
        ),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_naming_it(seed_folder, tmp_path, name, content, reason):
    folder = tmp_path / "numero"
    shutil.copytree(seed_folder, folder)
    (folder / name).write_bytes(content)
    with pytest.raises(ImportFormatError) as refused:
        parse_issue_folder(folder)
    assert refused.value.path == folder / name and reason in refused.value.reason


LAUGHS = "".join(
    f"l{n}: &l{n} [" + ", ".join([f"*l{n - 1}"] * 9) + "]\n" if n else "l0: &l0 [ha]\n" for n in range(9)
)


@pytest.mark.parametrize("name", ["issue.yaml", "01-edito.md"])
def test_a_front_matter_with_yaml_aliases_is_refused_at_the_line_of_the_first_alias(
    seed_folder, tmp_path, name
):
    folder = tmp_path / "numero"
    shutil.copytree(seed_folder, folder)
    target = folder / name
    original = target.read_text(encoding="utf-8")
    if name.endswith(".md"):  # inside the article's front matter, after its opening line
        target.write_text(original.replace("---\n", "---\n" + LAUGHS, 1), encoding="utf-8")
        line = 3
    else:
        target.write_text(LAUGHS + original, encoding="utf-8")
        line = 2
    with pytest.raises(ImportFormatError) as refused:
        parse_issue_folder(folder)
    assert refused.value.path == target and refused.value.line == line
    assert "alias" in refused.value.reason


def test_an_article_nested_too_deep_is_refused_at_import_with_its_file_and_line(seed_folder, tmp_path):
    folder = tmp_path / "numero"
    shutil.copytree(seed_folder, folder)
    article = sorted(folder.glob("0*.md"))[0]
    article.write_text(article.read_text(encoding="utf-8") + "\n" + DEEP, encoding="utf-8")
    with pytest.raises(ImportFormatError) as refused:
        parse_issue_folder(folder)
    assert refused.value.path == article and refused.value.line
    assert f"({MAX_NESTING} au plus)" in refused.value.reason


def test_an_article_nested_too_deep_is_refused_in_the_admin_with_the_error_at_the_field(staff_client):
    issue, rubrique = IssueFactory(), RubriqueFactory()
    response = staff_client.post(
        reverse("admin:publications_article_add"),
        {
            "issue": issue.pk,
            "rubrique": rubrique.pk,
            "order": "1",
            "title": "Un article fictif",
            "slug": "un-article-fictif",
            "chapeau": "",
            "body": DEEP,
            "authors": "",
            "quotes": "",
            "links": "",
        },
    )
    assert response.status_code == 200
    text = unescape(response.content.decode())
    assert f"({MAX_NESTING} au plus)" in text
    assert "Un texte fictif, cité trois mille fois." in text  # what was typed is kept
    assert not Article.objects.exists()


def test_the_save_service_refuses_it_too_and_accepts_a_real_depth():
    with pytest.raises(ValidationError) as refused:
        ArticleFactory(body=DEEP)
    assert "body" in refused.value.message_dict
    # A list in a quote in a list, as real articles have them, is well within the limit.
    ArticleFactory(body="- Un point\n    > Une citation\n    > - avec une liste\n")


def _broken_issue(number: int) -> Issue:
    """An issue whose stored text nests too deep for WeasyPrint (as one saved before the limit)."""
    article = ArticleFactory(issue=IssueFactory(number=number), body="Court.")
    Article.objects.filter(pk=article.pk).update(body_html=markdown_to_html("> " * 400 + "Profond."))
    return article.issue


def test_a_failed_rendering_is_shown_to_members_and_to_staff_until_one_succeeds(
    client, staff_client, django_capture_on_commit_callbacks
):
    issue = _broken_issue(31)
    url = reverse("publications:issue_pdf", kwargs={"number": issue.number})
    with django_capture_on_commit_callbacks(execute=True):  # the worker fails (RecursionError)
        client.get(url)
    record = IssuePDF.objects.get()
    assert record.status == IssuePDF.Status.FAILED and "RecursionError" in record.error
    page = client.get(url)
    assert page.status_code == 202 and "La fabrication du PDF a échoué" in page.content.decode()

    home = staff_client.get(reverse("backoffice:home"))
    items = {item.kind: item for item in home.context["items"]}
    assert items["issue-pdfs-failed"].count == 1 and items["issue-pdfs-failed"].urgent
    listed = staff_client.get(items["issue-pdfs-failed"].url)
    assert listed.context["cl"].result_count == 1 and "RecursionError" in listed.content.decode()
    change = staff_client.get(reverse("admin:publications_issue_change", args=[issue.pk]))
    assert "échec — RecursionError" in unescape(change.content.decode())

    # Staff fix the text and ask again from the admin: the new rendering succeeds, the home is clear.
    Article.objects.filter(issue=issue).update(body_html="<p>Corrigé.</p>")
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            reverse("admin:publications_issuepdf_changelist"),
            {"action": "render_again", "_selected_action": [record.pk]},
        )
    assert IssuePDF.objects.filter(issue=issue, status=IssuePDF.Status.READY).count() == 1
    home = staff_client.get(reverse("backoffice:home"))
    assert "issue-pdfs-failed" not in {item.kind for item in home.context["items"]}


def test_a_rendering_whose_worker_died_is_failed_after_the_delay_and_never_rendered_again(client):
    issue = IssueFactory(number=32)
    ArticleFactory(issue=issue)
    record = services.pdf_request(issue=issue)
    assert record.status == IssuePDF.Status.PENDING
    assert services.pdfs_fail_stalled() == 0  # still within the delay
    later = timezone.now() + services.PDF_STALLED_AFTER + timedelta(minutes=1)
    assert services.pdfs_fail_stalled(now=later) == 1
    record.refresh_from_db()
    assert record.status == IssuePDF.Status.FAILED and "n'a pas abouti" in record.error
    # The task handed out again by the queue renders nothing; members are told it failed.
    assert services.pdf_render(record_id=record.pk) is False
    page = client.get(reverse("publications:issue_pdf", kwargs={"number": 32}))
    assert "La fabrication du PDF a échoué" in page.content.decode()
