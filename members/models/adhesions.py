"""The yearly adhésion of a territory: campaign and fee schedule, adhésion, transitions.

Its appel, the appel's payments and credit notes are billing's documents (billing.models)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from anpp_portal.fields import BoundedTextField
from anpp_portal.formats import limit
from anpp_portal.history import HistoricalRecords
from anpp_portal.storage import UnguessableName, private_storage
from anpp_portal.validators import validate_siret

from .people import Territory

MONEY = {"max_digits": 10, "decimal_places": 2}


class AdhesionCampaign(models.Model):
    """One campaign a year, managed by ANPP staff: dates, fee schedule, reminders and texts."""

    class FeeMode(models.TextChoices):
        PER_INHABITANT = "per_inhabitant", _("Tarif par habitant, avec plancher et plafond")
        BRACKETS = "brackets", _("Tranches de population à montant fixe")

    class PopulationBasis(models.TextChoices):
        MUNICIPALE = "municipale", _("Population municipale")
        TOTALE = "totale", _("Population totale")
        DGF = "dgf", _("Population DGF")

    class Rounding(models.TextChoices):
        CENT = "0.01", _("Au centime")
        EURO = "1", _("À l'euro")
        TEN_EUROS = "10", _("À la dizaine d'euros")

    year = models.PositiveSmallIntegerField(
        _("année"), unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    opens_on = models.DateField(_("ouverture"))
    closes_on = models.DateField(_("clôture"))
    fee_mode = models.CharField(_("mode de calcul"), max_length=20, choices=FeeMode.choices)
    rate_per_inhabitant = models.DecimalField(
        _("tarif par habitant (€)"),
        max_digits=8,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    fee_floor = models.DecimalField(_("plancher (€)"), **MONEY, null=True, blank=True)
    fee_ceiling = models.DecimalField(_("plafond (€)"), **MONEY, null=True, blank=True)
    rounding = models.CharField(_("arrondi"), max_length=4, choices=Rounding.choices, default=Rounding.EURO)
    population_basis = models.CharField(
        _("population retenue"),
        max_length=12,
        choices=PopulationBasis.choices,
        default=PopulationBasis.MUNICIPALE,
    )
    population_year = models.PositiveSmallIntegerField(
        _("année de la population"), validators=[MinValueValidator(1990), MaxValueValidator(2100)]
    )
    reminder_days_without_submission = models.JSONField(
        _("relances sans soumission (jours après l'ouverture)"),
        default=list,
        blank=True,
        help_text=_("Liste de nombres de jours, par exemple [15, 30]."),
    )
    reminder_days_unpaid = models.JSONField(
        _("relances d'impayé (jours après l'appel)"),
        default=list,
        blank=True,
        help_text=_("Liste de nombres de jours, par exemple [30, 60]."),
    )
    payment_delay_days = models.PositiveSmallIntegerField(_("délai de paiement (jours)"), default=30)
    intro_text = BoundedTextField(_("texte de présentation aux territoires"), max_length=10000, blank=True)

    class Meta:
        verbose_name = _("campagne d'adhésion")
        verbose_name_plural = _("campagnes d'adhésion")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")),
                name="campaign_closes_after_opening",
                violation_error_message=_("La clôture doit suivre l'ouverture."),
            ),
            models.CheckConstraint(
                condition=models.Q(fee_floor__isnull=True)
                | models.Q(fee_ceiling__isnull=True)
                | models.Q(fee_floor__lte=models.F("fee_ceiling")),
                name="campaign_floor_below_ceiling",
                violation_error_message=_("Le plancher doit être inférieur ou égal au plafond."),
            ),
        ]

    def __str__(self):
        return _("Campagne d'adhésion %(year)s") % {"year": self.year}

    def is_open(self, on) -> bool:
        return self.opens_on <= on <= self.closes_on


class FeeBracket(models.Model):
    """A population bracket with a fixed cotisation; bounds are inclusive, the last has no maximum."""

    campaign = models.ForeignKey(
        AdhesionCampaign, on_delete=models.CASCADE, related_name="brackets", verbose_name=_("campagne")
    )
    min_population = models.PositiveIntegerField(_("population minimale"))
    max_population = models.PositiveIntegerField(_("population maximale"), null=True, blank=True)
    amount = models.DecimalField(_("montant (€)"), **MONEY, validators=[MinValueValidator(Decimal("0"))])

    class Meta:
        verbose_name = _("tranche de population")
        verbose_name_plural = _("tranches de population")
        ordering = ["campaign", "min_population"]
        constraints = [
            models.UniqueConstraint("campaign", "min_population", name="bracket_unique_start"),
            models.CheckConstraint(
                condition=models.Q(max_population__isnull=True)
                | models.Q(max_population__gte=models.F("min_population")),
                name="bracket_max_above_min",
                violation_error_message=_("Le maximum de la tranche doit être supérieur ou égal au minimum."),
            ),
        ]

    def __str__(self):
        upper = self.max_population if self.max_population is not None else "…"
        return f"{self.min_population}–{upper} : {self.amount} €"


class FlatFee(models.Model):
    """A flat cotisation for kinds of members without a population (conseil de développement…)."""

    campaign = models.ForeignKey(
        AdhesionCampaign, on_delete=models.CASCADE, related_name="flat_fees", verbose_name=_("campagne")
    )
    kind = models.CharField(_("nature"), max_length=30, choices=Territory.Kind.choices)
    amount = models.DecimalField(_("montant (€)"), **MONEY, validators=[MinValueValidator(Decimal("0"))])

    class Meta:
        verbose_name = _("forfait")
        verbose_name_plural = _("forfaits")
        constraints = [models.UniqueConstraint("campaign", "kind", name="flat_fee_unique_kind")]

    def __str__(self):
        return f"{self.get_kind_display()} : {self.amount} €"


class AdhesionQuerySet(models.QuerySet):
    def active(self):
        return self.exclude(status=Adhesion.Status.ANNULEE)


class Adhesion(models.Model):
    """The adhésion of one territory for one year, from draft to payment."""

    class Status(models.TextChoices):
        BROUILLON = "brouillon", _("Brouillon")
        SOUMISE = "soumise", _("Soumise")
        VALIDEE = "validee", _("Validée")
        APPEL_EMIS = "appel_emis", _("Appel émis")
        PAYEE = "payee", _("Payée")
        ANNULEE = "annulee", _("Annulée")

    territory = models.ForeignKey(
        Territory, on_delete=models.PROTECT, related_name="adhesions", verbose_name=_("territoire")
    )
    campaign = models.ForeignKey(
        AdhesionCampaign, on_delete=models.PROTECT, related_name="adhesions", verbose_name=_("campagne")
    )
    status = models.CharField(_("statut"), max_length=12, choices=Status.choices, default=Status.BROUILLON)
    signatory_name = models.CharField(_("signataire"), max_length=150, blank=True)
    signatory_role = models.CharField(_("qualité du signataire"), max_length=150, blank=True)
    billing_contact_name = models.CharField(_("contact facturation"), max_length=150, blank=True)
    billing_contact_email = models.EmailField(_("email du contact facturation"), blank=True)
    billing_address = BoundedTextField(_("adresse de facturation"), max_length=500, blank=True)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True, validators=[validate_siret])
    chorus_service_code = models.CharField(_("code service Chorus Pro"), max_length=100, blank=True)
    engagement_number = models.CharField(
        _("numéro d'engagement / bon de commande"), max_length=100, blank=True
    )
    deliberation_date = models.DateField(_("date de la délibération"), null=True, blank=True)
    population = models.PositiveIntegerField(
        _("population retenue"), null=True, blank=True, validators=[MaxValueValidator(limit(15_000_000))]
    )
    amount = models.DecimalField(_("cotisation (€)"), **MONEY, null=True, blank=True)
    amount_basis = models.CharField(_("base de calcul"), max_length=300, blank=True)
    call_number = models.CharField(_("numéro d'appel"), max_length=12, unique=True, null=True, blank=True)
    call_issued_at = models.DateTimeField(_("appel émis le"), null=True, blank=True)
    call_due_on = models.DateField(_("échéance"), null=True, blank=True)
    # Private documents: outside any public URL, under unguessable names, served by a view that checks
    # the person (anpp_portal/storage.py). Rendered after the commit that numbers them (tasks.py).
    call_pdf = models.FileField(
        _("appel de cotisation (PDF)"),
        storage=private_storage,
        upload_to=UnguessableName("adhesions/appels"),
        max_length=200,
        blank=True,
    )
    attestation_pdf = models.FileField(
        _("attestation (PDF)"),
        storage=private_storage,
        upload_to=UnguessableName("adhesions/attestations"),
        max_length=200,
        blank=True,
    )
    cancel_reason = BoundedTextField(_("motif d'annulation"), max_length=2000, blank=True)
    submitted_at = models.DateTimeField(_("soumise le"), null=True, blank=True)
    # A past year's adhésion from the ANPP's spreadsheets (members/imports/): its call and payments
    # happened outside the portal, which renders no document and sends no reminder for it.
    imported = models.BooleanField(
        _("importée de l'historique"),
        default=False,
        help_text=_(
            "Adhésion d'une année passée, importée d'un tableur : ni document ni relance automatiques."
        ),
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    # An adhésion makes its territory a member once ANPP has validated it (the call may still be
    # unpaid: public bodies pay by administrative mandate weeks later).
    MEMBER_STATUSES = (Status.VALIDEE, Status.APPEL_EMIS, Status.PAYEE)

    objects = AdhesionQuerySet.as_manager()
    # Audit trail (django-simple-history): every change, who made it and when, visible to staff.
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("adhésion")
        verbose_name_plural = _("adhésions")
        ordering = ["-campaign__year", "territory__name"]
        constraints = [
            # Cancelled ones aside: a correction is a cancellation plus a new adhésion (and a new call).
            models.UniqueConstraint(
                "territory",
                "campaign",
                condition=~models.Q(status="annulee"),
                name="adhesion_one_per_territory_and_year",
                violation_error_message=_("Ce territoire a déjà une adhésion pour cette année."),
            ),
        ]

    def __str__(self):
        return f"{self.territory} – {self.campaign.year}"

    @property
    def year(self) -> int:
        return self.campaign.year

    @property
    def is_editable_by_territory(self) -> bool:
        return self.status == self.Status.BROUILLON


class AdhesionTransition(models.Model):
    """Who moved an adhésion from one status to another, when, and why."""

    adhesion = models.ForeignKey(
        Adhesion, on_delete=models.CASCADE, related_name="transitions", verbose_name=_("adhésion")
    )
    from_status = models.CharField(_("de"), max_length=12, choices=Adhesion.Status.choices, blank=True)
    to_status = models.CharField(_("vers"), max_length=12, choices=Adhesion.Status.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("par"),
    )
    at = models.DateTimeField(_("le"), auto_now_add=True)
    message = BoundedTextField(_("message"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("étape de l'adhésion")
        verbose_name_plural = _("historique de l'adhésion")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"
