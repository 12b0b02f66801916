"""Staff edit issues with their articles inline, schedule and publish them from the admin."""

import pytest
from django.urls import reverse

from publications.models import Article, Issue

from ..factories import StaffFactory, UserFactory
from .factories import ArticleFactory, IssueFactory, RubriqueFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(StaffFactory())
    return client


def _issue_form(issue, article, **changes):
    data = {
        "number": issue.number,
        "season": issue.season,
        "date": issue.date.isoformat(),
        "title": issue.title,
        "visibility": issue.visibility,
        "publisher": "",
        "publisher_address": "",
        "director": "",
        "editor": "",
        "publish_at_0": "",
        "publish_at_1": "",
        "articles-TOTAL_FORMS": "1",
        "articles-INITIAL_FORMS": "1",
        "articles-MIN_NUM_FORMS": "0",
        "articles-MAX_NUM_FORMS": "1000",
        "articles-0-id": article.pk,
        "articles-0-issue": issue.pk,
        "articles-0-order": article.order,
        "articles-0-rubrique": article.rubrique_id,
        "articles-0-title": article.title,
        "articles-0-slug": article.slug,
        "articles-0-chapeau": article.chapeau,
        "articles-0-body": article.body,
        "articles-0-authors": "",
        "articles-0-quotes": "",
        "articles-0-links": "",
    }
    data.update(changes)
    return data


def test_staff_edit_an_article_inline_and_its_html_is_rendered_again(staff_client):
    issue = IssueFactory(status=Issue.Status.DRAFT)
    article = ArticleFactory(issue=issue, rubrique=RubriqueFactory())
    url = reverse("admin:publications_issue_change", args=[issue.pk])
    assert staff_client.get(url).status_code == 200
    response = staff_client.post(url, _issue_form(issue, article, **{"articles-0-body": "Texte **revu**."}))
    assert response.status_code == 302, response.content.decode()[:3000]
    article.refresh_from_db()
    assert article.body_html == "<p>Texte <strong>revu</strong>.</p>"


def test_staff_schedule_an_issue_by_giving_it_a_publication_date(staff_client):
    issue = IssueFactory(status=Issue.Status.DRAFT)
    article = ArticleFactory(issue=issue)
    url = reverse("admin:publications_issue_change", args=[issue.pk])
    response = staff_client.post(
        url, _issue_form(issue, article, publish_at_0="2030-01-15", publish_at_1="08:00:00")
    )
    assert response.status_code == 302
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SCHEDULED and issue.publish_at.year == 2030


def test_staff_publish_now_with_the_admin_action(staff_client, django_capture_on_commit_callbacks):
    issue = IssueFactory(status=Issue.Status.DRAFT)
    ArticleFactory(issue=issue)
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            reverse("admin:publications_issue_changelist"),
            {"action": "publish_now", "_selected_action": [issue.pk]},
        )
    issue.refresh_from_db()
    assert issue.is_published and issue.published_at is not None


def test_the_admin_lists_render(staff_client):
    ArticleFactory()
    for name in ("issue", "article", "rubrique", "issuepdf", "subscriber", "announcement"):
        assert staff_client.get(reverse(f"admin:publications_{name}_changelist")).status_code == 200
    assert Article.objects.count() == 1


def test_demo_data_is_the_published_first_issue_with_a_generic_cover_and_loads_twice_without_change():
    from members import demo as members_demo
    from publications import demo

    members_demo.load()
    assert demo.load() == []
    issue = Issue.objects.get()
    cover, count = issue.cover.name, Article.objects.count()
    demo.load()
    assert Issue.objects.get().cover.name == cover and Article.objects.count() == count == 11
    assert (issue.number, issue.label, issue.is_published) == (1, "Hiver 2018 / n°01", True)
    assert cover.startswith("publications/covers/") and cover.endswith(".png")


def test_staff_import_the_shipped_first_issue_and_publish_it_from_the_admin(staff_client):
    url = reverse("admin:publications_issue_import")
    page = staff_client.get(url).content.decode()
    assert "territoires-de-projets-01" in page and "reste un brouillon" in page
    response = staff_client.post(url, {"folder": "territoires-de-projets-01", "publish": "on"}, follow=True)
    issue = Issue.objects.get(number=1)
    assert issue.is_published and issue.articles.count() == 11
    assert "Numéro publié." in response.content.decode()
    assert staff_client.get(reverse("admin:publications_issue_changelist")).content.decode().count(url) == 1


def test_an_imported_zip_stays_a_draft_unless_published_and_a_bad_one_is_refused_with_its_reason(
    staff_client, seed_folder
):
    import io
    import zipfile

    from django.core.files.uploadedfile import SimpleUploadedFile

    def zipped(extra=None):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for path in seed_folder.iterdir():
                archive.write(path, f"territoires-de-projets-01/{path.name}")
            for name, text in (extra or {}).items():
                archive.writestr(name, text)
        return SimpleUploadedFile("numero.zip", buffer.getvalue(), "application/zip")

    url = reverse("admin:publications_issue_import")
    response = staff_client.post(url, {"archive": zipped({"../../evil.md": "x"})}, follow=True)
    issue = Issue.objects.get(number=1)
    assert issue.status == Issue.Status.DRAFT and issue.articles.count() == 11
    assert "brouillon" in response.content.decode()

    broken = staff_client.post(url, {"archive": SimpleUploadedFile("x.zip", b"not a zip")})
    assert "pas une archive .zip" in broken.content.decode()
    both = staff_client.post(url, {"archive": zipped(), "folder": "territoires-de-projets-01"})
    assert "pas les deux" in both.content.decode()


def test_only_staff_with_the_permission_to_add_issues_may_import(client):
    url = reverse("admin:publications_issue_import")
    assert client.get(url).status_code == 302  # to the admin's login page
    client.force_login(UserFactory())
    assert client.get(url).status_code == 302
    client.force_login(UserFactory(is_staff=True))
    assert client.get(url).status_code == 403
    assert client.post(url, {"folder": "territoires-de-projets-01", "publish": "on"}).status_code == 403
    assert not Issue.objects.exists()
