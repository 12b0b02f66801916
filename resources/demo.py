"""Demo data of the notes library and the Q&A base.

The Q&A base holds the three questions of the rubrique "Juridique : vos questions… et nos réponses"
of the first issue of *Territoires de Projets* (``publications/content/``): each question, its answer
and the signature exactly as printed, read from the seed file and nothing added. The notes are
visibly fictional examples ("Exemple fictif") on a few themes. Idempotent: entries and notes are
found again by their slug.
"""

from dataclasses import dataclass
from datetime import date

from publications.importer import FIRST_ISSUE

from . import services
from .models import Note, QAEntry

LEGAL_ARTICLE = FIRST_ISSUE / "08-juridique-questions-reponses.md"
ISSUE_DATE = date(2018, 1, 15)  # the issue's date in issue.yaml ("Hiver 2018")
THEMES = [
    "Intercommunalité et PETR",
    "Conseils de développement",
    "Ressources humaines",
    "Mobilités",
    "Santé",
]
# The theme of each printed question, in order.
QA_THEMES = ["Intercommunalité et PETR", "Conseils de développement", "Ressources humaines"]


@dataclass
class PrintedQA:
    question: str
    answer: str
    signature: str


def printed_questions() -> list[PrintedQA]:
    """The three questions of the rubrique, from the seed file: a question is a paragraph in bold,
    its answer the paragraphs up to the next question or the signature, which is the last paragraph
    before the closing link (the authors' address)."""
    text = LEGAL_ARTICLE.read_text(encoding="utf-8")
    body = text.split("\n---\n", 1)[1]
    paragraphs = [p.strip() for p in body.split("\n\n") if p.strip()]
    signature = [p for p in paragraphs if not p.startswith("[")][-1]
    entries: list[PrintedQA] = []
    for paragraph in paragraphs[: paragraphs.index(signature)]:
        if paragraph.startswith("**") and paragraph.endswith("**"):
            entries.append(PrintedQA(question=paragraph.strip("*"), answer="", signature=signature))
        else:
            entries[-1].answer = f"{entries[-1].answer}\n\n{paragraph}".strip()
    return entries


FICTIONAL_NOTES = [
    {
        "slug": "exemple-fictif-note-mobilites-rurales",
        "kind": Note.Kind.ANALYSIS,
        "title": "Exemple fictif : les mobilités dans les territoires ruraux",
        "date": date(2018, 2, 1),
        "summary": "Exemple fictif d'une note d'analyse, pour essayer la bibliothèque des notes.",
        "body": "*Exemple fictif, écrit pour la démonstration du portail.*\n\n"
        "Cette note imaginaire présente le transport à la demande et le covoiturage entre communes.",
        "visibility": Note.Visibility.MEMBERS,
        "themes": ["Mobilités"],
    },
    {
        "slug": "exemple-fictif-note-methodologique-sante",
        "kind": Note.Kind.METHOD,
        "title": "Exemple fictif : monter un contrat local de santé",
        "date": date(2018, 3, 1),
        "summary": "Exemple fictif d'une note méthodologique publique.",
        "body": "*Exemple fictif, écrit pour la démonstration du portail.*\n\n"
        "Étapes imaginaires : diagnostic, concertation, programme d'actions.",
        "visibility": Note.Visibility.PUBLIC,
        "themes": ["Santé"],
    },
]


def load() -> list:
    themes = {name: services.theme_for_name(name=name) for name in THEMES}
    for printed, theme in zip(printed_questions(), QA_THEMES, strict=True):
        entry = QAEntry.objects.filter(title=printed.question).first() or QAEntry(title=printed.question)
        entry.date, entry.answer, entry.signature = ISSUE_DATE, printed.answer, printed.signature
        services.qa_entry_save(entry=entry, themes=[themes[theme]])
    for data in FICTIONAL_NOTES:
        fields = {k: v for k, v in data.items() if k != "themes"}
        note = Note.objects.filter(slug=data["slug"]).first() or Note(**fields)
        services.note_save(note=note, themes=[themes[name] for name in data["themes"]])
        services.note_publish(note=note)
    return []
