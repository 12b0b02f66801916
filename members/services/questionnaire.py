"""The questionnaire of a fiche campaign: created from a copy of the previous year's (or, the first
time, from the questionnaire of the first campaigns), and frozen once a territory has answered it."""

from django.db import transaction
from django.utils import timezone

from ..models import FicheCampaign, Question, QuestionnaireSection, Survey, SurveyResponse
from .people import MembersError

__all__ = [
    "QuestionnaireFrozen",
    "questionnaire_copy",
    "questionnaire_ensure",
    "questionnaire_from_definition",
    "questionnaire_is_frozen",
]


class QuestionnaireFrozen(MembersError):
    pass


def questionnaire_is_frozen(campaign: Survey) -> bool:
    """A questionnaire some territory has started answering no longer changes: a reworded or removed
    question would silently change the meaning of answers already given. An enquête is frozen from
    its opening on (a territory may open it any moment)."""
    if campaign.kind == Survey.Kind.ENQUETE and campaign.opens_on <= timezone.localdate():
        return True
    return SurveyResponse.objects.filter(campaign=campaign).exists()


def _question(section, data: dict, order: int, parent=None) -> Question:
    return Question(
        section=section,
        parent=parent,
        key=data["key"],
        label=data["label"],
        help_text=data.get("help_text", ""),
        kind=data["kind"],
        required=data.get("required", False),
        choices=[list(choice) for choice in data.get("choices", [])],
        min_value=data.get("min_value"),
        max_value=data.get("max_value"),
        order=order,
    )


def questionnaire_from_definition(*, campaign: Survey, definition: list[dict]) -> None:
    """Write ``definition`` (sections of questions as dicts, see questionnaire_default.py) as the
    campaign's questionnaire. The campaign must not have one yet."""
    with transaction.atomic():
        for s_order, s_data in enumerate(definition, start=1):
            section = QuestionnaireSection.objects.create(
                campaign=campaign,
                slug=s_data["slug"],
                title=s_data["title"],
                intro=s_data.get("intro", ""),
                order=s_order * 10,
            )
            for q_order, q_data in enumerate(s_data["questions"], start=1):
                question = _question(section, q_data, q_order * 10)
                question.save()
                Question.objects.bulk_create(
                    _question(section, c_data, c_order * 10, parent=question)
                    for c_order, c_data in enumerate(q_data.get("columns", []), start=1)
                )


def questionnaire_definition(campaign: Survey) -> list[dict]:
    """The campaign's questionnaire as plain data (the input of ``questionnaire_from_definition``)."""
    sections = []
    columns: dict[int, list[dict]] = {}
    questions = list(
        Question.objects.filter(section__campaign=campaign).order_by("order", "pk").select_related("section")
    )
    for question in questions:
        if question.parent_id:
            columns.setdefault(question.parent_id, []).append(_as_data(question))
    for section in campaign.sections.order_by("order", "pk"):
        sections.append(
            {
                "slug": section.slug,
                "title": section.title,
                "intro": section.intro,
                "questions": [
                    {**_as_data(q), "columns": columns.get(q.pk, [])}
                    for q in questions
                    if q.section_id == section.pk and q.parent_id is None
                ],
            }
        )
    return sections


def _as_data(question: Question) -> dict:
    return {
        "key": question.key,
        "label": question.label,
        "help_text": question.help_text,
        "kind": question.kind,
        "required": question.required,
        "choices": question.choices,
        "min_value": question.min_value,
        "max_value": question.max_value,
    }


def questionnaire_copy(*, source: Survey, target: Survey) -> None:
    """The next campaign starts from a copy of ``source``'s questionnaire, keys included."""
    if target.sections.exists():
        raise MembersError(f"« {target} » a déjà un questionnaire.")
    questionnaire_from_definition(campaign=target, definition=questionnaire_definition(source))


def questionnaire_ensure(*, campaign: Survey) -> None:
    """Give ``campaign`` a questionnaire if it has none: a copy of the latest earlier campaign's, or
    the questionnaire of the first campaigns. Safe to call twice, even concurrently."""
    from ..questionnaire_default import DEFAULT_QUESTIONNAIRE

    if campaign.kind != Survey.Kind.FICHE:
        return  # an enquête's questions are written by staff, from scratch, a copy or a template
    with transaction.atomic():
        # Lock the campaign so that two first requests do not both create its questionnaire.
        FicheCampaign.objects.select_for_update().get(pk=campaign.pk)
        if campaign.sections.exists():
            return
        source = (
            FicheCampaign.objects.filter(year__lt=campaign.year, sections__isnull=False)
            .order_by("-year")
            .first()
        )
        if source is not None:
            questionnaire_copy(source=source, target=campaign)
        else:
            questionnaire_from_definition(campaign=campaign, definition=DEFAULT_QUESTIONNAIRE)
