"""Search: French full text (stemming, accents folded, weights) on PostgreSQL and on SQLite alike."""

import datetime

import pytest
from django.urls import reverse

from publications import selectors
from publications.models import Issue

from .factories import ArticleFactory, IssueFactory, RubriqueFactory

pytestmark = pytest.mark.django_db


def _titles(page):
    return [article.title for article in page.object_list]


def test_search_without_accents_finds_words_with_accents():
    ArticleFactory(title="Coopérations", body="Le suivi des contrats de réciprocité entre ville et campagne.")
    ArticleFactory(title="Autre sujet", body="Rien à voir.")
    assert _titles(selectors.search_articles(q="reciprocite")) == ["Coopérations"]
    assert _titles(selectors.search_articles(q="RÉCIPROCITÉ")) == ["Coopérations"]


def test_search_matches_plurals_and_singulars():
    ArticleFactory(title="Bilan", body="131 contrats de ruralité sont portés par un PETR.")
    assert _titles(selectors.search_articles(q="contrat")) == ["Bilan"]
    ArticleFactory(title="Un seul", body="Le contrat est signé.")
    assert set(_titles(selectors.search_articles(q="contrats"))) == {"Bilan", "Un seul"}


def test_title_matches_rank_before_chapeau_matches_before_body_matches():
    ArticleFactory(title="Bilan", body="La mobilité rurale, la mobilité douce, la mobilité partagée. " * 8)
    ArticleFactory(title="Divers", chapeau="Un mot sur la mobilité", body="Autre chose.")
    ArticleFactory(title="La mobilité rurale", body="Un court texte.")
    assert _titles(selectors.search_articles(q="mobilite")) == ["La mobilité rurale", "Divers", "Bilan"]


def test_pages_run_through_title_then_chapeau_then_body_matches_without_gap_or_repeat():
    issue = IssueFactory()
    expected = [
        ArticleFactory(issue=issue, order=n, title=f"Haies {n}", chapeau="Rien.", body="Rien.").title
        for n in range(1, 4)
    ] + [
        ArticleFactory(
            issue=issue, order=10 + n, title=f"Chapeau {n}", chapeau="Des haies.", body="Rien."
        ).title
        for n in range(1, 5)
    ]
    expected += [
        ArticleFactory(
            issue=issue, order=20 + n, title=f"Texte {n}", chapeau="Rien.", body="Des haies."
        ).title
        for n in range(1, 7)
    ]
    first, second = selectors.search_articles(q="haie"), selectors.search_articles(q="haie", page=2)
    assert first.paginator.count == 13 and not first.paginator.capped
    assert _titles(first) + _titles(second) == expected
    # Past the end: the last page; not a number: the first one (as Paginator.get_page).
    assert selectors.search_articles(q="haie", page=9).number == 2
    assert _titles(selectors.search_articles(q="haie", page="zz")) == expected[:10]


def test_several_words_rank_articles_with_all_of_them_in_the_title_first():
    ArticleFactory(title="Un mot", chapeau="Le conseil de développement.", body="Rien.")
    ArticleFactory(title="Le conseil de développement", chapeau="Rien.", body="Rien.")
    ArticleFactory(title="Le conseil", chapeau="Rien.", body="Son développement.")
    ArticleFactory(title="Le conseil", chapeau="Rien.", body="Rien.")
    assert _titles(selectors.search_articles(q="conseil de developpement")) == [
        "Le conseil de développement",
        "Un mot",
        "Le conseil",
    ]


def test_a_word_excluded_with_a_minus_is_excluded_wherever_it_is():
    ArticleFactory(title="Mobilité douce", chapeau="Rien.", body="Rien.")
    ArticleFactory(title="Mobilité rurale", chapeau="Rien.", body="Rien.")
    ArticleFactory(title="Mobilité", chapeau="Rien.", body="En zone rurale.")
    ArticleFactory(title="Autre", chapeau="La mobilité.", body="Rien.")
    ArticleFactory(title="Encore", chapeau="Rien.", body="La mobilité rurale.")
    ArticleFactory(title="Enfin", chapeau="Rien.", body="La mobilité.")
    assert _titles(selectors.search_articles(q="mobilite -rurale")) == ["Mobilité douce", "Autre", "Enfin"]


def test_the_count_stops_past_the_cap_and_says_so(client, monkeypatch):
    monkeypatch.setattr(selectors, "SEARCH_COUNT_CAP", 3)
    issue = IssueFactory()
    for order in range(1, 6):
        # "Haies" in two titles and three bodies; "bocage" in five titles.
        ArticleFactory(
            issue=issue,
            order=order,
            title=f"Haies et bocage {order}" if order <= 2 else f"Bocage {order}",
            body="Des haies." if order > 2 else "Rien.",
        )
    for word in ("haie", "bocage"):
        page = selectors.search_articles(q=word)
        assert page.paginator.count == 4 and page.paginator.capped
        assert len(page.object_list) == 5  # the page is not cut at the cap
    text = client.get(reverse("publications:search"), {"q": "haie"}).content.decode()
    assert "Plus de 3 articles trouvés" in text
    # The label follows the cap.
    monkeypatch.setattr(selectors, "SEARCH_COUNT_CAP", 2)
    text = client.get(reverse("publications:search"), {"q": "bocage"}).content.decode()
    assert "Plus de 2 articles trouvés" in text


def test_the_filters_offer_the_years_and_rubriques_of_published_articles_only():
    shown = RubriqueFactory(name="Montrée", slug="montree")
    hidden = RubriqueFactory(name="Cachée", slug="cachee")
    ArticleFactory(rubrique=shown, issue=IssueFactory(date=datetime.date(2019, 4, 1)))
    ArticleFactory(
        rubrique=hidden, issue=IssueFactory(date=datetime.date(2020, 4, 1), status=Issue.Status.DRAFT)
    )
    years, rubriques = selectors.search_filters()
    assert years == [2019]
    assert [rubrique.slug for rubrique in rubriques] == ["montree"]


def test_filters_by_year_and_rubrique_and_drafts_are_never_found():
    dossier = RubriqueFactory(name="Dossier filtre", slug="dossier-filtre")
    old = IssueFactory(date=datetime.date(2018, 1, 15))
    new = IssueFactory(date=datetime.date(2019, 4, 1))
    ArticleFactory(issue=old, title="Territoire 2018", body="territoire")
    ArticleFactory(issue=new, title="Territoire 2019", body="territoire", rubrique=dossier)
    ArticleFactory(issue=IssueFactory(status=Issue.Status.DRAFT), title="Brouillon", body="territoire")
    assert set(_titles(selectors.search_articles(q="territoires"))) == {"Territoire 2018", "Territoire 2019"}
    assert _titles(selectors.search_articles(q="territoires", year=2018)) == ["Territoire 2018"]
    assert _titles(selectors.search_articles(q="territoires", rubrique="dossier-filtre")) == [
        "Territoire 2019"
    ]
    assert _titles(selectors.search_articles(q="territoires", year=2018, rubrique="dossier-filtre")) == []


def test_results_are_paginated_with_highlighted_excerpts_escaped(client):
    issue = IssueFactory()
    for order in range(1, 13):
        ArticleFactory(
            issue=issue, order=order, body=f"<script>x</script> La ruralité vivante, épisode {order}."
        )
    response = client.get(reverse("publications:search"), {"q": "ruralite"})
    text = response.content.decode()
    assert "12 articles trouvés" in text and "Page 1 sur 2" in text
    assert "<mark>ruralité</mark>" in text
    assert "<script>x" not in text
    page2 = client.get(reverse("publications:search"), {"q": "ruralite", "page": 2}).content.decode()
    assert page2.count('class="result"') == 2


def test_the_search_vector_follows_edits_made_through_the_service():
    from publications import services

    article = ArticleFactory(title="Avant", body="sans rapport")
    assert _titles(selectors.search_articles(q="biodiversite")) == []
    article.body = "La biodiversité des haies."
    services.article_save(article=article)
    assert _titles(selectors.search_articles(q="biodiversite")) == ["Avant"]


def test_the_real_first_issue_can_be_searched(seed_folder):
    from publications import services

    report = services.issue_import(folder=seed_folder)
    services.issue_publish(issue=report.issue)
    titles = _titles(selectors.search_articles(q="contrat ruralite"))
    assert titles[0] == "Pays, PETR et contrats de ruralité"


def test_search_page_works_on_any_database_and_rejects_nothing_badly(client):
    ArticleFactory(title="Cybersécurité", body="La sécurité numérique des collectivités.")
    text = client.get(reverse("publications:search"), {"q": "numérique"}).content.decode()
    assert "Cybersécurité" in text
    assert (
        client.get(reverse("publications:search"), {"q": "x", "annee": "abc", "page": "zz"}).status_code
        == 200
    )
    assert client.get(reverse("publications:search")).status_code == 200


def test_search_runs_a_constant_number_of_queries(client, django_assert_max_num_queries):
    issue = IssueFactory()
    for order in range(1, 31):
        ArticleFactory(issue=issue, order=order, body="ruralité")
    with django_assert_max_num_queries(8):
        assert client.get(reverse("publications:search"), {"q": "ruralite"}).status_code == 200


def test_excerpts_are_escaped_except_the_highlight_marks():
    start, stop = markers = selectors._highlight_markers()
    html = selectors._highlight(f"<b>gras</b> {start}mot{stop} **fin**", markers)
    assert html == "&lt;b&gt;gras&lt;/b&gt; <mark>mot</mark> fin"


@pytest.mark.parametrize(("member", "shown"), [(False, False), (True, True)])
def test_excerpts_of_members_only_full_text_are_shown_to_members_only(client, member, shown):

    from ..members.adhesion_factories import member_user

    issue = IssueFactory(visibility=Issue.Visibility.MEMBERS)
    ArticleFactory(
        issue=issue, title="Réservé", chapeau="Le chapeau public.", body="La phrase secrète sur le bocage."
    )
    if member:
        client.force_login(member_user())
    text = client.get(reverse("publications:search"), {"q": "bocage"}).content.decode()
    # A word of the text finds the article only for members (issue 16, finding 5)...
    assert ("Réservé" in text) is shown
    assert ("phrase secrète" in text) is shown
    # ...while its title and chapeau find it for everyone, with the chapeau as the excerpt.
    text = client.get(reverse("publications:search"), {"q": "chapeau public"}).content.decode()
    assert "Réservé" in text
    assert ("phrase secrète" in text) is shown


def test_deleted_and_reimported_articles_leave_the_index_with_nothing_behind():
    from django.db import connection

    from publications import fts, services

    kept = ArticleFactory(title="Haies bocagères")
    gone = ArticleFactory(title="Haies champêtres")
    assert len(_titles(selectors.search_articles(q="haie"))) == 2
    services.article_delete(article=gone)
    assert _titles(selectors.search_articles(q="haies")) == ["Haies bocagères"]
    kept.issue.delete()  # in cascade, as the admin does
    assert _titles(selectors.search_articles(q="haies")) == []
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {fts.TABLE}")  # noqa: S608
            assert cursor.fetchone()[0] == 0


def test_a_query_of_stop_words_or_exclusions_only_finds_nothing_and_fails_nothing(client):
    ArticleFactory(title="Le conseil", body="Rien.")
    for q in ["de la", "-conseil", '""', "or", '"', "*", "NEAR(a b)", "title:x"]:
        assert client.get(reverse("publications:search"), {"q": q}).status_code == 200
    assert _titles(selectors.search_articles(q="de la")) == []
