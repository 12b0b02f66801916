"""Issuing documents (appels, event invoices, credit notes), recording payments and Chorus Pro deposits.

Every number is taken from a sequence row locked in the transaction that issues the document, after
the last check that could refuse it and together with the stored PDF: a refusal or a failure rolls
the number back, so each series is gapless and a number is never used twice.
"""

import logging
import re
from datetime import date, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from anpp_portal import formats, pagecache
from anpp_portal.errors import Refused
from anpp_portal.staffpolicy import acts_as_staff

from . import registry
from .models import BillingIdentity, Invoice, InvoicePayment, InvoiceSequence

logger = logging.getLogger(__name__)

CENT = Decimal("0.01")
PARIS = ZoneInfo("Europe/Paris")
# kind: (the sequence's series, the number's prefix). Appels keep the numbers they always had.
SERIES = {Invoice.Kind.APPEL: ("A", ""), Invoice.Kind.FACTURE: ("F", "F"), Invoice.Kind.AVOIR: ("AV", "AV")}


class BillingError(Refused):
    """Billing refuses; the message, in French, is shown to the person who asked."""


class BillingIdentityIncomplete(BillingError):
    def __init__(self, missing: list[str]):
        self.missing = missing
        super().__init__(
            "Émission refusée, aucun numéro attribué : complétez l'identité de facturation de l'ANPP "
            f"(Administration › Facturation) — {', '.join(missing)} manquant."
        )


class NothingToInvoice(BillingError):
    pass


class DocumentUnbuildable(BillingError):
    def __init__(self, detail: str):
        super().__init__(
            "Émission refusée, aucun numéro attribué : le document Factur-X ne peut pas être construit "
            f"({detail}). Corrigez le texte en cause (nom, adresse, libellé) puis recommencez."
        )


class AlreadyInvoiced(BillingError):
    pass


class PaymentRefused(BillingError):
    pass


class CreditNoteTooLarge(BillingError):
    pass


class KeptNumberRefused(BillingError):
    """A number kept from before the portal would enter one of its series, or is already a document's."""


def _require_staff(by) -> None:
    if not acts_as_staff(by, "billing.change_invoice"):
        raise BillingError("Réservé à l'équipe de l'ANPP.")


# --- ANPP's billing identity ----------------------------------------------------------------------


def billing_identity_get() -> BillingIdentity:
    """The one identity row, created from settings.ANPP_BILLING_INITIAL the first time."""
    identity = BillingIdentity.objects.filter(pk=1).first()
    if identity is None:
        identity, _ = BillingIdentity.objects.get_or_create(
            pk=1, defaults=dict(settings.ANPP_BILLING_INITIAL)
        )
    return identity


def billing_identity_require() -> BillingIdentity:
    """The identity, or BillingIdentityIncomplete naming what is missing. Call before taking a number."""
    identity = billing_identity_get()
    missing = identity.missing_fields()
    if missing:
        raise BillingIdentityIncomplete(missing)
    return identity


# --- Numbers and storage ------------------------------------------------------------------------


def number_year(issued_at) -> int:
    """The year of a document's series: its issue date's on Paris time, whatever the server's zone
    (issued on 31 December at 23:30 UTC, it is already 1 January in Paris: the next year's series)."""
    return issued_at.astimezone(PARIS).year


def _next_number(kind: str, issued_at) -> str:
    """The next number of ``kind``'s series in the Paris year of ``issued_at``; the sequence row stays
    locked until the caller's transaction ends, so numbers are gapless and never used twice."""
    series, prefix = SERIES[kind]
    year = number_year(issued_at)
    InvoiceSequence.objects.get_or_create(series=series, year=year)
    sequence = InvoiceSequence.objects.select_for_update().get(series=series, year=year)
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return f"{prefix}{year}-{sequence.last_number:04d}"


def _check_buildable(invoice: Invoice, identity: BillingIdentity) -> None:
    """Build and validate the Factur-X XML of a numbered document in the transaction that takes its
    number: a document that cannot be built (a control character stored in a name, a value the XSD
    refuses) is refused and its number rolled back, instead of numbered and never renderable."""
    from .einvoice import invoice_xml

    try:
        invoice_xml(invoice, identity)
    except Exception as exc:  # lxml's ValueError, factur-x's bare Exception for the XSD
        raise DocumentUnbuildable(str(exc)[:200]) from exc


def _record(invoice: Invoice, identity: BillingIdentity) -> None:
    """Save a numbered invoice or credit note without its PDF: no PDF is rendered while the series'
    number (and, for an event invoice, the event) is locked. A worker renders it after the commit;
    the document view renders it at once if someone asks before the worker is done. Its XML is
    built here, so that a document that cannot be built takes no number."""
    from .tasks import render_invoice_pdf

    _check_buildable(invoice, identity)
    invoice.save()
    transaction.on_commit(lambda: render_invoice_pdf.delay(invoice.pk), robust=True)


def document_line(label: str, amount: Decimal, **extra) -> dict:
    """One line of a document (quantity 1), as billing stores it; ``extra`` keys are kept with it."""
    return {"label": label, "quantity": 1, "unit_price": str(amount), "amount": str(amount), **extra}


def _euros(value) -> str:
    return formats.format_euros(value)


# --- Appels de cotisation -----------------------------------------------------------------------


def appel_issue(
    *, adhesion, year: int, issued_at, due_on, territory, lines: list[dict], total: Decimal, buyer: dict, by
) -> Invoice:
    """The Factur-X document of an adhésion's appel, numbered in the appels' series of the Paris year
    of ``issued_at`` and recorded in the caller's transaction (members.services.call_issue, which
    holds the adhésion's lock, gives the appel's lines and buyer and copies its number onto the
    adhésion) without its PDF: no PDF is rendered while the year's number is locked. A worker
    renders it after the commit (invoice_pdf_render, from members.services.adhesion_documents_render)."""
    identity = billing_identity_require()
    invoice = Invoice(
        kind=Invoice.Kind.APPEL,
        number=_next_number(Invoice.Kind.APPEL, issued_at),
        issued_at=issued_at,
        due_on=due_on,
        territory=territory,
        adhesion=adhesion,
        subject=f"Cotisation {year} à l'{identity.legal_name}",
        lines=lines,
        total=total,
        created_by=by,
        **buyer,
    )
    _check_buildable(invoice, identity)  # in call_issue's transaction: a refusal returns the number
    invoice.save()
    return invoice


# Appels issued before the portal (imported from the ANPP's spreadsheets) keep their numbers.
SERIES_WORDS = {"A": "appels", "F": "factures", "AV": "avoirs"}


def kept_number_check(*, number: str, adhesion=None) -> None:
    """Refuse (KeptNumberRefused) a number kept as it was issued outside the portal when it has the
    form of one of the portal's series in a year that series numbers (or may still number: this Paris
    year or a later one), or when another document bears it. Reads the sequences, never moves them."""
    this_year = number_year(timezone.now())
    for series, prefix in SERIES.values():
        match = re.fullmatch(rf"{prefix}(\d{{4}})-\d{{4,}}", number)
        if match is None:
            continue
        year = int(match.group(1))
        if year >= this_year or InvoiceSequence.objects.filter(series=series, year=year).exists():
            raise KeptNumberRefused(
                f"Le portail numérote déjà les {SERIES_WORDS[series]} de {year} sous cette forme : "
                "un numéro importé ne peut pas entrer dans sa série."
            )
    taken = Invoice.objects.filter(number=number)
    if adhesion is not None and adhesion.pk is not None:
        taken = taken.exclude(kind=Invoice.Kind.APPEL, adhesion=adhesion)
    document = taken.first()
    if document is not None:
        raise KeptNumberRefused(f"Numéro déjà porté par le document {document}.")


def appel_record_kept(
    *,
    adhesion,
    number: str,
    issued_at,
    year: int,
    due_on,
    territory,
    lines: list[dict],
    total: Decimal,
    buyer: dict,
    payments: list[tuple[date, Decimal, str]],
    by,
) -> Invoice:
    """The appel of an adhésion called before the portal (a past year imported from the ANPP's
    spreadsheets, members/imports/), recorded as it was sent: under its own number, kept as it was
    (no number is taken, no sequence moves: kept_number_check refuses one of the portal's series), with
    no PDF rendered and no Factur-X XML built (the portal did not issue it and issues no second copy),
    and ``payments`` (paid_on, amount, method) as its payments, each refused above the balance. The
    adhésion's importer gives what the document holds (year, due date, territory, lines, buyer).

    Called again when a re-import changes the row: the document follows the spreadsheet (number, date,
    amount) and its payments are replaced; nothing else ever writes such a document. Returns it."""
    kept_number_check(number=number, adhesion=adhesion)
    fields = {
        "number": number,
        "issued_at": issued_at,
        "due_on": due_on,
        "territory": territory,
        "subject": f"Cotisation {year}",
        "lines": lines,
        "total": total,
        **buyer,
    }
    with transaction.atomic():
        appel = Invoice.objects.select_for_update().filter(adhesion=adhesion, kind=Invoice.Kind.APPEL).first()
        if appel is None:
            appel = Invoice(kind=Invoice.Kind.APPEL, adhesion=adhesion, created_by=by, **fields)
        else:
            if appel.pdf or appel.credit_notes.exists():
                raise BillingError(
                    f"{appel} a été émis ou corrigé dans le portail : l'import ne le modifie pas."
                )
            appel.payments.all().delete()
            for name, value in fields.items():
                setattr(appel, name, value)
        appel.full_clean(validate_unique=False, validate_constraints=False)
        appel.save()
        for paid_on, amount, method in sorted(payments):
            payment_add(invoice=appel, paid_on=paid_on, amount=amount, method=method, reference="", by=by)
    return appel


class NoDocumentIssuedHere(BillingError):
    """An appel kept from before the portal has no PDF, and the portal renders none for it."""


def invoice_pdf_render(*, invoice_id: int) -> bytes:
    """The PDF of a document recorded without one, rendered and stored now (outside any lock); safe
    to run twice: the first stored PDF wins and is the one returned. An appel kept from before the
    portal (appel_record_kept) was sent outside it: NoDocumentIssuedHere, no second copy is made."""
    from .pdf import invoice_pdf

    invoice = Invoice.objects.select_related("adhesion").get(pk=invoice_id)
    if not invoice.pdf and invoice.issued_outside_portal:
        raise NoDocumentIssuedHere(f"{invoice} a été émis hors du portail : il n'en a pas le PDF.")
    if not invoice.pdf:
        content = invoice_pdf(invoice, billing_identity_get())
        storage = invoice.pdf.storage
        name = storage.save(
            invoice.pdf.field.generate_filename(invoice, invoice.filename), ContentFile(content)
        )
        if Invoice.objects.filter(pk=invoice.pk, pdf="").update(pdf=name):
            pagecache.invalidate("territories")  # update() sends no post_save: the year lists invoices
            return content
        storage.delete(name)  # another worker stored it first
        invoice.refresh_from_db()
    with invoice.pdf.open("rb") as handle:
        return handle.read()


def appel_credit(*, adhesion, year: int, reason: str, by) -> Invoice | None:
    """The credit note cancelling an adhésion's appel of ``year`` (called from
    members.services.adhesion_cancel, under the adhésion's lock). Appels issued before Factur-X have
    no document to correct: None."""
    appel = Invoice.objects.filter(kind=Invoice.Kind.APPEL, adhesion=adhesion).first()
    if appel is None:
        return None
    remaining = appel.total - _credited(appel)
    if remaining <= 0:
        return None
    return credit_note_issue(
        invoice=appel,
        lines=[document_line(f"Annulation de l'appel de cotisation {year} n° {appel.number}", remaining)],
        reason=reason,
        by=by,
    )


def appel_amount_correct(*, invoice: Invoice, amount: Decimal, reason: str, by) -> Invoice:
    """Correct the amount of an unpaid appel: a credit note cancels it and a new appel, for the
    corrected amount, is issued (members.services.adhesion_amount_correct, which owns the adhésion).
    Returns the new appel."""
    _require_staff(by)
    if invoice.kind != Invoice.Kind.APPEL or invoice.adhesion_id is None:
        raise BillingError("Seul le montant d'un appel de cotisation peut être corrigé ainsi.")
    return registry.hook("appel_amount_correct")(invoice=invoice, amount=amount, reason=reason, by=by)


# --- Event invoices -----------------------------------------------------------------------------


def event_invoice_issue(*, registration, by, today: date | None = None) -> Invoice:
    """The invoice of one registration: a line per confirmed participant with a price above zero.

    events gives, through billing's registry, the registration read again under its event's lock
    (no participant of the event changes while the invoice is made) and the invoice's content."""
    today = today or timezone.localdate()
    with transaction.atomic():
        registration = registry.hook("registration_lock")(registration=registration)
        existing = Invoice.objects.filter(kind=Invoice.Kind.FACTURE, registration=registration).first()
        if existing is not None:
            raise AlreadyInvoiced(f"Cette inscription a déjà sa facture, n° {existing.number}.")
        content = registry.hook("registration_invoice_content")(registration=registration)
        identity = billing_identity_require()
        now = timezone.now()
        invoice = Invoice(
            kind=Invoice.Kind.FACTURE,
            number=_next_number(Invoice.Kind.FACTURE, now),
            issued_at=now,
            due_on=today + timedelta(days=identity.payment_delay_days),
            territory=registration.territory,
            registration=registration,
            created_by=by,
            **content,
        )
        _record(invoice, identity)
    return invoice


def event_invoices_issue(*, event, by) -> list[Invoice]:
    """One invoice for each registration of ``event`` that has something to invoice and no invoice yet."""
    pending = (
        registry.hook("registrations_to_invoice")(event=event)
        .exclude(invoices__kind=Invoice.Kind.FACTURE)
        .distinct()
        .order_by("created_at", "pk")
    )
    issued = []
    for registration in pending:
        try:
            issued.append(event_invoice_issue(registration=registration, by=by))
        except (AlreadyInvoiced, NothingToInvoice):
            continue  # changed since the list was read
        except DocumentUnbuildable as exc:
            # The others are issued; this one waits, unnumbered, until its text is corrected.
            logger.warning("Invoice of registration %s not issued: %s", registration.pk, exc)
    return issued


def event_invoices_issue_due(*, today: date | None = None) -> int:
    """Issue the invoices of the events whose invoicing date has come (beat, hourly)."""
    today = today or timezone.localdate()
    count = 0
    for event in registry.hook("events_to_invoice")(today=today):
        count += len(event_invoices_issue(event=event, by=None))
    return count


def participant_credit(*, participant, by) -> Invoice | None:
    """The credit note for a cancelled participant already on an invoice (from events.participant_cancel)."""
    invoice = Invoice.objects.filter(
        kind=Invoice.Kind.FACTURE, registration_id=participant.registration_id
    ).first()
    if invoice is None:
        return None
    line = next((line for line in invoice.lines if line.get("participant") == participant.pk), None)
    if line is None:
        return None
    for note in invoice.credit_notes.all():
        if any(credited.get("participant") == participant.pk for credited in note.lines):
            return None
    return credit_note_issue(
        invoice=invoice,
        lines=[
            document_line(
                f"Annulation de la participation de {participant.full_name}",
                Decimal(line["amount"]),
                participant=participant.pk,
            )
        ],
        reason="Participation annulée",
        by=by,
    )


# --- Credit notes -------------------------------------------------------------------------------


def _credited(invoice: Invoice) -> Decimal:
    return sum((note.total for note in invoice.credit_notes.all()), Decimal("0"))


def credit_note_issue(*, invoice: Invoice, lines: list[dict], reason: str, by) -> Invoice:
    """A credit note (avoir, type 381) correcting ``invoice``, for ``lines``."""
    if invoice.kind == Invoice.Kind.AVOIR:
        raise BillingError("Un avoir ne se corrige pas par un autre avoir.")
    total = sum((Decimal(line["amount"]) for line in lines), Decimal("0"))
    with transaction.atomic():
        invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if total <= 0:
            raise BillingError("Un avoir porte sur un montant positif.")
        remaining = invoice.total - _credited(invoice)
        if total > remaining:
            # What remains of the document is what earlier credit notes left of it: a paid document
            # may still be corrected (its balance then turns negative: a refund due).
            raise CreditNoteTooLarge(
                f"Avoir refusé : {_euros(total)} dépasse ce qui reste de {invoice} à corriger "
                f"({_euros(remaining)})."
            )
        identity = billing_identity_require()  # no document is numbered while the identity lacks a field
        now = timezone.now()
        note = Invoice(
            kind=Invoice.Kind.AVOIR,
            number=_next_number(Invoice.Kind.AVOIR, now),
            issued_at=now,
            territory=invoice.territory,
            adhesion=invoice.adhesion,
            registration=invoice.registration,
            corrects=invoice,
            buyer_name=invoice.buyer_name,
            buyer_siret=invoice.buyer_siret,
            buyer_service_code=invoice.buyer_service_code,
            buyer_engagement=invoice.buyer_engagement,
            buyer_address=invoice.buyer_address,
            buyer_email=invoice.buyer_email,
            subject=f"Avoir sur {'l’appel' if invoice.kind == Invoice.Kind.APPEL else 'la facture'} n° {invoice.number}",
            lines=lines,
            total=total,
            reason=reason,
            created_by=by,
        )
        _record(note, identity)
    return note


# --- Payments and Chorus Pro --------------------------------------------------------------------


def _check_payment(*, paid_on: date, amount: Decimal, today: date | None = None) -> None:
    today = today or timezone.localdate()
    if paid_on > today:
        raise PaymentRefused("La date du paiement ne peut pas être dans le futur.")
    if amount is None or amount <= 0 or amount != amount.quantize(CENT):
        raise PaymentRefused("Le montant doit être positif, avec au plus deux décimales.")


def payment_add(
    *, invoice: Invoice, paid_on: date, amount: Decimal, method: str, reference: str, by, today=None
) -> InvoicePayment:
    """Record a payment of ``invoice`` in the caller's transaction, under the document's lock: a
    payment above what remains due is refused, naming that balance (staff record a refund outside
    the portal; nothing is ever owed to a territory by the ledger). Returns the payment.

    For an appel, call invoice_payment_record (members' payment_record, through the registry)
    instead: it holds the adhésion's lock and
    marks the adhésion payée when the balance reaches zero."""
    from .selectors import document_balance

    _check_payment(paid_on=paid_on, amount=amount, today=today)
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if invoice.kind == Invoice.Kind.AVOIR:
        raise PaymentRefused("Un avoir ne se paie pas : il vient en déduction du document qu'il corrige.")
    balance = document_balance(invoice)
    if amount > balance:
        raise PaymentRefused(
            f"Paiement refusé : {_euros(amount)} dépasse le solde restant dû de {invoice} "
            f"({_euros(balance)})."
        )
    payment = InvoicePayment(
        invoice=invoice, paid_on=paid_on, amount=amount, method=method, reference=reference, recorded_by=by
    )
    payment.full_clean()
    payment.save()
    return payment


def invoice_payment_record(
    *, invoice: Invoice, paid_on: date, amount: Decimal, method: str, reference: str, by, today=None
) -> InvoicePayment:
    """A payment, full or partial, of an appel or an event invoice. Returns the payment recorded."""
    _require_staff(by)
    _check_payment(paid_on=paid_on, amount=amount, today=today)
    if invoice.kind == Invoice.Kind.APPEL:
        # members takes the adhésion's lock first, then the document's (the order of adhesion_cancel's
        # credit note): it becomes payée, with its attestation, once the balance reaches zero.
        return registry.hook("appel_payment_record")(
            invoice=invoice,
            paid_on=paid_on,
            amount=amount,
            method=method,
            reference=reference,
            by=by,
        )
    with transaction.atomic():
        return payment_add(
            invoice=invoice,
            paid_on=paid_on,
            amount=amount,
            method=method,
            reference=reference,
            by=by,
            today=today,
        )


def chorus_deposit_record(*, invoice: Invoice, deposited_on: date, number: str, by, today=None) -> Invoice:
    """Staff record that they deposited the document on Chorus Pro, on that day, under that number."""
    _require_staff(by)
    today = today or timezone.localdate()
    number = (number or "").strip()
    if not number:
        raise BillingError("Indiquez le numéro de dépôt donné par Chorus Pro.")
    if deposited_on > today:
        raise BillingError("La date du dépôt ne peut pas être dans le futur.")
    if deposited_on < timezone.localdate(invoice.issued_at):
        raise BillingError("La date du dépôt ne peut pas précéder l'émission du document.")
    with transaction.atomic():
        invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
        invoice.chorus_deposited_on = deposited_on
        invoice.chorus_number = number
        invoice.save(update_fields=["chorus_deposited_on", "chorus_number"])
    return invoice
