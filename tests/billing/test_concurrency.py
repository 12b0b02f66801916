"""Appels, event invoices and credit notes issued from concurrent transactions on PostgreSQL: every
series stays gapless and unique, because each number is taken under a row lock."""

import threading
import time
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection
from django.utils import timezone

from billing import services
from billing.models import Invoice, InvoiceSequence
from members import services as member_services

from ..factories import StaffFactory, TerritoryFactory
from .conftest import priced_registration, validated_adhesion

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

EACH = 5


def _run_together(functions) -> list:
    barrier = threading.Barrier(len(functions))
    outcomes = []

    def run(function):
        try:
            barrier.wait()
            outcomes.append(function())
        except Exception as exc:  # collected and asserted on below
            outcomes.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(f,)) for f in functions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def _numbers(kind) -> list[str]:
    return sorted(Invoice.objects.filter(kind=kind).values_list("number", flat=True))


def test_appels_invoices_and_credit_notes_issued_at_once_get_gapless_unique_numbers():
    staff = StaffFactory()
    year = timezone.localdate().year
    adhesions = [validated_adhesion(TerritoryFactory()) for _ in range(EACH)]
    # Each registration at its own event, so that only the number sequences are shared.
    registrations = [priced_registration(TerritoryFactory()) for _ in range(EACH)]
    invoiced = [
        services.event_invoice_issue(registration=priced_registration(TerritoryFactory()), by=staff)
        for _ in range(EACH)
    ]
    work = [lambda a=a: member_services.call_issue(adhesion=a, by=staff) for a in adhesions]
    work += [lambda r=r: services.event_invoice_issue(registration=r, by=staff) for r in registrations]
    work += [
        lambda i=i: services.credit_note_issue(
            invoice=i,
            lines=[services.document_line("Geste commercial", Decimal("10"))],
            reason="Test",
            by=staff,
        )
        for i in invoiced
    ]
    outcomes = _run_together(work)
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert _numbers(Invoice.Kind.APPEL) == [f"{year}-{n:04d}" for n in range(1, EACH + 1)]
    assert _numbers(Invoice.Kind.FACTURE) == [f"F{year}-{n:04d}" for n in range(1, 2 * EACH + 1)]
    assert _numbers(Invoice.Kind.AVOIR) == [f"AV{year}-{n:04d}" for n in range(1, EACH + 1)]
    assert InvoiceSequence.objects.get(series="F").last_number == 2 * EACH


def test_without_the_lock_the_same_burst_does_not_number_uniquely(monkeypatch):
    """Negative control: the test above would catch numbers taken without locking the sequence."""

    def unlocked(kind, issued_at):
        series, prefix = services.SERIES[kind]
        year = services.number_year(issued_at)
        sequence, _ = InvoiceSequence.objects.get_or_create(series=series, year=year)
        number = sequence.last_number + 1
        time.sleep(0.05)  # the window a loaded server leaves between reading and writing
        InvoiceSequence.objects.filter(pk=sequence.pk).update(last_number=number)
        return f"{prefix}{year}-{number:04d}"

    monkeypatch.setattr(services, "_next_number", unlocked)
    staff = StaffFactory()
    InvoiceSequence.objects.create(series="F", year=timezone.localdate().year)
    registrations = [priced_registration(TerritoryFactory()) for _ in range(EACH)]
    outcomes = _run_together(
        [lambda r=r: services.event_invoice_issue(registration=r, by=staff) for r in registrations]
    )
    failures = [o for o in outcomes if isinstance(o, Exception)]
    numbers = _numbers(Invoice.Kind.FACTURE)
    assert failures or len(set(numbers)) < EACH, (outcomes, numbers)
    assert all(isinstance(failure, IntegrityError) for failure in failures), failures  # a number taken twice


def test_payments_recorded_at_once_never_exceed_the_balance_together():
    """Four staff record 1 000 € each on an appel of 1 877 € at the same moment: one payment of
    1 000 € is kept, the others are refused naming the balance; the adhésion stays unpaid."""
    from billing.selectors import document_balance
    from members.models import Adhesion

    staff = StaffFactory()
    adhesion = member_services.call_issue(adhesion=validated_adhesion(TerritoryFactory()), by=staff)
    appel = adhesion.invoices.get()

    def pay(reference):
        return services.invoice_payment_record(
            invoice=appel,
            paid_on=timezone.localdate(),
            amount=Decimal("1000"),
            method="virement",
            reference=reference,
            by=staff,
        )

    outcomes = _run_together([lambda r=r: pay(f"VIR-{r}") for r in range(4)])
    refused = [o for o in outcomes if isinstance(o, services.PaymentRefused)]
    assert len(refused) == 3 and all("(877 €)" in str(o).replace("\u202f", " ") for o in refused), outcomes
    assert document_balance(appel) == Decimal("877.00")
    assert Adhesion.objects.get(pk=adhesion.pk).status == Adhesion.Status.APPEL_EMIS


def test_without_the_document_lock_payments_at_once_overpay(monkeypatch):
    """Negative control: reading the balance without locking the document lets them all through."""
    from billing.models import Invoice as InvoiceModel

    staff = StaffFactory()
    invoice = services.event_invoice_issue(registration=priced_registration(TerritoryFactory()), by=staff)
    monkeypatch.setattr(InvoiceModel.objects, "select_for_update", InvoiceModel.objects.all)
    original = services.InvoicePayment.full_clean

    def slow_clean(self, *args, **kwargs):
        time.sleep(0.05)  # the window a loaded server leaves between reading the balance and writing
        return original(self, *args, **kwargs)

    monkeypatch.setattr(services.InvoicePayment, "full_clean", slow_clean)
    outcomes = _run_together(
        [
            lambda r=r: services.invoice_payment_record(
                invoice=invoice,
                paid_on=timezone.localdate(),
                amount=Decimal("100"),
                method="virement",
                reference=f"VIR-{r}",
                by=staff,
            )
            for r in range(4)
        ]
    )
    from billing.selectors import document_balance

    assert document_balance(invoice) < 0, outcomes
