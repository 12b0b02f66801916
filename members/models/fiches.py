"""The yearly fiche de renseignements of a territory (its questions live in members/questionnaire.py)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from anpp_portal.fields import BoundedTextField
from anpp_portal.history import HistoricalRecords

from .people import Territory


class FicheCampaign(models.Model):
    year = models.PositiveSmallIntegerField(
        _("année"), unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)]
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

    class Meta:
        verbose_name = _("campagne de fiches de renseignements")
        verbose_name_plural = _("campagnes de fiches de renseignements")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")),
                name="fiche_campaign_closes_after_opening",
                violation_error_message=_("La clôture doit suivre l'ouverture."),
            )
        ]

    def __str__(self):
        return _("Fiches de renseignements %(year)s") % {"year": self.year}

    def is_open(self, on) -> bool:
        return self.opens_on <= on <= self.closes_on


class FicheRenseignements(models.Model):
    class Status(models.TextChoices):
        BROUILLON = "brouillon", _("Brouillon")
        SOUMISE = "soumise", _("Soumise")

    territory = models.ForeignKey(
        Territory, on_delete=models.PROTECT, related_name="fiches", verbose_name=_("territoire")
    )
    campaign = models.ForeignKey(
        FicheCampaign, on_delete=models.PROTECT, related_name="fiches", verbose_name=_("campagne")
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

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("fiche de renseignements")
        verbose_name_plural = _("fiches de renseignements")
        ordering = ["-campaign__year", "territory__name"]
        constraints = [
            models.UniqueConstraint("territory", "campaign", name="fiche_one_per_territory_and_year")
        ]

    def __str__(self):
        return f"{self.territory} – {self.campaign.year}"

    def get_absolute_url(self):
        return reverse("members:fiche", kwargs={"slug": self.territory.slug, "year": self.campaign.year})
