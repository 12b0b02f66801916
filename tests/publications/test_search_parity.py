"""The same searches find the same articles on SQLite (the FTS5 index of publications/fts.py) and on
PostgreSQL (french_unaccent vectors), in the real first issue of the magazine: accents and case
ignored, plurals and singulars alike, phrases kept together, title before chapeau before body.

Each case is run by ``test_searches_on_this_database`` on whichever database the suite uses (SQLite
by default) and by ``test_searches_on_postgresql`` on PostgreSQL: both must give these results."""

import pytest

from publications import selectors, services

pytestmark = pytest.mark.django_db

# Query -> the articles found (slugs), best first.
SEARCH_CASES = {
    "reciprocite": ["edito", "actu-anpp", "interview-jean-deysson"],
    "RURALITÉ": ["dossier-contrats-de-ruralite", "edito", "actu-anpp", "interview-jerome-clement"],
    "ruralites": ["dossier-contrats-de-ruralite", "edito", "actu-anpp", "interview-jerome-clement"],
    "mutuelles": ["mutuelle-pays-ruffecois", "interview-jerome-clement"],
    "numerique": ["securite-numerique", "interview-jerome-clement"],
    '"contrats de ruralité"': [
        "dossier-contrats-de-ruralite",
        "edito",
        "actu-anpp",
        "interview-jerome-clement",
    ],
    '"Alliance des territoires"': ["actu-anpp", "interview-jean-deysson"],
    "cybersecurite or mutuelle": [
        "mutuelle-pays-ruffecois",
        "securite-numerique",
        "interview-jerome-clement",
    ],
    "contrat -ruralite": ["interview-jean-deysson", "mutuelle-pays-ruffecois"],
}
# Queries whose matches rank equally within a tier in one database and not the other (ts_rank and
# bm25 weigh repeated words differently): the same articles, the same first one.
SAME_ARTICLES = {
    "conseil de developpement": {
        "adherer-a-lanpp",
        "interview-jean-deysson",
        "dossier-contrats-de-ruralite",
        "juridique-questions-reponses",
    },
}


def _check_every_case(seed_folder):
    services.issue_import(folder=seed_folder, publish=True)
    found = {q: [a.slug for a in selectors.search_articles(q=q).object_list] for q in SEARCH_CASES}
    assert found == SEARCH_CASES
    for q, expected in SAME_ARTICLES.items():
        slugs = [a.slug for a in selectors.search_articles(q=q).object_list]
        assert set(slugs) == expected and slugs[0] == "adherer-a-lanpp", q
    # The excerpt marks the words found, whatever their accents and case.
    page = selectors.search_articles(q="NUMERIQUE")
    assert "<mark>numérique</mark>" in page.object_list[0].headline
    assert page.paginator.count == 2


def test_searches_on_this_database(seed_folder):
    _check_every_case(seed_folder)


@pytest.mark.postgres
def test_searches_on_postgresql(seed_folder):
    _check_every_case(seed_folder)
