"""Finding 5 of issue 16: the search matches the text of a members-only article only for readers
allowed to read it; for anyone else that article is its title and chapeau. Otherwise phrase queries
and negations rebuild the text word by word. Runs on SQLite (fallback) and PostgreSQL (full text)."""

import pytest

from publications import selectors
from publications.models import Issue

from ..factories import StaffFactory, UserFactory
from ..members.adhesion_factories import member_user
from .factories import ArticleFactory, IssueFactory

pytestmark = pytest.mark.django_db

SECRET_PHRASE = "le comité syndical a voté la fusion"


@pytest.fixture
def reserved():
    return ArticleFactory(
        issue=IssueFactory(visibility=Issue.Visibility.MEMBERS),
        title="Les mobilités rurales",
        chapeau="Un chapeau public sur les mobilités rurales.",
        body=f"Au printemps, {SECRET_PHRASE} après deux ans de débats.",
    )


def titles(q, user=None):
    return [article.title for article in selectors.search_articles(q=q, user=user).object_list]


@pytest.mark.parametrize("q", ["fusion", f'"{SECRET_PHRASE}"', "comité syndical fusion"])
def test_words_of_a_members_only_text_find_nothing_for_who_may_not_read_it(reserved, q):
    assert titles(q) == []
    assert titles(q, UserFactory()) == []


@pytest.mark.parametrize("q", ["fusion", f'"{SECRET_PHRASE}"'])
def test_members_and_staff_find_the_text_they_may_read(reserved, q):
    assert titles(q, member_user()) == ["Les mobilités rurales"]
    assert titles(q, StaffFactory()) == ["Les mobilités rurales"]


def test_a_negation_tells_nothing_about_a_members_only_text(reserved):
    # Were the text searched, "-fusion" would hide the article and so reveal the word.
    assert titles("mobilités -fusion") == titles("mobilités -inexistant") == ["Les mobilités rurales"]
    assert titles('mobilités -"comité syndical"', UserFactory()) == ["Les mobilités rurales"]
    # An excluded word of the title or chapeau, which everyone sees, still hides it.
    assert titles("mobilités -chapeau") == []


def test_for_readers_of_the_text_a_negation_applies_to_the_whole_article(reserved):
    ArticleFactory(title="Les mobilités douces", body="Des pistes cyclables, sans fusion.")
    assert titles("mobilités -fusion", member_user()) == []
    assert titles("mobilités -inexistant", StaffFactory()) == [
        "Les mobilités douces",
        "Les mobilités rurales",
    ]
    assert titles("mobilités -cyclables") == ["Les mobilités rurales"]  # public text: searched whole


def test_public_texts_are_searched_for_everyone(reserved):
    ArticleFactory(title="Un dossier public", body="La fusion de deux communautés de communes.")
    assert titles("fusion") == ["Un dossier public"]
