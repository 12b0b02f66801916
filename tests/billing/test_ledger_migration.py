"""The data migration that moves every adhésion payment and call number into billing's ledger loses
nothing: on three years of two territories' adhésions (called before and after appels became
Factur-X documents, paid, partly paid, unpaid, cancelled, corrected) and event invoices, per
territory and per year the sums of invoices, payments and credit notes are equal before and after,
every adhésion keeps its status and every payment its date, method, reference and recorder."""

import datetime
from collections import defaultdict
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    ("billing", "0004_strip_control_characters"),
    ("members", "0020_fiche_saved_sections"),
]
AFTER = [("members", "0021_payments_and_call_numbers_moved_to_billing")]
UTC = datetime.UTC


@pytest.fixture
def back_to_latest():
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def _money(value) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"))


class World:
    """Three years of two territories' money, built with the models as they were before."""

    def __init__(self, apps):
        self.apps = apps
        get = apps.get_model
        self.Territory, self.Campaign = get("members", "Territory"), get("members", "AdhesionCampaign")
        self.Adhesion, self.Payment = get("members", "Adhesion"), get("members", "Payment")
        self.Invoice, self.InvoicePayment = get("billing", "Invoice"), get("billing", "InvoicePayment")
        self.staff = get("members", "User").objects.create(email="equipe@exemple.fr")
        self.numbers = defaultdict(int)

    def campaign(self, year):
        return self.Campaign.objects.get_or_create(
            year=year,
            defaults={
                "opens_on": datetime.date(year, 1, 15),
                "closes_on": datetime.date(year, 6, 30),
                "fee_mode": "brackets",
                "population_year": year - 3,
            },
        )[0]

    def called(self, territory, year, amount, status="appel_emis", document=True):
        self.numbers[year] += 1
        adhesion = self.Adhesion.objects.create(
            territory=territory,
            campaign=self.campaign(year),
            status=status,
            amount=Decimal(amount),
            call_number=f"{year}-{self.numbers[year]:04d}",
            call_issued_at=datetime.datetime(year, 3, 1, 9, tzinfo=UTC),
            siret="20007049800007",
        )
        if document:
            self.document(territory, "appel", adhesion.call_number, year, amount, adhesion=adhesion)
        return adhesion

    def document(self, territory, kind, number, year, total, **links):
        return self.Invoice.objects.create(
            kind=kind,
            number=number,
            issued_at=datetime.datetime(year, 3, 1, 9, tzinfo=UTC),
            territory=territory,
            buyer_name=territory.name,
            subject="Document d'exemple",
            lines=[{"label": "Exemple", "quantity": 1, "unit_price": total, "amount": total}],
            total=Decimal(total),
            **links,
        )

    def pay(self, adhesion, amount, day, reference):
        return self.Payment.objects.create(
            adhesion=adhesion,
            paid_on=day,
            amount=Decimal(amount),
            method="mandat" if reference.startswith("M") else "virement",
            reference=reference,
            recorded_by=self.staff,
        )

    def build(self):
        a = self.Territory.objects.create(name="PETR exemple A", slug="petr-exemple-a", kind="petr")
        b = self.Territory.objects.create(name="Pays exemple B", slug="pays-exemple-b", kind="pays")
        # 2016: called before appels were documents (no Invoice row): paid in two parts; B cancelled.
        paid = self.called(a, 2016, "1877.00", status="payee", document=False)
        self.pay(paid, "1000.00", datetime.date(2016, 4, 2), "M-2016-1")
        self.pay(paid, "877.00", datetime.date(2016, 5, 2), "V-2016-2")
        self.called(b, 2016, "900.00", status="annulee", document=False)
        redone = self.called(b, 2016, "850.00", document=False)
        self.pay(redone, "850.00", datetime.date(2016, 9, 1), "M-2016-7")
        self.Adhesion.objects.filter(pk=redone.pk).update(status="payee")
        # 2017: A's appel is a document, partly paid; B's legacy call unpaid; B's legacy call of a
        # cancelled adhésion that was partly paid before its cancellation.
        partial = self.called(a, 2017, "2000.00")
        self.pay(partial, "1234.50", datetime.date(2017, 4, 2), "M-2017-1")
        self.called(b, 2017, "950.00", document=False)
        cancelled_paid = self.called(b, 2017, "100.00", status="annulee", document=False)
        self.pay(cancelled_paid, "40.00", datetime.date(2017, 4, 9), "V-2017-9")
        # 2018: A's first appel corrected (credit note) and the new one paid in full; B's event
        # invoice partly paid and partly credited.
        corrected = self.called(a, 2018, "1500.00", status="annulee")
        self.document(
            a, "avoir", "AV2018-0001", 2018, "1500.00", adhesion=corrected, corrects=corrected.invoices.get()
        )
        new = self.called(a, 2018, "1400.00", status="payee")
        self.pay(new, "1400.00", datetime.date(2018, 4, 2), "M-2018-1")
        invoice = self.document(b, "facture", "F2018-0001", 2018, "180.00")
        self.InvoicePayment.objects.create(
            invoice=invoice, paid_on=datetime.date(2018, 5, 1), amount=Decimal("60"), method="cheque"
        )
        self.document(b, "avoir", "AV2018-0002", 2018, "90.00", corrects=invoice)
        Sequence = self.apps.get_model("members", "CallNumberSequence")
        for year, last in self.numbers.items():
            Sequence.objects.create(year=year, last_number=last)


def _year(invoice) -> int:
    return invoice.adhesion.campaign.year if invoice.adhesion_id else invoice.issued_at.year


def _ledger_before(w: World) -> dict:
    sums = defaultdict(lambda: {"invoices": Decimal(0), "payments": Decimal(0), "credits": Decimal(0)})
    documented = set()
    for invoice in w.Invoice.objects.select_related("adhesion__campaign"):
        key = (invoice.territory_id, _year(invoice))
        sums[key]["credits" if invoice.kind == "avoir" else "invoices"] += invoice.total
        documented.add(invoice.adhesion_id)
    # Calls made before appels were documents: what they ask for, unless cancelled (then nothing).
    for adhesion in w.Adhesion.objects.exclude(call_number=None).exclude(pk__in=documented):
        if adhesion.status != "annulee" or adhesion.payments.exists():
            sums[(adhesion.territory_id, adhesion.campaign.year)]["invoices"] += adhesion.amount
    for payment in w.Payment.objects.select_related("adhesion__campaign"):
        sums[(payment.adhesion.territory_id, payment.adhesion.campaign.year)]["payments"] += payment.amount
    for payment in w.InvoicePayment.objects.select_related("invoice"):
        sums[(payment.invoice.territory_id, payment.invoice.issued_at.year)]["payments"] += payment.amount
    return {key: {k: _money(v) for k, v in value.items()} for key, value in sums.items()}


def _ledger_after() -> dict:
    from billing.models import Invoice, InvoicePayment

    sums = defaultdict(lambda: {"invoices": Decimal(0), "payments": Decimal(0), "credits": Decimal(0)})
    for invoice in Invoice.objects.select_related("adhesion__campaign"):
        sums[(invoice.territory_id, _year(invoice))]["credits" if invoice.is_credit_note else "invoices"] += (
            invoice.total
        )
    for payment in InvoicePayment.objects.select_related("invoice__adhesion__campaign"):
        sums[(payment.invoice.territory_id, _year(payment.invoice))]["payments"] += payment.amount
    return {key: {k: _money(v) for k, v in value.items()} for key, value in sums.items()}


@pytest.mark.django_db(transaction=True)
def test_moving_payments_and_call_numbers_into_the_ledger_keeps_every_sum_of_three_years(back_to_latest):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    world = World(executor.loader.project_state(BEFORE).apps)
    world.build()
    ledger = _ledger_before(world)
    assert len(ledger) == 6  # two territories, three years
    statuses = dict(world.Adhesion.objects.values_list("pk", "status"))
    payments = sorted(
        (p.adhesion_id, p.paid_on, p.amount, p.method, p.reference, p.recorded_by_id, p.recorded_at)
        for p in world.Payment.objects.all()
    )
    paid_before = {
        a.pk: sum((p.amount for p in a.payments.all()), Decimal(0)) for a in world.Adhesion.objects.all()
    }

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)

    from billing.models import Invoice, InvoicePayment, InvoiceSequence
    from billing.selectors import document_balance
    from members.models import Adhesion

    assert _ledger_after() == ledger
    assert dict(Adhesion.objects.values_list("pk", "status")) == statuses
    moved = sorted(
        (p.invoice.adhesion_id, p.paid_on, p.amount, p.method, p.reference, p.recorded_by_id, p.recorded_at)
        for p in InvoicePayment.objects.filter(invoice__kind="appel").select_related("invoice")
    )
    assert moved == payments
    # Every call that asks for something has its appel, under its number, with the balance it had.
    for adhesion in Adhesion.objects.exclude(call_number=None):
        appel = Invoice.objects.filter(adhesion=adhesion, kind="appel").first()
        if adhesion.status == "annulee" and not paid_before[adhesion.pk] and appel is None:
            continue  # cancelled before appels were documents, never paid: it asks for nothing
        assert appel.number == adhesion.call_number and appel.total == adhesion.amount
        if adhesion.status != "annulee":
            assert document_balance(appel) == adhesion.amount - paid_before[adhesion.pk]
        if adhesion.status == "payee":
            assert document_balance(appel) == 0
    # The next call of each year follows the last one.
    assert dict(InvoiceSequence.objects.filter(series="A").values_list("year", "last_number")) == {
        2016: 3,
        2017: 3,
        2018: 2,
    }


class Historical:
    """The models of a migration state, named as World names them (for _ledger_before)."""

    def __init__(self, apps):
        get = apps.get_model
        self.Adhesion, self.Payment = get("members", "Adhesion"), get("members", "Payment")
        self.Invoice, self.InvoicePayment = get("billing", "Invoice"), get("billing", "InvoicePayment")


@pytest.mark.django_db(transaction=True)
def test_the_demo_data_goes_through_the_migration_both_ways_with_the_same_sums(back_to_latest):
    """The demo (make run's data, built by today's services) taken back to the two old models and
    forward again: the ledger's sums per territory and year, the statuses and the payments hold."""
    import io

    from django.core.management import call_command

    from billing.models import InvoicePayment
    from members.models import Adhesion

    call_command("load_demo_data", force=True, stdout=io.StringIO())
    ledger = _ledger_after()
    assert any(sums["payments"] for sums in ledger.values())  # the demo pays appels and an invoice
    statuses = dict(Adhesion.objects.values_list("pk", "status"))
    payments = sorted(InvoicePayment.objects.values_list("invoice_id", "paid_on", "amount", "reference"))

    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = Historical(executor.loader.project_state(BEFORE).apps)
    assert old.Payment.objects.exists()  # the appels' payments are the adhésions' again
    assert _ledger_before(old) == ledger

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    assert _ledger_after() == ledger
    assert dict(Adhesion.objects.values_list("pk", "status")) == statuses
    assert (
        sorted(InvoicePayment.objects.values_list("invoice_id", "paid_on", "amount", "reference")) == payments
    )


@pytest.mark.django_db(transaction=True)
def test_an_adhesion_imported_before_the_ledger_keeps_its_number_outside_the_series(back_to_latest):
    """An adhésion imported from the ANPP's spreadsheets before the ledger (issue 29: ``imported``,
    a number kept as it was issued, a members.Payment) gets its appel under that number with its
    payment, and no series of its year is started."""
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    world = World(executor.loader.project_state(BEFORE).apps)
    territory = world.Territory.objects.create(name="PETR exemple C", slug="petr-exemple-c", kind="petr")
    imported = world.Adhesion.objects.create(
        territory=territory,
        campaign=world.campaign(2015),
        status="payee",
        amount=Decimal("1200.00"),
        call_number="A2015-017",
        call_issued_at=datetime.datetime(2015, 2, 15, 9, tzinfo=UTC),
        imported=True,
    )
    world.pay(imported, "1200.00", datetime.date(2015, 3, 15), "M-2015-1")

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)

    from billing.models import Invoice, InvoiceSequence
    from billing.selectors import document_balance

    appel = Invoice.objects.get(adhesion_id=imported.pk)
    assert (appel.kind, appel.number, appel.total, document_balance(appel)) == (
        "appel",
        "A2015-017",
        Decimal("1200.00"),
        0,
    )
    assert appel.issued_outside_portal and not appel.pdf
    assert not InvoiceSequence.objects.exists()
