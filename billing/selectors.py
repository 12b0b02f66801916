"""Reads of documents with their balances, in a constant number of queries."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Case, DecimalField, F, OuterRef, Prefetch, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from anpp_portal.staffpolicy import acts_as_staff

from . import registry
from .models import Invoice, InvoicePayment

PARIS = ZoneInfo(
    "Europe/Paris"
)  # a year of the ledger is a Paris year, as its numbers' (services.number_year)
AMOUNT = DecimalField(max_digits=12, decimal_places=2)
ZERO = Value(Decimal("0"), output_field=AMOUNT)
AGE_BUCKETS = [
    (0, 30, "0–30 jours"),
    (31, 60, "31–60 jours"),
    (61, 90, "61–90 jours"),
    (91, None, "plus de 90 jours"),
]


def _sum(queryset, group: str):
    return Subquery(
        queryset.values(group).annotate(total=Sum("amount")).values("total")[:1], output_field=AMOUNT
    )


def with_balance(queryset):
    """Annotate ``paid``, ``credited`` and ``balance``: the one definition of a document's balance.

    balance = total − payments − credit notes referring to it (0 for a credit note itself, which is
    never paid: it reduces the document it corrects). Negative only when a paid document was then
    corrected: a refund due."""
    paid = _sum(InvoicePayment.objects.filter(invoice=OuterRef("pk")), "invoice")
    credited = Subquery(
        Invoice.objects.filter(corrects=OuterRef("pk"))
        .values("corrects")
        .annotate(total_credited=Sum("total"))
        .values("total_credited")[:1],
        output_field=AMOUNT,
    )
    return queryset.annotate(
        paid=Case(
            When(kind=Invoice.Kind.AVOIR, then=ZERO),
            default=Coalesce(paid, ZERO),
            output_field=AMOUNT,
        ),
        credited=Coalesce(credited, ZERO),
    ).annotate(
        balance=Case(
            When(kind=Invoice.Kind.AVOIR, then=ZERO),
            default=F("total") - F("paid") - F("credited"),
            output_field=AMOUNT,
        )
    )


def document_balance(invoice: Invoice) -> Decimal:
    """What remains due on one document (total − payments − credit notes)."""
    return with_balance(Invoice.objects.filter(pk=invoice.pk)).values_list("balance", flat=True).get()


def document_with_balance(invoice: Invoice) -> Invoice:
    """The document read again with ``paid``, ``credited`` and ``balance``."""
    return with_balance(Invoice.objects.filter(pk=invoice.pk)).get()


invoice_balance = document_balance


def territory_balance(territory, *, year: int | None = None) -> Decimal:
    """What a territory owes: the sum of its documents' balances (of the Paris year ``year`` when
    given). A sum of the one per-document balance, never a second formula."""
    documents = with_balance(Invoice.objects.filter(territory=territory))
    if year is not None:
        start, end = _paris_year(year)
        documents = documents.filter(issued_at__gte=start, issued_at__lt=end)
    return sum(documents.values_list("balance", flat=True), Decimal("0"))


def _paris_year(year: int):
    from datetime import datetime

    return (datetime(year, 1, 1, tzinfo=PARIS), datetime(year + 1, 1, 1, tzinfo=PARIS))


def _visible_q(user) -> Q:
    """A person reads the documents of the territories they may view and, for a personal
    registration (no territory), those of the registrations they may read (members and events say
    which, through billing's registry)."""
    return Q(territory__in=registry.hook("territories_visible_to")(user=user)) | Q(
        territory__isnull=True, registration__in=registry.hook("registrations_visible_to")(user=user)
    )


def invoice_for(user, pk: int) -> Invoice:
    """The document ``pk`` if ``user`` may read it (staff, or a person of its territory); else 404."""
    if not (user and user.is_authenticated and user.is_active):
        raise Http404
    staff = acts_as_staff(user, "billing.view_invoice")
    queryset = Invoice.objects.all() if staff else Invoice.objects.filter(_visible_q(user))
    try:
        return queryset.select_related("territory").get(pk=pk)
    except Invoice.DoesNotExist:
        raise Http404 from None


def territory_invoices(territory) -> list[Invoice]:
    return list(
        with_balance(Invoice.objects.filter(territory=territory))
        .select_related("corrects", "adhesion")
        .order_by("-issued_at", "-pk")
    )


def registration_invoices(registration) -> list[Invoice]:
    return list(
        with_balance(Invoice.objects.filter(registration=registration))
        .select_related("corrects")
        .order_by("issued_at", "pk")
    )


def total_balance(invoices) -> Decimal:
    return sum((invoice.balance for invoice in invoices), Decimal("0"))


@dataclass
class AgeBucket:
    label: str
    invoices: list = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return total_balance(self.invoices)


def unpaid_invoices(*, not_deposited: bool = False, today: date | None = None) -> list[Invoice]:
    """Appels and invoices with something still due, oldest first, each with ``age`` in days since issue."""
    today = today or timezone.localdate()
    queryset = with_balance(Invoice.objects.receivables()).filter(balance__gt=0)
    if not_deposited:
        queryset = queryset.filter(chorus_deposited_on__isnull=True)
    invoices = list(queryset.select_related("territory").order_by("issued_at", "pk"))
    for invoice in invoices:
        invoice.age = (today - timezone.localdate(invoice.issued_at)).days
    return invoices


def unpaid_by_age(invoices: list[Invoice]) -> list[AgeBucket]:
    buckets = [AgeBucket(label) for _low, _high, label in AGE_BUCKETS]
    for invoice in invoices:
        for bucket, (_low, high, _label) in zip(buckets, AGE_BUCKETS, strict=True):
            if high is None or invoice.age <= high:
                bucket.invoices.append(invoice)
                break
    return buckets


def age_label(age: int) -> str:
    for _low, high, label in AGE_BUCKETS:
        if high is None or age <= high:
            return label
    return ""


UNPAID_EXPORT_HEADERS = [
    "Numéro",
    "Type",
    "Territoire (acheteur)",
    "SIRET de l'acheteur",
    "Émis le",
    "Échéance",
    "Ancienneté (jours)",
    "Tranche",
    "Montant",
    "Payé",
    "Avoirs",
    "Reste dû",
    "Déposé sur Chorus Pro le",
    "N° Chorus Pro",
]


def unpaid_export_rows(invoices):
    for invoice in invoices:
        yield [
            invoice.number,
            invoice.get_kind_display(),
            invoice.buyer_name,
            invoice.buyer_siret,
            timezone.localdate(invoice.issued_at),
            invoice.due_on,
            invoice.age,
            age_label(invoice.age),
            invoice.total,
            invoice.paid,
            invoice.credited,
            invoice.balance,
            invoice.chorus_deposited_on,
            invoice.chorus_number,
        ]


def invoice_payments(invoice: Invoice) -> list[InvoicePayment]:
    return list(invoice.payments.select_related("recorded_by").order_by("paid_on", "pk"))


def adhesion_appel(adhesion) -> Invoice | None:
    """The appel of an adhésion with its balance annotated and its payments loaded, or None before
    the appel is issued."""
    return (
        with_balance(Invoice.objects.filter(adhesion=adhesion, kind=Invoice.Kind.APPEL))
        .prefetch_related(Prefetch("payments", queryset=InvoicePayment.objects.order_by("paid_on", "pk")))
        .first()
    )


def appels_prefetch() -> Prefetch:
    """For a list of adhésions: ``adhesion.appels`` (0 or 1 appel, balance annotated, payments loaded)
    in two queries whatever the number of adhésions."""
    return Prefetch(
        "invoices",
        queryset=with_balance(Invoice.objects.filter(kind=Invoice.Kind.APPEL)).prefetch_related(
            Prefetch("payments", queryset=InvoicePayment.objects.order_by("paid_on", "pk"))
        ),
        to_attr="appels",
    )


def appel_payments_total(*, campaign_year: int) -> Decimal:
    """What the appels of one campaign year received (dashboards' "encaissé")."""
    return InvoicePayment.objects.filter(
        invoice__kind=Invoice.Kind.APPEL, invoice__adhesion__campaign__year=campaign_year
    ).aggregate(total=Coalesce(Sum("amount"), ZERO))["total"]


def appel_last_payment(adhesion) -> InvoicePayment:
    """The latest payment of an adhésion's appel (the one that settled it, for the "paid" email)."""
    return InvoicePayment.objects.filter(invoice__adhesion=adhesion, invoice__kind=Invoice.Kind.APPEL).latest(
        "pk"
    )


# --- The yearly ledger (grand livre), for the accountant ------------------------------------------

LEDGER_HEADERS = [
    "Territoire (acheteur)",
    "Écriture",
    "Date",
    "Numéro",
    "Document concerné",
    "Montant facturé",
    "Avoir",
    "Paiement",
    "Mode de paiement",
    "Référence",
    "Solde du document",
]


def _ledger_owner(document: Invoice) -> str:
    return document.territory.name if document.territory_id else document.buyer_name


def ledger_year(year: int) -> list[list]:
    """The ledger of the appels and event invoices issued in the Paris year ``year``: each document,
    then its credit notes and payments to date, then a subtotal per territory and a grand total, so
    that for each territory and in total: invoiced − credit notes − payments = the sum of the
    documents' balances (``with_balance``, the one definition). Three queries, whatever the year holds."""
    start, end = _paris_year(year)
    documents = list(
        with_balance(Invoice.objects.receivables().filter(issued_at__gte=start, issued_at__lt=end))
        .select_related("territory")
        .prefetch_related(
            Prefetch("credit_notes", queryset=Invoice.objects.order_by("issued_at", "pk")),
            Prefetch("payments", queryset=InvoicePayment.objects.order_by("paid_on", "pk")),
        )
    )
    documents.sort(key=lambda d: (_ledger_owner(d).casefold(), d.issued_at, d.pk))
    rows, grand = [], [Decimal("0")] * 4
    owner, subtotal = None, None

    def close(owner, subtotal):
        rows.append([owner, f"Total {owner}", None, None, None, *subtotal[:3], None, None, subtotal[3]])

    for document in documents:
        name = _ledger_owner(document)
        if name != owner:
            if owner is not None:
                close(owner, subtotal)
            owner, subtotal = name, [Decimal("0")] * 4
        rows.append(
            [
                name,
                document.get_kind_display(),
                timezone.localdate(document.issued_at),
                document.number,
                None,
                document.total,
                None,
                None,
                None,
                None,
                document.balance,
            ]
        )
        for note in document.credit_notes.all():
            rows.append(
                [
                    name,
                    note.get_kind_display(),
                    timezone.localdate(note.issued_at),
                    note.number,
                    document.number,
                    None,
                    note.total,
                    None,
                    None,
                    note.reason,
                    None,
                ]
            )
        for payment in document.payments.all():
            rows.append(
                [
                    name,
                    "Paiement",
                    payment.paid_on,
                    None,
                    document.number,
                    None,
                    None,
                    payment.amount,
                    payment.get_method_display(),
                    payment.reference,
                    None,
                ]
            )
        amounts = (document.total, document.credited, document.paid, document.balance)
        subtotal = [a + b for a, b in zip(subtotal, amounts, strict=True)]
        grand = [a + b for a, b in zip(grand, amounts, strict=True)]
    if owner is not None:
        close(owner, subtotal)
    rows.append([None, "Total général", None, None, None, *grand[:3], None, None, grand[3]])
    return rows


def ledger_years() -> list[int]:
    """The Paris years in which documents were issued, latest first (the ledger exports offered)."""
    from django.db.models.functions import ExtractYear

    return sorted(
        set(Invoice.objects.annotate(y=ExtractYear("issued_at", tzinfo=PARIS)).values_list("y", flat=True)),
        reverse=True,
    )
