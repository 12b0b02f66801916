"""Search syntax is normalised before any database reads it, and excerpts are highlighted with
markers no article can hold (issue 23, findings 7 and 11). Run on SQLite, and on PostgreSQL with
DATABASE_URL set (the postgres-marked test needs it)."""

import re
from html import unescape

import pytest
from django.urls import reverse

from publications import fts, selectors

from .factories import ArticleFactory

pytestmark = pytest.mark.django_db

TOO_LONG = "trop de mots"
# Runs of operators that made PostgreSQL's websearch_to_tsquery fail ("tsquery stack too small").
OPERATOR_RUNS = [
    "conseil " + " ".join(["-x"] * 40),
    "-" * 40 + "conseil",
    "conseil " + " ".join(["-"] * 40) + " x",
    "conseil x" + "-" * 40 + "y",
    "conseil " + " or " * 30 + "x",
    "conseil " + '-"' * 30,
]


def _titles(page):
    return [article.title for article in page.object_list]


@pytest.mark.parametrize("q", OPERATOR_RUNS)
def test_a_run_of_operators_never_fails_the_search_page(client, q):
    ArticleFactory(title="Le conseil", body="Le conseil de développement, sans rien d'autre.")
    response = client.get(reverse("publications:search"), {"q": q})
    assert response.status_code == 200
    text = unescape(response.content.decode())
    # A count of what was found (none, for a query excluding "conseil"), or the field's error.
    assert re.search(r"\d+ articles? trouvés?", text) or TOO_LONG in text


def test_a_run_of_operators_counts_as_one():
    ArticleFactory(title="Le conseil", body="Rien.")
    ArticleFactory(title="Le bocage", body="Rien.")
    assert _titles(selectors.search_articles(q="-" * 40 + "conseil bocage")) == ["Le bocage"]
    assert _titles(selectors.search_articles(q="conseil " + " ".join(["-"] * 40))) == ["Le conseil"]
    # Thirty "or" in a row are one: either word will do.
    assert sorted(_titles(selectors.search_articles(q="conseil " + " or " * 30 + "bocage"))) == [
        "Le bocage",
        "Le conseil",
    ]


@pytest.mark.postgres
def test_on_postgresql_forty_exclusions_in_a_row_are_no_server_error(client):
    ArticleFactory(title="Le conseil", body="Rien.")
    for q in ["-" * 40 + "x", " ".join(["-"] * 40) + " conseil", "conseil " + " ".join(["-x"] * 40)]:
        assert client.get(reverse("publications:search"), {"q": q}).status_code == 200
        selectors.search_articles(q=q)  # the selector alone, whatever its caller, raises nothing


def test_a_query_past_the_word_limit_is_a_french_error_at_the_field_keeping_the_query(client):
    ArticleFactory(title="Le conseil", body="Rien.")
    q = " ".join(f"-m{n}" for n in range(30))
    response = client.get(reverse("publications:search"), {"q": q})
    assert response.status_code == 200
    text = unescape(response.content.decode())
    assert f"Votre recherche compte trop de mots : {fts.MAX_QUERY_WORDS} au plus" in text
    assert 'class="errorlist"' in text
    assert f'value="{q}"' in text  # what was typed is kept
    assert "article trouvé" not in text and "articles trouvés" not in text


def test_the_word_limit_counts_words_not_characters():
    assert not fts.parse_query(" ".join(["conseil"] * fts.MAX_QUERY_WORDS)).too_long
    assert fts.parse_query(" ".join(["conseil"] * (fts.MAX_QUERY_WORDS + 1))).too_long
    # Stop words outside quotes are not searched, so they do not count.
    assert not fts.parse_query(" ".join(["de la"] * 40) + " conseil").too_long
    # Inside quotes they are part of the phrase.
    assert fts.parse_query('"' + " ".join(["de"] * 17) + '"').too_long


def test_the_normalised_query_keeps_words_phrases_exclusions_and_alternatives_only():
    assert fts.parse_query('haies --bocage "contrats de ruralité" or mobilité').text == (
        'haies -bocage "contrats de ruralité" or mobilité'
    )
    assert fts.parse_query("conseil" + "-" * 40 + "bocage").text == '"conseil bocage"'
    assert fts.parse_query("or or -- - conseil or").text == "conseil"
    # "or," is the word "or", not the operator: quoted, it stays a word when read again.
    assert fts.parse_query("conseil or,").text == 'conseil "or"'
    # Searching the normalised text finds what the query finds.
    for q in ['haies --bocage "contrats de ruralité" or mobilité', "l'ANPP contrats-cadres"]:
        parsed, again = fts.parse_query(q), fts.parse_query(fts.parse_query(q).text)
        assert (parsed.groups, parsed.excluded) == (again.groups, again.excluded)


def test_exclusions_and_phrases_still_work_after_normalisation():
    ArticleFactory(title="Haies et bocage", body="Les contrats de ruralité.")
    ArticleFactory(title="Haies champêtres", body="Rien.")
    assert _titles(selectors.search_articles(q="haies --bocage")) == ["Haies champêtres"]
    assert _titles(selectors.search_articles(q='"contrats de ruralité"')) == ["Haies et bocage"]


def test_excerpt_marks_stay_balanced_when_the_article_holds_marker_characters(client):
    # The characters the excerpt markers were made of, in the text of an article.
    ArticleFactory(
        title="Un texte piégé",
        chapeau="Rien.",
        body="Fin \u27e7 d'un crochet puis \u27e6 ouvert avant la ruralité et ses bourgs.",
    )
    text = client.get(reverse("publications:search"), {"q": "ruralite"}).content.decode()
    (excerpt,) = re.findall(r'<p class="result__excerpt">(.*?)</p>', text, re.S)
    assert re.sub(r"<mark>[^<]*</mark>", "", excerpt).count("mark>") == 0, excerpt
    assert "<mark>ruralité</mark>" in excerpt
    assert "puis \u27e6 ouvert" in excerpt  # the article's own characters, as text
