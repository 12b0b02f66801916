"""How the legal questions' URLs name a territory's data, for tests/test_territory_isolation.py and
tests/test_access_matrix.py."""

from django.core.files.base import ContentFile

from legal.models import Message, MessageAttachment, Question

QUESTION_SUBJECT = "Question privée du territoire"
QUESTION_TEXT = "Texte privé de la question juridique"


def territory_objects(territory) -> dict:
    """A legal question of ``territory`` with one message and one PDF."""
    question = Question.objects.create(territory=territory, subject=f"{QUESTION_SUBJECT} {territory.slug}")
    message = Message.objects.create(question=question, text=QUESTION_TEXT)
    attachment = MessageAttachment(message=message, name="statuts.pdf")
    attachment.file.save("statuts.pdf", ContentFile(b"%PDF-1.4 statuts"), save=True)
    return {"question": question, "question_attachment": attachment}


TERRITORY_URLS = {
    "legal:ask": lambda own, other: [{"slug": other["territory"].slug}],
    "legal:question": lambda own, other: [{"pk": other["question"].pk}],
    "legal:attachment": lambda own, other: [
        {"pk": other["question"].pk, "attachment_pk": other["question_attachment"].pk},
        # A's question with B's file: the file must belong to the question named.
        {"pk": own["question"].pk, "attachment_pk": other["question_attachment"].pk},
    ],
}

_STAFF_ONLY = "ANPP staff only (staff_permission_required): a 403 for everyone else"
OTHER_URLS = {
    "legal:staff_assign": _STAFF_ONLY,
    "legal:staff_close": _STAFF_ONLY,
    "legal:staff_publish": _STAFF_ONLY,
}


def check_unchanged(other) -> None:
    """After every forbidden request, the other territory's question has still its one message."""
    question = other["question"]
    question.refresh_from_db()
    assert question.messages.count() == 1 and question.status == Question.Status.NEW
