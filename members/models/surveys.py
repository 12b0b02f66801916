"""Surveys (« enquêtes ») the member territories answer; the yearly fiche de renseignements is one
kind of survey (members/models/fiches.py keeps its names as proxies of these models).

A survey has a questionnaire (members/models/questionnaire.py), an audience (the territories
expected to answer, ``selectors.survey_audience``) and dates. A response is one territory's answers
(or one person's, for a survey asked of every person), a draft until submitted.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from localflavor.fr.fr_region import REGION_2016_CHOICES

from anpp_portal.fields import BoundedTextField
from anpp_portal.history import HistoricalRecords

from .people import Territory


class Survey(models.Model):
    class Kind(models.TextChoices):
        FICHE = "fiche", _("Fiche de renseignements")
        ENQUETE = "enquete", _("Enquête")

    class Audience(models.TextChoices):
        MEMBERS = "adherents", _("Territoires adhérents (filtrés ci-dessous)")
        CHOSEN = "liste", _("Territoires choisis un à un")

    class Prefill(models.TextChoices):
        NONE = "", _("Aucun préremplissage")
        FICHE = "fiche", _("Depuis la dernière fiche de renseignements soumise")
        SURVEY = "enquete", _("Depuis une enquête précédente")

    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, default=Kind.ENQUETE)
    title = models.CharField(_("titre"), max_length=200, blank=True)
    # A fiche's campaign year (one fiche campaign a year); an enquête's year of opening.
    year = models.PositiveSmallIntegerField(
        _("année"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    opens_on = models.DateField(_("ouverture"))
    closes_on = models.DateField(_("clôture"))
    reminder_days_not_started = models.JSONField(
        _("relances si non commencée (jours après l'ouverture)"), default=list, blank=True
    )
    reminder_days_not_submitted = models.JSONField(
        _("relances si commencée mais non soumise (jours après l'ouverture)"), default=list, blank=True
    )
    intro_text = BoundedTextField(_("texte de présentation"), max_length=10000, blank=True)
    audience = models.CharField(
        _("territoires interrogés"), max_length=10, choices=Audience.choices, default=Audience.MEMBERS
    )
    regions = models.JSONField(_("régions (toutes si aucune)"), default=list, blank=True)
    territory_kinds = models.JSONField(_("natures juridiques (toutes si aucune)"), default=list, blank=True)
    adhesion_statuses = models.JSONField(
        _("statuts de l'adhésion de l'année (adhérents si aucun)"), default=list, blank=True
    )
    territories = models.ManyToManyField(
        Territory, blank=True, related_name="chosen_surveys", verbose_name=_("territoires choisis")
    )
    one_per_person = models.BooleanField(
        _("une réponse par personne"),
        default=False,
        help_text=_("Sinon, une seule réponse par territoire, remplie par ses référents et membres."),
    )
    prefill = models.CharField(
        _("préremplissage"), max_length=10, choices=Prefill.choices, default=Prefill.NONE, blank=True
    )
    prefill_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("enquête source du préremplissage"),
    )

    class Meta:
        verbose_name = _("enquête")
        verbose_name_plural = _("enquêtes")
        ordering = ["-year", "-opens_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")),
                name="fiche_campaign_closes_after_opening",
                violation_error_message=_("La clôture doit suivre l'ouverture."),
            ),
            models.UniqueConstraint(
                "year",
                condition=models.Q(kind="fiche"),
                name="survey_one_fiche_campaign_a_year",
                violation_error_message=_(
                    "Il existe déjà une campagne de fiches de renseignements cette année."
                ),
            ),
        ]

    def __str__(self):
        if self.kind == self.Kind.FICHE:
            return _("Fiches de renseignements %(year)s") % {"year": self.year}
        return self.title

    def clean(self):
        errors = {}
        if self.kind == self.Kind.ENQUETE and not self.title.strip():
            errors["title"] = _("Donnez un titre à l'enquête.")
        if self.prefill == self.Prefill.SURVEY and self.prefill_from_id is None:
            errors["prefill_from"] = _("Choisissez l'enquête dont les réponses préremplissent celle-ci.")
        if self.prefill_from_id is not None and self.prefill_from_id == self.pk:
            errors["prefill_from"] = _("Une enquête ne peut pas se préremplir elle-même.")
        if self.kind == self.Kind.ENQUETE and self.opens_on:
            self.year = self.opens_on.year
        if errors:
            raise ValidationError(errors)

    @property
    def is_fiche(self) -> bool:
        return self.kind == self.Kind.FICHE

    def is_open(self, on) -> bool:
        return self.opens_on <= on <= self.closes_on

    def regions_display(self) -> str:
        names = dict(REGION_2016_CHOICES)
        return ", ".join(str(names.get(code, code)) for code in self.regions)


# Kept at hand: the fiche's proxy connects its saves to the same audit trail (see below).
_response_history = HistoricalRecords(excluded_fields=["updated_at"])


class SurveyResponse(models.Model):
    class Status(models.TextChoices):
        BROUILLON = "brouillon", _("Brouillon")
        SOUMISE = "soumise", _("Soumise")

    territory = models.ForeignKey(
        Territory, on_delete=models.PROTECT, related_name="survey_responses", verbose_name=_("territoire")
    )
    # "campagne": a run of a survey (the fiche's name for it, kept for every survey).
    campaign = models.ForeignKey(
        Survey, on_delete=models.PROTECT, related_name="responses", verbose_name=_("campagne")
    )
    # Only for a survey asked of every person (``Survey.one_per_person``).
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="survey_responses",
        verbose_name=_("personne"),
    )
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices, default=Status.BROUILLON)
    answers = models.JSONField(_("réponses"), default=dict, blank=True)
    # Last year's submitted answers, as the fiche was pre-filled from them: what changed is marked for staff.
    baseline = models.JSONField(_("réponses de l'année précédente"), default=dict, blank=True)
    # Slugs of the sections someone of the territory saved: the others were only pre-filled.
    saved_sections = models.JSONField(_("sections enregistrées"), default=list, blank=True)
    # Optimistic locking: every save must name the version it started from.
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("modifiée par"),
    )
    submitted_at = models.DateTimeField(_("soumise le"), null=True, blank=True)
    staff_message = BoundedTextField(_("message de l'ANPP"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)

    history = _response_history

    class Meta:
        verbose_name = _("réponse à une enquête")
        verbose_name_plural = _("réponses aux enquêtes")
        ordering = ["-campaign__year", "territory__name"]
        constraints = [
            models.UniqueConstraint(
                "territory",
                "campaign",
                condition=models.Q(person__isnull=True),
                name="fiche_one_per_territory_and_year",
            ),
            models.UniqueConstraint(
                "territory",
                "campaign",
                "person",
                condition=models.Q(person__isnull=False),
                name="survey_response_one_per_person",
            ),
        ]

    def __str__(self):
        if self.campaign.kind == Survey.Kind.FICHE:
            return f"{self.territory} – {self.campaign.year}"
        return f"{self.territory} – {self.campaign}"

    def get_absolute_url(self):
        if self.campaign.kind == Survey.Kind.FICHE:
            return reverse("members:fiche", kwargs={"slug": self.territory.slug, "year": self.campaign.year})
        return reverse("members:survey", kwargs={"slug": self.territory.slug, "pk": self.campaign_id})


def record_history_of_proxy(proxy) -> None:
    """django-simple-history listens to the concrete model's saves; a proxy's save is sent as the
    proxy's, so the audit trail listens to it too (the fiche is saved through its proxy)."""
    records = _response_history
    models.signals.post_save.connect(records.post_save, sender=proxy, weak=False)
    models.signals.post_delete.connect(records.post_delete, sender=proxy, weak=False)
    models.signals.pre_delete.connect(records.pre_delete, sender=proxy, weak=False)
