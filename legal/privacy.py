"""Personal data of the legal questions service: the questions a person asked and the messages they
wrote. They are the territory's thread with ANPP and stay with it when the account is deleted, no
longer linked to the person (asked_by and author are set to empty)."""

from .models import Message, Question


def personal_data(user) -> dict:
    return {
        "questions_posees": [
            {"objet": q.subject, "territoire": q.territory.name, "posee_le": q.created_at.isoformat()}
            for q in Question.objects.filter(asked_by=user).select_related("territory")
        ],
        "messages_ecrits": [
            {"question": m.question.subject, "envoye_le": m.created_at.isoformat(), "texte": m.text}
            for m in Message.objects.filter(author=user).select_related("question")
        ],
    }


def erase(user) -> None:
    Question.objects.filter(asked_by=user).update(asked_by=None)
    Message.objects.filter(author=user).update(author=None)
