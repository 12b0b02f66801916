"""Enquêtes: the same engine as the fiche de renseignements (members/services/fiches.py saves and
submits every response), with an audience, a title and dates chosen by staff.

Created from scratch, from a copy of an earlier survey or from a template (the fiche's
questionnaire); opened (which freezes its questions); answered by the territories of its audience
(or each of their people); reminded through the one exactly-once path (services/reminders.py).
"""

from datetime import date

from django.db import transaction
from django.utils import timezone

from anpp_portal.formats import format_date
from anpp_portal.staffpolicy import acts_as_staff

from .. import questionnaire
from ..models import Role, Survey, SurveyResponse, Territory, TerritoryMembership, User
from ..permissions import Action, can
from ..selectors import survey_audience
from .fiches import FicheError
from .people import NotAllowed
from .questionnaire import questionnaire_copy, questionnaire_from_definition
from .reminders import ReminderBatch, latest_due_step, referents_by_territory

__all__ = [
    "TEMPLATE_FICHE",
    "SurveyNotForTerritory",
    "survey_create",
    "survey_open_now",
    "survey_questionnaire_start",
    "survey_remind_late",
    "survey_reminders_send",
    "survey_response_open",
]

Status = SurveyResponse.Status
TEMPLATE_FICHE = "modele-fiche"


class SurveyNotForTerritory(FicheError):
    """The territory is not in the survey's audience (its pages answer 404)."""


def survey_create(*, by: User, start_from: str = "", **fields) -> Survey:
    """A new enquête with ``fields``; its questionnaire empty (``start_from`` ""), the fiche's
    (``TEMPLATE_FICHE``) or a copy of the survey whose pk ``start_from`` is."""
    if not acts_as_staff(by, "members.add_survey"):
        raise NotAllowed("Réservé à l'équipe de l'ANPP.")
    with transaction.atomic():
        survey = Survey(kind=Survey.Kind.ENQUETE, **{k: v for k, v in fields.items() if k != "territories"})
        if survey.opens_on:
            survey.year = survey.opens_on.year
        survey.full_clean()
        survey.save()
        if "territories" in fields:
            survey.territories.set(fields["territories"])
        survey_questionnaire_start(survey=survey, start_from=start_from)
    return survey


def survey_questionnaire_start(*, survey: Survey, start_from: str) -> None:
    """Give a new survey the questions of a template or of an earlier survey (nothing for "")."""
    from ..questionnaire_default import DEFAULT_QUESTIONNAIRE

    if not start_from:
        return
    if start_from == TEMPLATE_FICHE:
        questionnaire_from_definition(campaign=survey, definition=DEFAULT_QUESTIONNAIRE)
    else:
        questionnaire_copy(source=Survey.objects.get(pk=int(start_from)), target=survey)


def survey_open_now(*, survey: Survey, by: User, today: date | None = None) -> Survey:
    """Open an enquête to answers today (its questions are frozen from now on)."""
    if not acts_as_staff(by, "members.change_survey"):
        raise NotAllowed("Réservé à l'équipe de l'ANPP.")
    today = today or timezone.localdate()
    with transaction.atomic():
        current = Survey.objects.select_for_update().get(pk=survey.pk)
        if current.opens_on <= today:
            raise FicheError("Cette enquête est déjà ouverte.")
        if not current.sections.exists():
            raise FicheError("Cette enquête n'a encore aucune question.")
        # Its closing needs no check: it is on or after its opening (the constraint
        # fiche_campaign_closes_after_opening), which is after today.
        current.opens_on = today
        current.year = today.year
        current.full_clean()
        current.save()
    return current


def _prefill(survey: Survey, territory: Territory, keys: list[str]) -> dict:
    source = SurveyResponse.objects.none()
    if survey.prefill == Survey.Prefill.FICHE:
        source = SurveyResponse.objects.filter(campaign__kind=Survey.Kind.FICHE).order_by("-campaign__year")
    elif survey.prefill == Survey.Prefill.SURVEY and survey.prefill_from_id:
        source = SurveyResponse.objects.filter(campaign_id=survey.prefill_from_id).order_by("-submitted_at")
    previous = source.filter(territory=territory, status=Status.SOUMISE).first()
    if previous is None:
        return {}
    return {key: value for key, value in previous.answers.items() if key in keys}


def survey_response_open(
    *, territory: Territory, survey: Survey, by: User, today: date | None = None
) -> SurveyResponse:
    """The territory's (or, for a survey asked of every person, ``by``'s) response to ``survey``,
    created as a draft (pre-filled as the survey says) while the survey is open."""
    if not can(by, Action.ACT, territory):
        raise NotAllowed("Vous n'agissez pas pour ce territoire.")
    if not survey_audience(survey).filter(pk=territory.pk).exists():
        raise SurveyNotForTerritory("Cette enquête ne s'adresse pas à ce territoire.")
    person = by if survey.one_per_person else None
    existing = SurveyResponse.objects.filter(territory=territory, campaign=survey, person=person).first()
    if existing:
        return existing
    if not survey.is_open(today or timezone.localdate()):
        raise FicheError(
            f"L'enquête « {survey.title} » n'est pas ouverte "
            f"(du {format_date(survey.opens_on)} au {format_date(survey.closes_on)})."
        )
    response, _ = SurveyResponse.objects.get_or_create(
        territory=territory,
        campaign=survey,
        person=person,
        defaults={
            "answers": _prefill(survey, territory, questionnaire.for_campaign(survey).keys()),
            "updated_by": by,
        },
    )
    return response


def _people_by_territory(territory_ids) -> dict[int, list[User]]:
    people: dict[int, list[User]] = {}
    for membership in TerritoryMembership.objects.filter(
        territory_id__in=territory_ids, user__is_active=True, role__in=[Role.REFERENT, Role.MEMBRE]
    ).select_related("user"):
        people.setdefault(membership.territory_id, []).append(membership.user)
    return people


def _late(survey: Survey):
    """(territory, recipient, started) of everyone still expected to answer ``survey``."""
    territories = list(survey_audience(survey).only("pk", "name", "slug"))
    ids = [t.pk for t in territories]
    responses = SurveyResponse.objects.filter(campaign=survey, territory_id__in=ids)
    if survey.one_per_person:
        states = {
            (r.territory_id, r.person_id): r.status for r in responses.only("territory", "person", "status")
        }
        people = _people_by_territory(ids)
        for territory in territories:
            for user in people.get(territory.pk, []):
                status = states.get((territory.pk, user.pk))
                if status != Status.SOUMISE:
                    yield territory, user, status is not None
        return
    states = dict(responses.values_list("territory_id", "status"))
    referents = referents_by_territory(ids)
    for territory in territories:
        status = states.get(territory.pk)
        if status == Status.SOUMISE:
            continue
        for user in referents.get(territory.pk, []):
            yield territory, user, status is not None


def _add(reminders: ReminderBatch, survey, territory, user, started, step) -> None:
    kind = "not-submitted" if started else "not-started"
    reminders.add(
        key=f"survey-reminder:{survey.pk}:{territory.pk}:{kind}:{step}:{user.pk}",
        user=user,
        template="members/email/survey_reminder",
        context={"survey": survey, "territory": territory, "started": started},
    )


def survey_reminders_send(*, today: date | None = None) -> int:
    """Remind whoever has not submitted an open enquête, at its reminder days (after its opening,
    before its closing): the référents of each territory, or each person for a survey asked of
    every person. Each (survey, territory, step, recipient) is recorded once, whatever runs again."""
    today = today or timezone.localdate()
    reminders = ReminderBatch()
    for survey in Survey.objects.filter(kind=Survey.Kind.ENQUETE, opens_on__lte=today, closes_on__gte=today):
        steps = {
            False: latest_due_step(survey.opens_on, survey.reminder_days_not_started, today),
            True: latest_due_step(survey.opens_on, survey.reminder_days_not_submitted, today),
        }
        for territory, user, started in _late(survey):
            if steps[started] is not None:
                _add(reminders, survey, territory, user, started, steps[started])
    return reminders.record()


def survey_remind_late(*, survey: Survey, by: User, today: date | None = None) -> int:
    """Staff remind everyone late for ``survey`` now, in one click (at most once a day per
    territory and person), through the same outbox path; returns how many emails were recorded."""
    if not acts_as_staff(by, "members.change_survey"):
        raise NotAllowed("Réservé à l'équipe de l'ANPP.")
    today = today or timezone.localdate()
    if not survey.is_open(today):
        raise FicheError("Cette enquête n'est pas ouverte : personne n'est à relancer.")
    reminders = ReminderBatch()
    for territory, user, started in _late(survey):
        _add(reminders, survey, territory, user, started, f"manual-{today:%Y%m%d}")
    return reminders.record()
