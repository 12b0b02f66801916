"""ANPP's billing identity and every invoice-like document it issues: appels de cotisation, event
invoices and credit notes (avoirs), with their payments and their deposit on Chorus Pro.

A document never changes once issued: its buyer, lines and total are copied onto it, its Factur-X
PDF is stored privately, and a correction is a credit note that refers to it.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from stdnum import bic as stdnum_bic
from stdnum import iban as stdnum_iban

from anpp_portal import formats
from anpp_portal.fields import BoundedTextField
from anpp_portal.formats import limit
from anpp_portal.storage import UnguessableName, private_storage
from anpp_portal.validators import validate_siret

MONEY = {"max_digits": 10, "decimal_places": 2}


def validate_iban(value: str) -> None:
    if value and not stdnum_iban.is_valid(value):
        raise ValidationError(
            _("IBAN invalide : vérifiez les chiffres et la clé de contrôle."), code="invalid_iban"
        )


def validate_bic(value: str) -> None:
    if value and not stdnum_bic.is_valid(value):
        raise ValidationError(_("BIC invalide : 8 ou 11 caractères."), code="invalid_bic")


class BillingIdentity(models.Model):
    """ANPP as the seller of its documents: one row (pk 1), edited by staff in the admin."""

    class VatCategory(models.TextChoices):
        # EN 16931 VAT category codes (UNTDID 5305): ANPP bills no VAT.
        NOT_SUBJECT = "O", _("Hors du champ de la TVA (non assujettie)")
        EXEMPT = "E", _("Exonérée de TVA (numéro de TVA requis)")

    legal_name = models.CharField(_("raison sociale"), max_length=200)
    street = models.CharField(_("adresse (rue)"), max_length=200)
    postal_code = models.CharField(_("code postal"), max_length=10)
    city = models.CharField(_("commune"), max_length=100)
    email = models.EmailField(_("email de facturation"), blank=True)
    siret = models.CharField(_("SIRET de l'ANPP"), max_length=14, blank=True, validators=[validate_siret])
    vat_category = models.CharField(
        _("régime de TVA"), max_length=1, choices=VatCategory.choices, default=VatCategory.NOT_SUBJECT
    )
    vat_number = models.CharField(_("numéro de TVA intracommunautaire"), max_length=20, blank=True)
    vat_mention = models.CharField(
        _("mention de TVA imprimée"),
        max_length=300,
        blank=True,
        help_text=_("Par exemple « TVA non applicable, article 261-7-1° du CGI »."),
    )
    vat_exemption_code = models.CharField(
        _("code d'exonération (EN 16931)"),
        max_length=30,
        blank=True,
        help_text=_("Code VATEX, par exemple VATEX-EU-O pour une activité hors du champ de la TVA."),
    )
    iban = models.CharField(_("IBAN"), max_length=34, blank=True, validators=[validate_iban])
    bic = models.CharField(_("BIC"), max_length=11, blank=True, validators=[validate_bic])
    bank = models.CharField(_("banque"), max_length=200, blank=True)
    account_holder = models.CharField(_("titulaire du compte"), max_length=200, blank=True)
    signatory_name = models.CharField(_("nom du signataire"), max_length=150, blank=True)
    signatory_title = models.CharField(_("qualité du signataire"), max_length=150, blank=True)
    payment_delay_days = models.PositiveSmallIntegerField(
        _("délai de paiement des factures d'événement (jours)"), default=30
    )
    payment_terms = BoundedTextField(
        _("conditions de paiement"),
        max_length=2000,
        blank=True,
        help_text=_(
            "Imprimées sur chaque document, par exemple « À réception, par mandat administratif ou virement »."
        ),
    )
    late_payment_terms = BoundedTextField(
        _("pénalités de retard"),
        max_length=2000,
        blank=True,
        default=(
            "En cas de retard de paiement, indemnité forfaitaire pour frais de recouvrement de 40 € "
            "(articles L. 441-10 et D. 441-5 du code de commerce) et intérêts moratoires."
        ),
    )
    is_example = models.BooleanField(
        _("valeurs d'exemple"),
        default=False,
        help_text=_("Coché par les données de démonstration : les documents portent la mention « exemple »."),
    )
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    # Without these, no document is issued (and no number taken); the message names the first missing.
    MANDATORY = [
        "legal_name",
        "street",
        "postal_code",
        "city",
        "siret",
        "vat_mention",
        "iban",
        "bic",
        "bank",
        "signatory_name",
        "signatory_title",
        "payment_terms",
    ]

    class Meta:
        verbose_name = _("identité de facturation de l'ANPP")
        verbose_name_plural = _("identité de facturation de l'ANPP")
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="billing_identity_single_row")]

    def __str__(self):
        return str(self._meta.verbose_name)

    def clean(self):
        self.iban = (self.iban or "").replace(" ", "").upper()
        self.bic = (self.bic or "").replace(" ", "").upper()
        if self.vat_category == self.VatCategory.EXEMPT and not self.vat_number:
            raise ValidationError(
                {"vat_number": _("Une activité exonérée demande le numéro de TVA de l'ANPP.")}
            )

    def missing_fields(self) -> list[str]:
        """The French names of the mandatory parts left empty, in the form's order."""
        missing = [name for name in self.MANDATORY if not str(getattr(self, name) or "").strip()]
        if self.vat_category == self.VatCategory.EXEMPT and not self.vat_number:
            missing.append("vat_number")
        return [str(self._meta.get_field(name).verbose_name) for name in missing]

    @property
    def siren(self) -> str:
        return self.siret[:9]

    @property
    def iban_display(self) -> str:
        return " ".join(self.iban[i : i + 4] for i in range(0, len(self.iban), 4))


class InvoiceSequence(models.Model):
    """The last number of a series in a year; locked while a document is issued, so numbers are gapless.

    Every series lives here: appels (series "A", numbered ``2018-0001`` as they always were), event
    invoices ("F", ``F2018-0001``) and credit notes ("AV", ``AV2018-0001``). The year is the one of
    the issue date on Paris time (billing.services.next_number)."""

    series = models.CharField(_("série"), max_length=4)
    year = models.PositiveSmallIntegerField(_("année"))
    last_number = models.PositiveIntegerField(_("dernier numéro"), default=0)

    class Meta:
        verbose_name = _("séquence de numérotation")
        verbose_name_plural = _("séquences de numérotation")
        constraints = [models.UniqueConstraint("series", "year", name="invoice_sequence_unique")]

    def __str__(self):
        return f"{self.series}{self.year}: {self.last_number}"


class InvoiceQuerySet(models.QuerySet):
    def receivables(self):
        """Documents that ask for a payment (appels and invoices, not credit notes)."""
        return self.exclude(kind=Invoice.Kind.AVOIR)


class Invoice(models.Model):
    class Kind(models.TextChoices):
        APPEL = "appel", _("Appel de cotisation")
        FACTURE = "facture", _("Facture d'événement")
        AVOIR = "avoir", _("Avoir")

    # UNTDID 1001 document type codes: an appel is a commercial invoice.
    TYPE_CODES = {Kind.APPEL: "380", Kind.FACTURE: "380", Kind.AVOIR: "381"}

    kind = models.CharField(_("type"), max_length=8, choices=Kind.choices)
    number = models.CharField(_("numéro"), max_length=20, unique=True)
    issued_at = models.DateTimeField(_("émis le"))
    due_on = models.DateField(_("échéance"), null=True, blank=True)
    territory = models.ForeignKey(
        "members.Territory",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoices",
        verbose_name=_("territoire"),
    )
    adhesion = models.ForeignKey(
        "members.Adhesion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoices",
        verbose_name=_("adhésion"),
    )
    registration = models.ForeignKey(
        "events.Registration",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoices",
        verbose_name=_("inscription"),
    )
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_notes",
        verbose_name=_("document corrigé"),
    )
    buyer_name = models.CharField(_("acheteur"), max_length=200)
    buyer_siret = models.CharField(_("SIRET de l'acheteur"), max_length=14, blank=True)
    buyer_service_code = models.CharField(_("code service Chorus Pro"), max_length=100, blank=True)
    buyer_engagement = models.CharField(_("numéro d'engagement"), max_length=100, blank=True)
    buyer_address = BoundedTextField(_("adresse de facturation"), max_length=1200, blank=True)
    buyer_email = models.EmailField(_("email de facturation de l'acheteur"), blank=True)
    subject = models.CharField(_("objet"), max_length=300)
    lines = models.JSONField(_("lignes"), default=list)
    total = models.DecimalField(
        _("montant (€)"), **MONEY, validators=[MinValueValidator(limit(Decimal("0.01")))]
    )
    reason = BoundedTextField(_("motif"), max_length=2000, blank=True)
    pdf = models.FileField(
        _("document Factur-X (PDF)"),
        upload_to=UnguessableName("facturation"),
        storage=private_storage,
        blank=True,
        max_length=200,
    )
    chorus_deposited_on = models.DateField(_("déposé sur Chorus Pro le"), null=True, blank=True)
    chorus_number = models.CharField(_("numéro de dépôt Chorus Pro"), max_length=50, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("émis par"),
    )

    objects = InvoiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("document de facturation")
        verbose_name_plural = _("documents de facturation")
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(total__gt=0), name="invoice_total_positive"),
            models.CheckConstraint(
                condition=models.Q(kind="avoir", corrects__isnull=False)
                | (~models.Q(kind="avoir") & models.Q(corrects__isnull=True)),
                name="invoice_credit_note_corrects_a_document",
            ),
            # One event invoice per registration (a later change is a credit note).
            models.UniqueConstraint(
                "registration", condition=models.Q(kind="facture"), name="invoice_one_per_registration"
            ),
            models.UniqueConstraint(
                "adhesion", condition=models.Q(kind="appel"), name="invoice_one_appel_per_adhesion"
            ),
            models.CheckConstraint(
                condition=models.Q(chorus_deposited_on__isnull=True) | ~models.Q(chorus_number=""),
                name="invoice_chorus_deposit_has_number",
            ),
        ]
        indexes = [models.Index(fields=["kind", "issued_at"], name="invoice_kind_issued")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.number}"

    @property
    def type_code(self) -> str:
        return self.TYPE_CODES[self.kind]

    @property
    def is_credit_note(self) -> bool:
        return self.kind == self.Kind.AVOIR

    @property
    def issued_outside_portal(self) -> bool:
        """An appel of a past year imported from the ANPP's spreadsheets: recorded under the number it
        was sent with, without a PDF (billing.services.appel_record_kept). A credit note the portal
        issues on such an appel is the portal's: numbered, rendered and sent like any other."""
        return self.kind == self.Kind.APPEL and self.adhesion_id is not None and self.adhesion.imported

    @property
    def filename(self) -> str:
        return f"{self.kind}-{self.number}.pdf"


class PaymentMethod(models.TextChoices):
    MANDAT = "mandat", _("Mandat administratif")
    VIREMENT = "virement", _("Virement")
    CHEQUE = "cheque", _("Chèque")


class InvoicePayment(models.Model):
    """A payment of a document: an appel de cotisation or an event invoice (the one payment model of
    the portal). A credit note is never paid: it reduces what the document it corrects asks for."""

    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, related_name="payments", verbose_name=_("facture")
    )
    paid_on = models.DateField(_("date du paiement"))
    amount = models.DecimalField(_("montant (€)"), **MONEY)
    method = models.CharField(_("mode de paiement"), max_length=10, choices=PaymentMethod.choices)
    reference = models.CharField(_("référence"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("enregistré par"),
    )
    recorded_at = models.DateTimeField(_("enregistré le"), auto_now_add=True)

    class Meta:
        verbose_name = _("paiement")
        verbose_name_plural = _("paiements")
        ordering = ["paid_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="invoice_payment_amount_positive")
        ]

    def __str__(self):
        return f"{formats.format_euros(self.amount)} ({self.get_method_display()}, {formats.format_date(self.paid_on)})"
