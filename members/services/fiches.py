"""The fiche de renseignements: open (pre-filled), save a section (optimistic locking), submit,
reopen, and its reminders through the shared mechanism."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from anpp_portal.formats import format_date, format_datetime
from anpp_portal.staffpolicy import acts_as_staff

from .. import emails, questionnaire
from ..models import FicheCampaign, FicheRenseignements, Territory, User
from ..permissions import Action, can
from ..selectors import fiche_recap, survey_audience
from .people import MembersError, NotAllowed
from .reminders import ReminderBatch, latest_due_step, referents_by_territory

__all__ = [
    "FicheAnswersRefused",
    "FicheError",
    "FicheIncomplete",
    "FicheLocked",
    "FicheStale",
    "answers_errors",
    "fiche_open",
    "fiche_remind_now",
    "fiche_reminders_send",
    "fiche_reopen",
    "fiche_save_section",
    "fiche_submit",
]

Status = FicheRenseignements.Status


class FicheError(MembersError):
    pass


class FicheLocked(FicheError):
    pass


def _this(response) -> str:
    """How a refusal names what is answered: "cette fiche", or an enquête's "cette réponse"."""
    return "cette fiche" if response.campaign.is_fiche else "cette réponse"


class FicheStale(FicheError):
    """Someone saved the fiche since this person loaded it; their input is kept, nothing is written."""

    def __init__(self, fiche: FicheRenseignements):
        self.fiche = fiche
        who = fiche.updated_by.get_full_name() if fiche.updated_by else "quelqu'un d'autre"
        super().__init__(
            f"{who} a enregistré {_this(fiche)} le {format_datetime(fiche.updated_at)}, "
            "après que vous l'avez ouverte. Vos saisies ne sont pas enregistrées mais restent ci-dessous : "
            "rechargez la section pour voir ses modifications, ou enregistrez à nouveau pour les remplacer."
        )


class FicheAnswersRefused(FicheError):
    """Answers that each pass their own field's checks but contradict one another; ``errors`` maps
    a question key to what is wrong with it, shown next to that field."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__(" ".join(str(message) for message in errors.values()))


def answers_errors(answers: dict) -> dict[str, str]:
    """What every save of a section checks across its answers (whichever page or script saves it)."""
    errors = {}
    if "population" in answers and "epci" in answers:
        error = questionnaire.perimetre_error(answers.get("population"), answers["epci"] or [])
        if error:
            errors["population"] = error
    return errors


class FicheIncomplete(FicheError):
    def __init__(self, missing):
        self.missing = missing
        super().__init__(f"{len(missing)} réponse(s) obligatoire(s) manquante(s).")


def _initial_answers(territory: Territory, previous: FicheRenseignements | None, keys: list[str]) -> dict:
    """Last year's answers to the questions asked again this year (same key, whatever the wording),
    or, the first time, what the portal knows of the territory."""
    if previous:
        return {key: value for key, value in previous.answers.items() if key in keys}
    address = "\n".join(
        filter(None, [territory.address, f"{territory.postal_code} {territory.city}".strip()])
    )
    return {
        key: value
        for key, value in {
            "nom": territory.name,
            "siren": territory.siren,
            "adresse": address,
            "site_internet": territory.website,
            "nombre_communes": territory.communes_count,
            "population": territory.population,
            "annee_population": territory.population_year,
            "forme_juridique": {
                Territory.Kind.PETR: "petr",
                Territory.Kind.PAYS_SYNDICAT_MIXTE: "syndicat_mixte",
                Territory.Kind.PAYS_ASSOCIATIF: "association",
            }.get(territory.kind, ""),
        }.items()
        if questionnaire.is_filled(value) and key in keys
    }


def fiche_open(
    *, territory: Territory, campaign: FicheCampaign, by: User, today: date | None = None
) -> FicheRenseignements:
    """The territory's fiche of the year, created as a draft from last year's submitted fiche (or, the
    first time, from what the portal knows of the territory)."""
    if not can(by, Action.ACT, territory):
        raise NotAllowed("Vous n'agissez pas pour ce territoire.")
    existing = FicheRenseignements.objects.filter(territory=territory, campaign=campaign).first()
    if existing:
        return existing
    if not campaign.is_open(today or timezone.localdate()):
        raise FicheError(
            f"La campagne {campaign.year} des fiches de renseignements est close "
            f"(du {format_date(campaign.opens_on)} au {format_date(campaign.closes_on)})."
        )
    previous = (
        FicheRenseignements.objects.filter(
            territory=territory, campaign__year__lt=campaign.year, status=Status.SOUMISE
        )
        .order_by("-campaign__year")
        .first()
    )
    fiche, _ = FicheRenseignements.objects.get_or_create(
        territory=territory,
        campaign=campaign,
        defaults={
            "answers": _initial_answers(territory, previous, questionnaire.for_campaign(campaign).keys()),
            "baseline": dict(previous.answers) if previous else {},
            "updated_by": by,
        },
    )
    return fiche


def _refuse_if_closed(response) -> None:
    """An enquête takes answers between its opening and its closing (a fiche's draft, at any time)."""
    survey = response.campaign
    if not survey.is_fiche and not survey.is_open(timezone.localdate()):
        raise FicheLocked(
            f"L'enquête « {survey.title} » est close depuis le {format_date(survey.closes_on)} : la réponse "
            "ne peut plus être modifiée ; vos saisies restent ci-dessous."
            if survey.closes_on < timezone.localdate()
            else f"L'enquête « {survey.title} » n'est pas encore ouverte."
        )


def fiche_save_section(
    *, fiche: FicheRenseignements, answers: dict, version: int, by: User, section: str | None = None
) -> FicheRenseignements:
    """Merge one section's answers into the draft (a fiche's or any survey's response), if nobody
    saved it since ``version``; ``section`` (its slug) is then one the territory's people have gone
    through."""
    if not can(by, Action.ACT, fiche.territory) or (fiche.person_id and fiche.person_id != by.pk):
        raise NotAllowed("Vous n'agissez pas pour ce territoire.")
    errors = answers_errors(answers)
    if errors:
        raise FicheAnswersRefused(errors)
    # The proxy's class for a fiche (its saves are a fiche's: the directory shows its EPCI).
    model = type(fiche)
    with transaction.atomic():
        current = (
            # of=self: updated_by is a nullable join, which PostgreSQL cannot lock.
            model.objects.select_for_update(of=("self",)).select_related("updated_by").get(pk=fiche.pk)
        )
        if current.status != Status.BROUILLON:
            raise FicheLocked(
                f"{_this(current).capitalize()} a été soumise à l'ANPP et ne peut plus être modifiée ; vos saisies restent "
                "ci-dessous. Écrivez à l'ANPP si elle doit être rouverte."
            )
        _refuse_if_closed(current)
        if current.version != version:
            raise FicheStale(current)
        current.answers = {
            **current.answers,
            **{key: questionnaire.to_json(value) for key, value in answers.items()},
        }
        if section and section not in (current.saved_sections or []):
            current.saved_sections = [*(current.saved_sections or []), section]
        current.version += 1
        current.updated_by = by
        current._history_user = by
        current.save()  # a save, not an update(): the audit trail records it
    return current


def fiche_submit(*, fiche: FicheRenseignements, by: User) -> FicheRenseignements:
    """Submit a fiche, or any survey's response, with its required answers; acknowledged by email
    with the answers."""
    if not can(by, Action.ACT, fiche.territory) or (fiche.person_id and fiche.person_id != by.pk):
        raise NotAllowed("Vous n'agissez pas pour ce territoire.")
    with transaction.atomic():
        current = type(fiche).objects.select_for_update(of=("self",)).get(pk=fiche.pk)
        if current.status != Status.BROUILLON:
            raise FicheLocked(f"{_this(current).capitalize()} a déjà été soumise.")
        _refuse_if_closed(current)
        missing = questionnaire.for_campaign(current.campaign).missing_fields(current.answers)
        if missing:
            raise FicheIncomplete(missing)
        current.status = Status.SOUMISE
        current.submitted_at = timezone.now()
        current.updated_by = by
        current._history_user = by
        current.version += 1
        current.save()
        if current.campaign.is_fiche:
            emails.fiche_submitted_send(current, recap=fiche_recap(current))
        else:
            emails.survey_submitted_send(current, recap=fiche_recap(current))
    return current


def fiche_reopen(*, fiche: FicheRenseignements, by: User, message: str) -> FicheRenseignements:
    if not acts_as_staff(by, "members.change_ficherenseignements"):
        raise NotAllowed("Réservé à l'équipe de l'ANPP.")
    if not message.strip():
        raise FicheError("Expliquez au territoire pourquoi la fiche est rouverte.")
    with transaction.atomic():
        current = FicheRenseignements.objects.select_for_update().get(pk=fiche.pk)
        current.status = Status.BROUILLON
        current.staff_message = message
        current.version += 1
        current.updated_by = by
        current._history_user = by
        current.save()
    return current


def fiche_reminders_send(*, today: date | None = None) -> int:
    """Remind référents of territories whose fiche is not started, or started but not submitted."""
    today = today or timezone.localdate()
    reminders = ReminderBatch()
    for campaign in FicheCampaign.objects.filter(opens_on__lte=today, closes_on__gte=today):
        fiches = dict(
            FicheRenseignements.objects.filter(campaign=campaign).values_list("territory_id", "status")
        )
        territories = survey_audience(campaign).only("pk", "name", "slug")
        referents = referents_by_territory(territories.values("pk"))
        for territory in territories:
            status = fiches.get(territory.pk)
            if status == Status.SOUMISE:
                continue
            kind, days = (
                ("not-started", campaign.reminder_days_not_started)
                if status is None
                else ("not-submitted", campaign.reminder_days_not_submitted)
            )
            step = latest_due_step(campaign.opens_on, days, today)
            if step is None:
                continue
            for user in referents.get(territory.pk, []):
                reminders.add(
                    key=f"fiche-reminder:{campaign.year}:{territory.pk}:{kind}:{step}:{user.pk}",
                    user=user,
                    template=f"members/email/fiche_reminder_{kind.replace('-', '_')}",
                    context={"campaign": campaign, "territory": territory},
                )
    return reminders.record()


def fiche_remind_now(
    *, territory: Territory, campaign: FicheCampaign, by: User, today: date | None = None
) -> int:
    """Staff remind a territory of its fiche now (at most once a day per territory and person), through
    the same outbox path as the scheduled reminders; returns how many emails were recorded."""
    if not acts_as_staff(by, "members.change_ficherenseignements"):
        raise NotAllowed("Réservé à l'équipe de l'ANPP.")
    today = today or timezone.localdate()
    status = (
        FicheRenseignements.objects.filter(territory=territory, campaign=campaign)
        .values_list("status", flat=True)
        .first()
    )
    if status == Status.SOUMISE:
        raise FicheLocked(f"La fiche {campaign.year} de {territory} est déjà soumise.")
    kind = "not-started" if status is None else "not-submitted"
    reminders = ReminderBatch()
    for user in referents_by_territory([territory.pk]).get(territory.pk, []):
        reminders.add(
            key=f"fiche-reminder:{campaign.year}:{territory.pk}:{kind}:manual-{today:%Y%m%d}:{user.pk}",
            user=user,
            template=f"members/email/fiche_reminder_{kind.replace('-', '_')}",
            context={"campaign": campaign, "territory": territory},
        )
    return reminders.record()
