"""The yearly fiche de renseignements of a territory: one kind of survey (members/models/surveys.py),
kept under its own names as proxies so that its code, admin and permissions read as before.

Its questions live in the survey's questionnaire (members/questionnaire.py).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .surveys import Survey, SurveyResponse, record_history_of_proxy


class FicheCampaignManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(kind=Survey.Kind.FICHE)


class FicheCampaign(Survey):
    objects = FicheCampaignManager()

    class Meta:
        proxy = True
        verbose_name = _("campagne de fiches de renseignements")
        verbose_name_plural = _("campagnes de fiches de renseignements")
        ordering = ["-year"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A fiche from the start, so that validation (full_clean, the admin's form) treats it as one.
        self.kind = Survey.Kind.FICHE

    def save(self, *args, **kwargs):
        self.kind = Survey.Kind.FICHE
        super().save(*args, **kwargs)

    @property
    def fiches(self):
        return FicheRenseignements.objects.filter(campaign=self)


class FicheRenseignementsManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(campaign__kind=Survey.Kind.FICHE)


class FicheRenseignements(SurveyResponse):
    objects = FicheRenseignementsManager()

    class Meta:
        proxy = True
        verbose_name = _("fiche de renseignements")
        verbose_name_plural = _("fiches de renseignements")
        ordering = ["-campaign__year", "territory__name"]


record_history_of_proxy(FicheRenseignements)
