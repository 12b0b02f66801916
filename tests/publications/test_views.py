"""Reading pages: archive, issue, article, rubrique, feed; members-only rule; pinned query counts."""

import datetime

import pytest
from django.urls import reverse

from members.models import Role
from publications.access import can_read_full
from publications.models import Issue

from ..factories import MembershipFactory, StaffFactory, UserFactory
from ..members.adhesion_factories import member_user
from .factories import ArticleFactory, IssueFactory, RubriqueFactory

pytestmark = pytest.mark.django_db

SECRET = "Le texte complet de l’article, réservé aux lecteurs autorisés."


@pytest.fixture
def members_issue():
    issue = IssueFactory(number=7, season="Été 2019", visibility=Issue.Visibility.MEMBERS)
    ArticleFactory(issue=issue, order=1, slug="dossier", title="Le dossier", quotes=["Une phrase forte"])
    ArticleFactory(issue=issue, order=2, slug="interview", title="L’interview")
    return issue


def _reader(kind):
    if kind == "anonymous":
        return None
    if kind == "non-member":
        return UserFactory()
    if kind == "territory-without-adhesion":
        return MembershipFactory(role=Role.MEMBRE).user
    if kind == "member":
        return member_user()
    return StaffFactory()


@pytest.mark.parametrize(
    ("kind", "allowed"),
    [
        ("anonymous", False),
        ("non-member", False),
        ("territory-without-adhesion", False),
        ("member", True),
        ("staff", True),
    ],
)
def test_members_only_issue_shows_toc_and_chapeaux_to_all_and_full_text_and_pdf_to_members(
    client, members_issue, kind, allowed
):
    user = _reader(kind)
    if user:
        client.force_login(user)
    assert can_read_full(user, members_issue) is allowed
    issue_page = client.get(reverse("publications:issue", kwargs={"number": 7}))
    assert issue_page.status_code == 200
    text = issue_page.content.decode()
    assert "Le dossier" in text and "Un chapeau qui résume" in text
    assert ('href="/publications/7/pdf/"' in text) is allowed
    article = client.get(reverse("publications:article", kwargs={"number": 7, "slug": "dossier"}))
    assert article.status_code == 200
    body = article.content.decode()
    assert "Un chapeau qui résume" in body
    assert (SECRET in body) is allowed
    assert ("Une phrase forte" in body) is allowed
    assert ("réservée aux adhérents" in body) is not allowed
    pdf = client.get(reverse("publications:issue_pdf", kwargs={"number": 7}))
    assert pdf.status_code == (202 if allowed else 403)


def test_public_issue_full_text_is_open_to_anonymous_visitors(client):
    article = ArticleFactory(issue=IssueFactory(number=3))
    response = client.get(article.get_absolute_url())
    assert SECRET in response.content.decode()


def test_draft_issues_are_404_for_readers_and_a_preview_for_staff(client):
    issue = IssueFactory(number=9, status=Issue.Status.DRAFT)
    ArticleFactory(issue=issue, slug="brouillon")
    assert client.get(issue.get_absolute_url()).status_code == 404
    assert client.get("/publications/9/brouillon/").status_code == 404
    assert "/publications/9/" not in client.get(reverse("publications:archive")).content.decode()
    client.force_login(StaffFactory())
    response = client.get(issue.get_absolute_url())
    assert response.status_code == 200 and "Aperçu" in response.content.decode()


def test_archive_groups_issues_by_year_newest_first(client):
    old = IssueFactory(number=1, season="Hiver 2018", date=datetime.date(2018, 1, 15))
    new = IssueFactory(number=5, season="Printemps 2019", date=datetime.date(2019, 4, 1))
    IssueFactory(number=6, season="Été 2019", date=datetime.date(2019, 7, 1), status=Issue.Status.DRAFT)
    ArticleFactory(issue=old, title="Ancien article")
    ArticleFactory(issue=new, title="Nouvel article")
    text = client.get(reverse("publications:archive")).content.decode()
    assert text.index('id="year-2019"') < text.index('id="year-2018"')
    assert text.index("Printemps 2019 / n°05") < text.index("Hiver 2018 / n°01")
    assert "Été 2019" not in text
    assert "Nouvel article" in text and "Ancien article" in text


def test_article_page_has_opengraph_and_previous_next_links(client):
    issue = IssueFactory(number=4)
    first = ArticleFactory(issue=issue, order=1, slug="premier", title="Premier")
    ArticleFactory(issue=issue, order=2, slug="second", title="Second", chapeau="Le second chapeau")
    ArticleFactory(issue=issue, order=3, slug="troisieme", title="Troisième")
    text = client.get("/publications/4/second/").content.decode()
    assert '<meta property="og:title" content="Second">' in text
    assert '<meta property="og:description" content="Le second chapeau">' in text
    assert '<meta property="og:type" content="article">' in text
    assert 'rel="prev" href="/publications/4/premier/"' in text
    assert 'rel="next" href="/publications/4/troisieme/"' in text
    assert client.get(first.rubrique.get_absolute_url()).status_code == 200


def test_issue_page_links_to_neighbour_issues(client):
    for number in (1, 2, 3):
        ArticleFactory(issue=IssueFactory(number=number))
    text = client.get("/publications/2/").content.decode()
    assert 'rel="prev" href="/publications/1/"' in text and 'rel="next" href="/publications/3/"' in text


def test_rubrique_page_lists_its_published_articles(client):
    rubrique = RubriqueFactory(name="Dossier test", slug="dossier-test")
    ArticleFactory(rubrique=rubrique, title="Publié")
    ArticleFactory(rubrique=rubrique, title="Pas encore", issue=IssueFactory(status=Issue.Status.DRAFT))
    text = client.get(rubrique.get_absolute_url()).content.decode()
    assert "Publié" in text and "Pas encore" not in text


def test_atom_feed_lists_published_articles_with_their_chapeau_only(client, members_issue):
    response = client.get(reverse("publications:feed"))
    assert response["Content-Type"].startswith("application/atom+xml")
    text = response.content.decode()
    assert "Le dossier (Été 2019 / n°07)" in text and "Un chapeau qui résume" in text
    assert SECRET not in text


def _issues_with_articles(count, per_issue):
    for _ in range(count):
        issue = IssueFactory(visibility=Issue.Visibility.MEMBERS)
        for order in range(1, per_issue + 1):
            ArticleFactory(issue=issue, order=order)
    return issue


@pytest.mark.parametrize(("issues", "articles"), [(1, 2), (12, 10)])
def test_archive_and_issue_pages_run_a_constant_number_of_queries(
    client, django_assert_max_num_queries, issues, articles
):
    last = _issues_with_articles(issues, articles)
    client.force_login(member_user())
    with django_assert_max_num_queries(6):
        assert client.get(reverse("publications:archive")).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(last.get_absolute_url()).status_code == 200
    article = last.articles.order_by("order").last()
    with django_assert_max_num_queries(9):
        assert client.get(article.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(article.rubrique.get_absolute_url()).status_code == 200


def test_the_archive_shows_the_start_of_each_table_of_contents_and_links_to_the_rest(client):
    from publications.selectors import ARCHIVE_TOC_LENGTH

    issue = IssueFactory()
    for order in range(1, ARCHIVE_TOC_LENGTH + 6):
        ArticleFactory(issue=issue, order=order, title=f"Article numéro {order:02d}")
    content = client.get(reverse("publications:archive")).content.decode()
    assert f"Article numéro {ARCHIVE_TOC_LENGTH:02d}" in content
    assert f"Article numéro {ARCHIVE_TOC_LENGTH + 1:02d}" not in content
    assert f"Voir les {ARCHIVE_TOC_LENGTH + 5} articles du numéro" in content


def test_rss_and_atom_entries_carry_the_issues_date_not_the_days_it_was_imported_or_published(
    client, seed_folder
):
    from publications import services

    services.issue_import(folder=seed_folder, publish=True)
    atom = client.get(reverse("publications:feed")).content.decode()
    rss = client.get(reverse("publications:feed_rss"))
    assert rss["Content-Type"].startswith("application/rss+xml")
    rss = rss.content.decode()
    assert '<rss version="2.0"' in rss and "<item>" in rss
    assert "Nouvelle année, nouveaux projets ! (Hiver 2018 / n°01)" in atom and "(Hiver 2018 / n°01)" in rss
    # 11 entries, and the feed itself is as recent as its newest entry.
    assert atom.count("<published>2018-01-15T") == 11 and atom.count("<updated>2018-01-15T") == 12
    assert rss.count("<pubDate>Mon, 15 Jan 2018") == 11
    this_year = str(__import__("datetime").date.today().year)
    assert f"<published>{this_year}" not in atom and f"Jan {this_year}" not in rss
    page = client.get(reverse("publications:archive")).content.decode()
    assert 'type="application/rss+xml"' in page and 'type="application/atom+xml"' in page


@pytest.mark.parametrize("first", ["member", "non-member", "anonymous", "staff"])
def test_each_kind_of_reader_gets_its_own_kept_article_whoever_came_first(members_issue, first):
    """The article keeps its rendered body per kind of reader (publications.access.reader_kind):
    after any reader, a member still reads the full text and anyone else only the chapeau."""
    from django.test import Client

    allowed = {"member": True, "staff": True, "non-member": False, "anonymous": False}
    url = reverse("publications:article", kwargs={"number": 7, "slug": "dossier"})
    readers = {kind: _reader(kind) for kind in allowed}  # all made first: no change between visits
    for kind in [first, *[k for k in allowed if k != first], first]:
        client = Client()
        if readers[kind]:
            client.force_login(readers[kind])
        body = client.get(url).content.decode()
        assert (SECRET in body) is allowed[kind], (first, kind)
        # Only a visitor who is not logged in is offered to log in to read the rest.
        assert ("/comptes/login/?next=" in body) is (kind == "anonymous"), (first, kind)


def test_a_member_whose_territory_leaves_reads_only_the_chapeau_at_once(client, members_issue):
    from members.models import TerritoryMembership

    user = member_user()
    client.force_login(user)
    url = reverse("publications:article", kwargs={"number": 7, "slug": "dossier"})
    assert SECRET in client.get(url).content.decode()
    TerritoryMembership.objects.filter(user=user).delete()
    assert SECRET not in client.get(url).content.decode()
