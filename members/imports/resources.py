"""What each import reads and each export writes: the same columns, so an export re-imports unchanged.

Territories are matched by SIREN, people by email, past adhésions by territory and year. A row that
would change nothing is reported « inchangée » and not saved.
"""

import re

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone
from django.utils.text import slugify
from import_export import fields, resources
from import_export.instance_loaders import BaseInstanceLoader, CachedInstanceLoader
from import_export.widgets import Widget
from localflavor.fr.fr_region import REGION_2016_CHOICES

from anpp_portal.formats import format_euros
from anpp_portal.validators import validate_siren
from billing.models import PaymentMethod
from billing.selectors import appels_prefetch, document_balance
from billing.services import BillingError, KeptNumberRefused, appel_record_kept, kept_number_check

from ..models import (
    Adhesion,
    Department,
    ImportedPerson,
    Role,
    Territory,
)
from ..services.adhesions import adhesion_campaigns_of_past_years, appel_content
from .widgets import (
    ChoiceWidget,
    DepartmentsWidget,
    FrenchDateTimeWidget,
    FrenchDecimalWidget,
    FrenchIntegerWidget,
    TerritoryBySirenWidget,
    parse_amount,
    parse_date,
    render_amount,
    render_date,
    siren_text,
    text,
)

PROGRESS_EVERY = 50


class SirenWidget(Widget):
    """A SIREN (or a postal code) is text, not a number: spaces removed, never « 16700.0 »."""

    def clean(self, value, row=None, **kwargs):
        return siren_text(value)


class EmailWidget(Widget):
    def clean(self, value, row=None, **kwargs):
        return text(value).lower()


class NoDiff:
    """The preview shows no per-field diff: building one exports every field twice a row (a query for
    the départements each time), a fifth of the import's time."""

    def __init__(self, resource, instance, new):
        pass

    def compare_with(self, resource, instance):
        pass

    def as_html(self):
        return []


class PortalResource(resources.ModelResource):
    """The habits shared by the three imports: duplicates found before any row is read, progress."""

    def __init__(self, *, progress=None, user=None):
        super().__init__()
        self.progress = progress
        self.user = user
        self.duplicates: dict[int, str] = {}

    # The key of a row (SIREN, email…): a second row with the same key is refused, naming the first.
    def row_key(self, row):
        raise NotImplementedError

    def get_diff_class(self):
        return NoDiff

    duplicate_column = ""
    duplicate_message = ""

    def before_import(self, dataset, **kwargs):
        first_line: dict = {}
        for number, values in enumerate(dataset.dict, 1):
            key = self.row_key(values)
            if not key:
                continue
            if key in first_line:
                self.duplicates[number] = self.duplicate_message.format(line=first_line[key] + 1)
            else:
                first_line[key] = number

    def import_row(self, row, instance_loader, **kwargs):
        number = kwargs.get("row_number", 0)
        if self.progress and number % PROGRESS_EVERY == 0:
            self.progress(number)
        return super().import_row(row, instance_loader, **kwargs)

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        # Many-to-many cells are read only when saving; read them now, so a bad one is a row error.
        for field in self.get_import_fields():
            if isinstance(field.widget, DepartmentsWidget):
                try:
                    field.clean(row)
                except ValueError as error:
                    errors[field.attribute] = [str(error)]
        number = kwargs.get("row_number")
        if number in self.duplicates:
            errors[self.fields[self.duplicate_column].attribute] = [self.duplicates[number]]
        if errors:
            raise ValidationError(errors)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """The model's field checks, without its uniqueness and constraint queries (one SELECT each,
        per row): what they guard is the import's key, found once per file (loader, duplicates)."""
        errors = dict(import_validation_errors or {})
        try:
            instance.full_clean(exclude=errors.keys(), validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        self.check_instance(instance, errors)
        if errors:
            raise ValidationError(errors)

    def check_instance(self, instance, errors: dict) -> None:
        """What the model's constraints say, checked in Python (see validate_instance)."""

    def column_of(self, attribute: str) -> str:
        if attribute == NON_FIELD_ERRORS:
            return ""
        for name, field in self.fields.items():
            if field.attribute == attribute or name == attribute:
                return field.column_name
        return attribute


class TerritoryResource(PortalResource):
    siren = fields.Field("siren", "SIREN", widget=SirenWidget())
    name = fields.Field("name", "Nom")
    kind = fields.Field(
        "kind", "Nature juridique", widget=ChoiceWidget(Territory.Kind.choices, "Nature juridique")
    )
    region = fields.Field("region", "Région", widget=ChoiceWidget(REGION_2016_CHOICES, "Région"))
    departments = fields.Field("departments", "Départements", widget=DepartmentsWidget(Department))
    population = fields.Field("population", "Population", widget=FrenchIntegerWidget())
    population_year = fields.Field("population_year", "Année de la population", widget=FrenchIntegerWidget())
    communes_count = fields.Field("communes_count", "Nombre de communes", widget=FrenchIntegerWidget())
    website = fields.Field("website", "Site internet")
    address = fields.Field("address", "Adresse")
    postal_code = fields.Field("postal_code", "Code postal", widget=SirenWidget())
    city = fields.Field("city", "Commune")

    duplicate_column = "siren"
    duplicate_message = "Ce SIREN figure déjà à la ligne {line}."

    class Meta:
        model = Territory
        fields = (
            "siren",
            "name",
            "kind",
            "region",
            "departments",
            "population",
            "population_year",
            "communes_count",
            "website",
            "address",
            "postal_code",
            "city",
        )
        import_id_fields = ("siren",)
        instance_loader_class = CachedInstanceLoader
        skip_unchanged = True
        report_skipped = True
        skip_html_diff = True
        use_transactions = True

    def row_key(self, row):
        return siren_text(row.get("SIREN"))

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self.slugs = set(Territory.objects.values_list("slug", flat=True))

    def get_queryset(self):
        return Territory.objects.prefetch_related("departments")

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if "siren" not in errors:
            if not instance.siren:
                errors["siren"] = ["Indiquez le SIREN : il identifie le territoire d'un import à l'autre."]
            else:
                try:
                    validate_siren(instance.siren)
                except ValidationError as error:
                    errors["siren"] = error.messages
        if errors:
            raise ValidationError(errors)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        # The slug is made when saving (it is not a column): leave it out of the checks until then.
        if instance.slug:
            return super().validate_instance(instance, import_validation_errors)
        instance.slug = "a-definir"
        try:
            return super().validate_instance(instance, import_validation_errors)
        finally:
            instance.slug = ""

    def check_instance(self, instance, errors):
        if instance.population is not None and instance.population_year is None:
            errors.setdefault("population_year", []).append("Indiquez l'année de référence de la population.")

    def save_m2m(self, instance, row, **kwargs):
        """The départements, written as a difference in at most two queries (``set()`` takes four)."""
        through = Territory.departments.through
        wanted = {department.code for department in self.fields["departments"].clean(row)}
        current = {department.code for department in instance.departments.all()}
        if wanted == current:
            return
        through.objects.filter(territory=instance, department_id__in=current - wanted).delete()
        through.objects.bulk_create(
            through(territory=instance, department_id=code) for code in sorted(wanted - current)
        )
        if hasattr(instance, "_prefetched_objects_cache"):
            instance._prefetched_objects_cache.pop("departments", None)

    def before_save_instance(self, instance, row, **kwargs):
        if not instance.slug:
            base = slugify(instance.name)[:110] or "territoire"
            slug, n = base, 1
            while slug in self.slugs:
                n += 1
                slug = f"{base}-{n}"
            self.slugs.add(slug)
            instance.slug = slug


class PersonResource(PortalResource):
    email = fields.Field("email", "Email", widget=EmailWidget())
    first_name = fields.Field("first_name", "Prénom")
    last_name = fields.Field("last_name", "Nom")
    function = fields.Field("function", "Fonction")
    territory = fields.Field("territory", "SIREN du territoire", widget=TerritoryBySirenWidget(Territory))
    role = fields.Field("role", "Rôle", widget=ChoiceWidget(Role.choices, "Rôle", allow_blank_as=Role.MEMBRE))

    duplicate_column = "email"
    duplicate_message = "Cette adresse figure déjà à la ligne {line} : une personne par adresse."

    class Meta:
        model = ImportedPerson
        fields = ("email", "first_name", "last_name", "function", "territory", "role")
        import_id_fields = ("email",)
        instance_loader_class = CachedInstanceLoader
        # Every row is checked first, then written in batches (no savepoint a row): 3,000 people in
        # seconds. A person has no many-to-many field and no after-save step that bulk writes skip.
        use_bulk = True
        batch_size = 500
        skip_unchanged = True
        report_skipped = True
        skip_html_diff = True
        use_transactions = True

    def row_key(self, row):
        return text(row.get("Email")).lower()

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # A fresh reader per import: territories imported a moment ago are found.
        self.fields["territory"].widget = TerritoryBySirenWidget(Territory)

    def get_queryset(self):
        return ImportedPerson.objects.select_related("territory")

    def get_bulk_update_fields(self):
        return [*super().get_bulk_update_fields(), "updated_at"]

    def before_save_instance(self, instance, row, **kwargs):
        if instance.pk is not None:
            instance.updated_at = timezone.now()  # bulk_update does not apply auto_now


# --- Past adhésions ----------------------------------------------------------------------------------

# The statuses a past adhésion is imported with: called (maybe still unpaid) or paid. A validated one
# would be called by the portal later, and take a number of today's series in a past year.
IMPORTED_STATUSES = [
    (Adhesion.Status.APPEL_EMIS.value, Adhesion.Status.APPEL_EMIS.label),
    (Adhesion.Status.PAYEE.value, Adhesion.Status.PAYEE.label),
]
PAYMENT_ENTRY = re.compile(r"^(\S+)(?:\s+(.+))?$")


class PastCampaignWidget(FrenchIntegerWidget):
    """The campaign of a past year, among those the import found or created once for its file
    (``AdhesionResource.before_import``): cleaning a cell reads and writes nothing."""

    def __init__(self, campaigns: dict | None = None):
        super().__init__()
        self.campaigns = {} if campaigns is None else campaigns

    @staticmethod
    def past_year(value) -> int:
        year = FrenchIntegerWidget().clean(value)
        if year is None:
            raise ValueError("Indiquez l'année de l'adhésion.")
        this_year = timezone.localdate().year
        if not 2000 <= year < this_year:
            raise ValueError(
                f"Seules les adhésions des années passées s'importent (de 2000 à {this_year - 1})."
            )
        return year

    def clean(self, value, row=None, **kwargs):
        return self.campaigns[self.past_year(value)]

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value.year)


class AdhesionLoader(BaseInstanceLoader):
    """An adhésion is found by its territory's SIREN and its year (cancelled ones aside)."""

    def __init__(self, resource, dataset=None):
        super().__init__(resource, dataset)
        sirens = {siren_text(row.get("SIREN du territoire")) for row in (dataset.dict if dataset else [])}
        self.found = {
            (adhesion.territory.siren, adhesion.campaign.year): adhesion
            for adhesion in Adhesion.objects.active()
            .filter(territory__siren__in=sirens)
            .select_related("territory", "campaign")
            .prefetch_related(appels_prefetch())
        }

    def get_instance(self, row):
        try:
            year = int(text(row.get("Année")))
        except ValueError:
            return None
        return self.found.get((siren_text(row.get("SIREN du territoire")), year))


class AdhesionResource(PortalResource):
    territory = fields.Field("territory", "SIREN du territoire", widget=TerritoryBySirenWidget(Territory))
    campaign = fields.Field("campaign", "Année", widget=PastCampaignWidget())
    amount = fields.Field("amount", "Montant", widget=FrenchDecimalWidget())
    status = fields.Field("status", "Statut", widget=ChoiceWidget(IMPORTED_STATUSES, "Statut"))
    call_issued_at = fields.Field("call_issued_at", "Date de l'appel", widget=FrenchDateTimeWidget())
    call_number = fields.Field("call_number", "Numéro d'appel")
    payments = fields.Field(None, "Paiements")
    payment_method = fields.Field(None, "Mode de paiement")

    duplicate_column = "campaign"
    duplicate_message = "Ce territoire a déjà une adhésion pour cette année à la ligne {line}."

    class Meta:
        model = Adhesion
        fields = (
            "territory",
            "campaign",
            "amount",
            "status",
            "call_issued_at",
            "call_number",
            "payments",
            "payment_method",
        )
        import_id_fields = ("territory", "campaign")
        instance_loader_class = AdhesionLoader
        skip_unchanged = True
        report_skipped = True
        skip_html_diff = True
        use_transactions = True

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.fields["territory"].widget = TerritoryBySirenWidget(Territory)
        self.campaigns: dict = {}
        self.fields["campaign"].widget = PastCampaignWidget(self.campaigns)
        self.method_widget = ChoiceWidget(PaymentMethod.choices, "Mode de paiement")

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        years = set()
        for values in dataset.dict:
            try:
                years.add(PastCampaignWidget.past_year(values.get("Année")))
            except ValueError:
                continue  # the row's own error, at its cell
        self.campaigns.update(adhesion_campaigns_of_past_years(years=years))

    def row_key(self, row):
        siren, year = siren_text(row.get("SIREN du territoire")), text(row.get("Année"))
        return (siren, year) if siren and year else None

    def get_queryset(self):
        return (
            Adhesion.objects.active()
            .select_related("territory", "campaign")
            .prefetch_related(appels_prefetch())
        )

    def get_export_queryset(self):
        return self.get_queryset().filter(
            status__in=[code for code, _ in IMPORTED_STATUSES], campaign__year__lt=timezone.localdate().year
        )

    @staticmethod
    def _appel_payments(adhesion) -> list:
        """The payments of the adhésion's appel, in billing's ledger (loaded by appels_prefetch)."""
        if adhesion.pk is None:
            return []
        appels = adhesion.appels if hasattr(adhesion, "appels") else []
        return list(appels[0].payments.all()) if appels else []

    # Payments: « JJ/MM/AAAA montant » separated by « ; » (a lone date: the whole cotisation).
    def dehydrate_payments(self, adhesion):
        return " ; ".join(
            f"{render_date(p.paid_on)} {render_amount(p.amount)}" for p in self._appel_payments(adhesion)
        )

    def dehydrate_payment_method(self, adhesion):
        first = next(iter(self._appel_payments(adhesion)), None)
        return "" if first is None else self.method_widget.render(first.method)

    def _payments_of(self, row, amount):
        entries = [entry.strip() for entry in text(row.get("Paiements")).split(";") if entry.strip()]
        payments = []
        for entry in entries:
            match = PAYMENT_ENTRY.match(entry)
            paid_on = parse_date(match.group(1))
            if paid_on > timezone.localdate():
                raise ValueError(f"Paiement daté du futur : « {entry} ».")
            paid = parse_amount(match.group(2)) if match.group(2) else None
            if paid is None:
                if len(entries) > 1 or amount is None:
                    raise ValueError(
                        f"Indiquez le montant du paiement : « {entry} » (ex. 15/03/2019 1 200,00)."
                    )
                paid = amount
            if paid <= 0:
                raise ValueError(f"Le montant d'un paiement doit être positif : « {entry} ».")
            payments.append((paid_on, paid))
        return payments

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        instance.imported_payments = []
        try:
            payments = self._payments_of(row, instance.amount)
        except ValueError as error:
            errors["payments"] = [str(error)]
        else:
            method = ""
            if payments:
                try:
                    method = self.method_widget.clean(row.get("Mode de paiement"))
                except ValueError as error:
                    errors["payment_method"] = [str(error)]
            instance.imported_payments = [(paid_on, paid, method) for paid_on, paid in payments]
        if instance.amount is None and "amount" not in errors:
            errors["amount"] = ["Indiquez le montant de la cotisation."]
        if errors:
            raise ValidationError(errors)

    def check_instance(self, instance, errors):
        # Checked only for a row that changes something: an export of the portal's own adhésions
        # re-imports unchanged.
        if instance.pk is not None and not instance.imported:
            errors.setdefault(NON_FIELD_ERRORS, []).append(
                "Cette adhésion a été faite dans le portail : l'import ne la modifie pas "
                "(modifiez-la dans l'administration)."
            )
        else:
            # Its appel enters billing's ledger under the number and on the date it was issued with.
            if not instance.call_number:
                errors.setdefault("call_number", []).append(
                    "Indiquez le numéro de l'appel tel qu'il a été émis : l'appel entre au registre "
                    "de facturation sous ce numéro."
                )
            else:
                self._check_number(instance, errors)
            if instance.call_issued_at is None:
                errors.setdefault("call_issued_at", []).append(
                    "Indiquez la date de l'appel : elle date l'appel au registre de facturation."
                )

    def before_save_instance(self, instance, row, **kwargs):
        if instance.pk is None:
            instance.imported = True

    def _check_number(self, instance, errors):
        """A number is kept as it was issued, outside the portal's series: refused if the portal numbers
        that year in the same form or another document bears it (billing's check), or if another
        adhésion bears it."""
        try:
            kept_number_check(number=instance.call_number, adhesion=instance)
        except KeptNumberRefused as error:
            errors["call_number"] = [str(error)]
            return
        taken = Adhesion.objects.filter(call_number=instance.call_number).exclude(pk=instance.pk).first()
        if taken is not None:
            errors["call_number"] = [f"Numéro déjà porté par l'adhésion {taken}."]

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if not super().skip_row(instance, original, row, import_validation_errors):
            return False
        return self._stored_payments(original) == sorted(instance.imported_payments)

    def _stored_payments(self, adhesion):
        return sorted((p.paid_on, p.amount, p.method) for p in self._appel_payments(adhesion))

    def after_save_instance(self, instance, row, **kwargs):
        """The appel in billing's ledger, under its kept number, with the payments of the row; the
        status read must agree with the appel's balance (billing.selectors): payée when nothing
        remains due, appel émis while something does."""
        try:
            appel = appel_record_kept(
                adhesion=instance,
                number=instance.call_number,
                issued_at=instance.call_issued_at,
                payments=instance.imported_payments,
                by=self.user,
                **appel_content(instance, detail=instance.amount_basis),
            )
        except KeptNumberRefused as error:
            raise ValidationError({"call_number": [str(error)]}) from error
        except BillingError as error:  # a payment above the balance, a document issued in the portal
            raise ValidationError({"payments": [str(error)]}) from error
        balance = document_balance(appel)
        if instance.status == Adhesion.Status.PAYEE and balance != 0:
            raise ValidationError(
                {
                    "payments": [
                        f"Une adhésion payée ne doit plus rien : il reste {format_euros(balance)} à payer "
                        "sur son appel. Indiquez chaque paiement (une date seule vaut la cotisation entière)."
                    ]
                }
            )
        if instance.status == Adhesion.Status.APPEL_EMIS and balance <= 0:
            raise ValidationError(
                {"status": ["Les paiements couvrent la cotisation : le statut est « Payée »."]}
            )


RESOURCES = {
    "territoires": TerritoryResource,
    "personnes": PersonResource,
    "adhesions": AdhesionResource,
}

# One example row per template, visibly fictional.
EXAMPLES = {
    "territoires": {
        "SIREN": "200000016",
        "Nom": "PETR exemple du Val Fictif",
        "Nature juridique": "PETR",
        "Région": "Nouvelle-Aquitaine",
        "Départements": "16, 17",
        "Population": "37533",
        "Année de la population": "2021",
        "Nombre de communes": "80",
        "Site internet": "https://val-fictif.example",
        "Adresse": "1 place de l'Exemple",
        "Code postal": "16700",
        "Commune": "Ville-Fictive",
    },
    "personnes": {
        "Email": "direction@val-fictif.example",
        "Prénom": "Camille",
        "Nom": "Exemple",
        "Fonction": "Directrice (exemple fictif)",
        "SIREN du territoire": "200000016",
        "Rôle": "Référent",
    },
    "adhesions": {
        "SIREN du territoire": "200000016",
        "Année": "2019",
        "Montant": "1200,00",
        "Statut": "Payée",
        "Date de l'appel": "15/02/2019",
        "Numéro d'appel": "A2019-017",
        "Paiements": "15/03/2019 1200,00",
        "Mode de paiement": "Mandat administratif",
    },
}


def columns_of(kind: str) -> list[str]:
    resource = RESOURCES[kind]()
    return [field.column_name for field in resource.get_export_fields()]
