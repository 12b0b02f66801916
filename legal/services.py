"""Every state change of the legal questions service: ask, add a message, assign, close, publish an
edited copy to the Q&A base. The asker and the territory's référents are told of each reply from
ANPP by email, once per person and message (outbox)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anpp_portal.outbox import email_enqueue
from anpp_portal.staffpolicy import acts_as_staff
from members.emails import Recipient, referents_of
from members.permissions import Action, territories_for
from resources import services as resources_services
from resources.models import QAEntry

from .access import may_ask_for
from .models import Message, MessageAttachment, Question

MAX_FILE_BYTES = 10 * 1024 * 1024
# What a file must start with to be accepted, and the type it is served as.
ACCEPTED_FILES = {
    b"%PDF-": "application/pdf",
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
}


class LegalError(Exception):
    """A rule of the legal questions service was broken; the message is for people."""


class LegalNotAllowed(LegalError):
    """The person may not do this (the view answers 403)."""


def file_content_type(file) -> str:
    """The type of an uploaded file from its first bytes; ValidationError when it is not accepted."""
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    for magic, content_type in ACCEPTED_FILES.items():
        if head.startswith(magic):
            if file.size > MAX_FILE_BYTES:
                raise ValidationError("Un fichier joint ne doit pas dépasser 10 Mo.")
            return content_type
    raise ValidationError("Les fichiers joints doivent être des PDF, PNG ou JPEG.")


def _attach(message: Message, files) -> None:
    for file in files or []:
        content_type = file_content_type(file)
        attachment = MessageAttachment(message=message, name=file.name[:200], content_type=content_type)
        attachment.file.save(file.name[-100:], file, save=False)
        attachment.save()


def question_ask(*, territory, user, subject: str, text: str, files=()) -> Question:
    """A person acting for ``territory`` asks ANPP a question: only a person of a member territory
    (staff do not ask on a territory's behalf)."""
    if not may_ask_for(user, territory):
        raise LegalNotAllowed("Seul un territoire adhérent peut poser une question juridique à l'ANPP.")
    now = timezone.now()
    with transaction.atomic():
        question = Question(territory=territory, asked_by=user, subject=subject, waiting_since=now)
        question.full_clean(exclude=["published_entry", "assigned_to"])
        question.save()
        message = Message(question=question, author=user, text=text)
        message.full_clean()
        message.save()
        _attach(message, files)
    return question


def message_write_check(*, question: Question, author, from_staff: bool) -> None:
    """Only staff who may change questions write as ANPP; anyone else writes only for a territory
    they act for (staff who may only read a thread do not write in it). LegalNotAllowed otherwise."""
    if from_staff and not acts_as_staff(author, "legal.change_question"):
        raise LegalNotAllowed("Seule l'équipe de l'ANPP répond au nom de l'ANPP.")
    if not from_staff and not territories_for(author, Action.ACT).filter(pk=question.territory_id).exists():
        raise LegalNotAllowed("Vous ne pouvez pas écrire dans ce fil.")


def message_add(*, question: Question, author, text: str, from_staff: bool, files=()) -> Message:
    """Add a message to the thread. A reply from ANPP is told by email to the asker and the
    territory's référents; a message from the territory puts the question back in staff's queue.
    (Who may write: ``message_write_check``.)"""
    message_write_check(question=question, author=author, from_staff=from_staff)
    if question.is_closed:
        raise LegalError("Cette question est close : posez une nouvelle question.")
    with transaction.atomic():
        question = Question.objects.select_for_update().get(pk=question.pk)
        message = Message(question=question, author=author, text=text, from_staff=from_staff)
        message.full_clean()
        message.save()
        _attach(message, files)
        if from_staff:
            question.status, question.waiting_since = Question.Status.ANSWERED, None
            if question.assigned_to_id is None:
                question.assigned_to = author
        else:
            question.status = Question.Status.IN_PROGRESS if question.assigned_to_id else Question.Status.NEW
            question.waiting_since = question.waiting_since or message.created_at
        question.save(update_fields=["status", "waiting_since", "assigned_to"])
        if from_staff:
            _tell_territory(question, message)
    return message


def _recipients(question: Question) -> list[Recipient]:
    """The asker, then the territory's référents: one copy per address."""
    asker = question.asked_by
    people = (
        [Recipient(asker.email.lower(), asker.first_name, f"u{asker.pk}")]
        if asker and asker.is_active
        else []
    )
    unique: dict[str, Recipient] = {}
    for person in people + referents_of(question.territory_id):
        unique.setdefault(person.email, person)
    return list(unique.values())


def _tell_territory(question: Question, message: Message) -> None:
    url = settings.SITE_URL + question.get_absolute_url()
    for person in _recipients(question):
        email_enqueue(
            key=f"legal-reply:{message.pk}:{person.tag}",
            to=person.email,
            template="legal/email/reply",
            context={"question": question, "url": url, "person": person},
        )


def question_assign(*, question: Question, staff_user) -> Question:
    question.assigned_to = staff_user
    if question.status == Question.Status.NEW:
        question.status = Question.Status.IN_PROGRESS
    question.save(update_fields=["assigned_to", "status"])
    return question


def question_close(*, question: Question) -> Question:
    question.status, question.waiting_since, question.closed_at = Question.Status.CLOSED, None, timezone.now()
    question.save(update_fields=["status", "waiting_since", "closed_at"])
    return question


def question_publish(
    *, question: Question, title: str, question_text: str, answer: str, signature: str, themes=()
) -> QAEntry:
    """Publish an edited copy of the question and its answer to the members-only Q&A base. The copy
    is what staff wrote for it (rewritten so that the territory cannot be recognised); the thread
    stays private. Publishing again updates the same copy."""
    with transaction.atomic():
        entry = question.published_entry or QAEntry(date=timezone.localdate())
        entry.title, entry.question, entry.answer, entry.signature = title, question_text, answer, signature
        entry.is_published = True
        named = question.territory.name.casefold()
        fields = {"title": title, "question_text": question_text, "answer": answer, "signature": signature}
        errors = {
            name: _("Le texte publié ne doit pas nommer le territoire qui a posé la question.")
            for name, value in fields.items()
            if named in (value or "").casefold()
        }
        if errors:
            raise ValidationError(errors)
        resources_services.qa_entry_save(entry=entry, themes=list(themes))
        question.published_entry = entry
        question.save(update_fields=["published_entry"])
    return entry
