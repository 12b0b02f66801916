"""A territory not yet in the portal asks to join the ANPP; staff approve or refuse it."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from anpp_portal.fields import BoundedTextField
from anpp_portal.formats import limit
from anpp_portal.validators import validate_siren

from .people import Department, Territory


class JoinRequest(models.Model):
    class Status(models.TextChoices):
        # Sent from the public form; reaches staff only once the requester followed the emailed link.
        UNCONFIRMED = "unconfirmed", _("Adresse à confirmer")
        PENDING = "pending", _("En attente")
        APPROVED = "approved", _("Acceptée")
        REFUSED = "refused", _("Refusée")

    territory_name = models.CharField(_("nom du territoire"), max_length=200)
    kind = models.CharField(_("nature juridique"), max_length=30, choices=Territory.Kind.choices)
    siren = models.CharField(_("SIREN"), max_length=9, validators=[validate_siren])
    departments = models.ManyToManyField(
        Department, verbose_name=_("départements"), related_name="join_requests"
    )
    population = models.PositiveIntegerField(
        _("population"), validators=[MinValueValidator(1), MaxValueValidator(limit(15_000_000))]
    )
    first_name = models.CharField(_("prénom"), max_length=150)
    last_name = models.CharField(_("nom"), max_length=150)
    function = models.CharField(_("fonction"), max_length=150)
    email = models.EmailField(_("adresse email"))
    status = models.CharField(_("statut"), max_length=12, choices=Status.choices, default=Status.PENDING)
    confirmed_at = models.DateTimeField(_("adresse confirmée le"), null=True, blank=True)
    decision_message = BoundedTextField(_("message au demandeur"), max_length=2000, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("décidée par"),
    )
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)
    territory = models.ForeignKey(
        Territory,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="join_requests",
        verbose_name=_("territoire créé"),
    )
    created_at = models.DateTimeField(_("reçue le"), auto_now_add=True)

    class Meta:
        verbose_name = _("demande d'adhésion")
        verbose_name_plural = _("demandes d'adhésion")
        ordering = ["-created_at"]
        # No "one pending request per SIREN": the first requester for a real territory's SIREN
        # would block the real one. Competing requests are shown side by side to staff instead.
        indexes = [models.Index(fields=["siren", "status"], name="join_request_siren_status")]

    def __str__(self):
        return f"{self.territory_name} ({self.get_status_display()})"

    @property
    def requester_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()
