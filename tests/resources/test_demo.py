"""The demo's Q&A base: the three questions of the first issue, verbatim from publications/content/."""

import re

import pytest

from publications.importer import CONTENT_DIR
from resources import demo
from resources.models import Note, QAEntry

pytestmark = pytest.mark.django_db

STRUCTURED = CONTENT_DIR / "territoires-de-projets-01" / "08-juridique-questions-reponses.md"
PRINTED = CONTENT_DIR / "territoires-de-projets-n01-hiver-2018.txt"
QUESTIONS = [
    "Un PETR peut-il réaliser des prestations de services pour des entités non membres, telles que des communes ou d ‘autres EPCI ?",
    "Peut-on « mutualiser » un conseil de développement ?",
    "Le salarié d’un pays constitué sous forme associative peut-il solliciter un congé de mobilité en "
    "application des articles 33-2 du décret du 17 janvier 1986 ou ��-2 du décret du 1� février 1�88 ?",
]
SIGNATURE = "Michaël RESTIER, Directeur de l’ANPP & Anne GARDERE, Avocate au Barreau de Lyon"


def _letters(text: str) -> str:
    """The text without any whitespace: the printed text is cut into lines, sometimes inside a word
    ("L. 5111-\n1-1") or before a closing quote, which the structured file joins."""
    return "".join(text.split())


def test_the_three_questions_of_the_first_issue_are_in_the_demo_verbatim():
    demo.load()
    entries = list(QAEntry.objects.order_by("pk"))
    assert [e.title for e in entries] == QUESTIONS
    structured = STRUCTURED.read_text(encoding="utf-8")
    printed = _letters(PRINTED.read_text(encoding="utf-8"))
    for entry in entries:
        assert entry.is_published and entry.signature == SIGNATURE
        assert f"**{entry.title}**" in structured
        # Each answer paragraph is in the structured file as it is, and in the printed text letter for letter.
        for paragraph in entry.answer.split("\n\n"):
            assert paragraph in structured
            assert _letters(paragraph) in printed
    assert _letters(SIGNATURE) in printed
    # The first two questions as printed (the third's digits are garbled in the printed text and
    # repaired in the structured file, which says so in its front matter).
    for title in QUESTIONS[:2]:
        assert _letters(title) in printed
    # Nothing added: the answers together are the article's body between the questions and the signature.
    body = structured.split("\n---\n", 1)[1]
    expected = re.split(r"\n\n\*\*[^\n]+\*\*\n\n", "\n\n" + body.split(SIGNATURE)[0].strip())
    assert [e.answer for e in entries] == [part.strip() for part in expected if part.strip()]


def test_the_demo_notes_say_they_are_fictional_and_loading_twice_changes_nothing():
    demo.load()
    demo.load()
    assert QAEntry.objects.count() == 3
    notes = list(Note.objects.all())
    assert len(notes) == 2
    assert all("Exemple fictif" in n.title and "Exemple fictif" in n.body for n in notes)
