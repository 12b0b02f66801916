"""No words are put in the mouth of a real person: the demo data and the test fixtures quote, name as
author or attribute a statement to the real people of the magazine's first issue only where that issue
(publications/content/) holds those very words.

The people are those the first issue names (its authors, its publication director and editor, the
people it interviews or cites); the list below is checked against the issue's raw text, so that a
misspelt name cannot silently pass.
"""

import importlib
import re
import unicodedata
from pathlib import Path

import pytest
from django.conf import settings

from anpp_portal.management.commands.load_demo_data import APPS_WITH_DEMO_DATA
from events.models import Event, Participant, Session, Site
from members.models import Territory, User
from publications.association.models import News
from publications.demo import CONTENT_DIR, FIRST_ISSUE
from publications.importer import parse_issue_folder
from publications.models import Article, Issue

pytestmark = pytest.mark.django_db

RAW_TEXT = CONTENT_DIR / "territoires-de-projets-n01-hiver-2018.txt"

# Every person the first issue names (first name, last name as printed).
SEED_PEOPLE = [
    ("Raymond", "Vall"),
    ("Michael", "Restier"),
    ("Gérard", "Larcher"),
    ("Jacqueline", "Gourault"),
    ("Frédéric", "Reiss"),
    ("Jérôme", "Clément"),
    ("Grégory", "Huyghe"),
    ("Pierre", "Guelman"),
    ("Jean", "Deysson"),
    ("Jean-Luc", "Moudenc"),
    ("André", "Rossinot"),
    ("Guillaume", "Poupard"),
    ("Bénédicte", "Pilliet"),
    ("", "Croizard"),
    ("Mélanie", "Moreau"),
    ("Anne", "Gardere"),
    ("Audrey", "Mouy"),
]

BASE = Path(settings.BASE_DIR)
# The demo data of every app, the fixtures and factories of the tests: what `make run` loads and
# what the tests write into pages.
DEMO_SOURCES = [
    *(BASE / app / "demo.py" for app in APPS_WITH_DEMO_DATA if (BASE / app / "demo.py").is_file()),
    *sorted((BASE / "tests").rglob("*factories.py")),
    *sorted(p for p in (BASE / "tests" / "publications" / "fixtures").rglob("*") if p.is_file()),
]


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).lower().split())


def _named(text: str) -> list[str]:
    """The seed people whose last name appears in ``text`` as a word."""
    folded = _fold(text)
    return [last for _, last in SEED_PEOPLE if re.search(rf"\b{re.escape(_fold(last))}\b", folded)]


def test_every_person_listed_is_named_in_the_first_issue_and_every_author_of_it_is_listed():
    raw = _fold(RAW_TEXT.read_text(encoding="utf-8"))
    for first, last in SEED_PEOPLE:
        assert _fold(f"{first} {last}".strip()) in raw or _fold(last) in raw, last
    issue = parse_issue_folder(FIRST_ISSUE)
    named = {_fold(name) for name in (issue.director, issue.editor)}
    named |= {_fold(author["name"]) for article in issue.articles for author in article.authors}
    listed = {_fold(last) for _, last in SEED_PEOPLE}
    for name in named:
        assert name.split()[-1] in listed, f"{name} is an author of the first issue but not in SEED_PEOPLE"


def test_no_demo_source_or_test_fixture_names_a_person_of_the_first_issue():
    """Demo accounts, events, participants, fictional articles and factories use invented names."""
    assert len(DEMO_SOURCES) > 5 and BASE / "events" / "demo.py" in DEMO_SOURCES
    found = {str(path.relative_to(BASE)): _named(path.read_text(encoding="utf-8")) for path in DEMO_SOURCES}
    assert {path: names for path, names in found.items() if names} == {}


def test_every_quote_and_author_of_the_loaded_demo_that_names_a_real_person_is_the_first_issues_own():
    for app in APPS_WITH_DEMO_DATA:
        importlib.import_module(f"{app}.demo").load()

    seed = parse_issue_folder(FIRST_ISSUE)
    seed_articles = {article.slug: article for article in seed.articles}
    checked_quotes = 0
    for article in Article.objects.select_related("issue"):
        # The only issue of the demo is the first one, article for article as printed.
        assert article.issue.number == seed.number and article.slug in seed_articles
        printed = seed_articles[article.slug]
        assert article.authors == printed.authors
        assert article.quotes == printed.quotes
        assert (article.title, article.chapeau, article.body) == (
            printed.title,
            printed.chapeau,
            printed.body,
        )
        checked_quotes += len(article.quotes)
    assert checked_quotes > 0
    for issue in Issue.objects.all():
        assert (issue.director, issue.editor) == (seed.director, seed.editor)
    # The news items are the issue's « Actu ANPP » page, word for word.
    printed_news = " ".join(seed_articles["actu-anpp"].body.split())
    news = list(News.objects.values_list("title", "body"))
    assert news
    for title, body in news:
        assert title in printed_news and " ".join(body.split()) in printed_news, title

    # Nothing else of the demo (accounts, territories, events, their programme) names them.
    other_texts = [
        " ".join(filter(None, values))
        for values in [
            *User.objects.values_list("first_name", "last_name", "email"),
            *Territory.objects.values_list("name", "address", "city"),
            *Event.objects.values_list("title", "description", "practical_info"),
            *Session.objects.values_list("title", "speakers"),
            *Site.objects.values_list("name", "address", "city"),
            *Participant.objects.values_list("first_name", "last_name", "email"),
        ]
    ]
    assert other_texts
    assert [text for text in other_texts if _named(text)] == []
