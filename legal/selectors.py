"""Reads of the legal questions service: a person's questions, a thread, staff's queue."""

from datetime import timedelta

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from members.permissions import Action, territories_for

from .access import can_see_question
from .models import Message, MessageAttachment, Question

# A question waiting for an answer for longer than this is flagged in the staff queue and home.
WAITING_DAYS = 5


def questions_of(user) -> QuerySet[Question]:
    """The questions of the territories ``user`` acts for, newest first."""
    return (
        Question.objects.filter(territory__in=territories_for(user, Action.VIEW))
        .select_related("territory", "asked_by")
        .order_by("-created_at")
    )


def question_for(*, user, pk: int) -> Question:
    """The question and its thread if ``user`` may see it; a 404 otherwise."""
    question = (
        Question.objects.select_related("territory", "asked_by", "assigned_to", "published_entry")
        .prefetch_related(
            Prefetch(
                "messages",
                queryset=Message.objects.select_related("author").prefetch_related(
                    Prefetch(
                        "attachments", queryset=MessageAttachment.objects.only("pk", "name", "message_id")
                    )
                ),
            )
        )
        .filter(pk=pk)
        .first()
    )
    if question is None or not can_see_question(user, question):
        raise Http404
    return question


def attachment_for(*, user, question_pk: int, pk: int) -> MessageAttachment:
    attachment = (
        MessageAttachment.objects.select_related("message__question__territory")
        .filter(pk=pk, message__question_id=question_pk)
        .first()
    )
    if attachment is None or not can_see_question(user, attachment.message.question):
        raise Http404
    return attachment


def waiting_limit(now=None):
    return (now or timezone.now()) - timedelta(days=WAITING_DAYS)


def staff_queue(*, show: str = "", now=None) -> QuerySet[Question]:
    """Open questions, those waiting longest first; ``show``: "nouvelles", "en-attente" (waiting for
    more than WAITING_DAYS days), "closes" or everything open."""
    questions = Question.objects.select_related("territory", "assigned_to").annotate(
        message_count=Count("messages")
    )
    if show == "nouvelles":
        questions = questions.filter(status=Question.Status.NEW)
    elif show == "en-attente":
        questions = questions.filter(waiting_since__lt=waiting_limit(now)).exclude(
            status=Question.Status.CLOSED
        )
    elif show == "closes":
        questions = questions.filter(status=Question.Status.CLOSED)
    else:
        questions = questions.exclude(status=Question.Status.CLOSED)
    return questions.order_by("waiting_since", "-created_at")


def queue_counts(now=None) -> dict:
    """How many questions are new, and how many wait for an answer for more than WAITING_DAYS days
    (one query)."""
    return Question.objects.aggregate(
        new=Count("pk", filter=Q(status=Question.Status.NEW)),
        waiting=Count(
            "pk", filter=Q(waiting_since__lt=waiting_limit(now)) & ~Q(status=Question.Status.CLOSED)
        ),
    )
