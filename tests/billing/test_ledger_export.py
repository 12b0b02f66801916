"""The yearly ledger export reconciles: for each territory and in total, invoiced − credit notes −
payments = the sum of the documents' balances, in the CSV (decimal commas) and in the XLSX
(read back with openpyxl), for two territories over three years."""

import csv
import datetime
import io
from collections import defaultdict
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from billing import selectors, services
from billing.selectors import LEDGER_HEADERS
from members import services as member_services

from .conftest import priced_registration, validated_adhesion

pytestmark = pytest.mark.django_db
COLUMNS = {name: i for i, name in enumerate(LEDGER_HEADERS)}
AMOUNTS = ("Montant facturé", "Avoir", "Paiement", "Solde du document")


def _at(monkeypatch, year, month, day):
    moment = datetime.datetime(year, month, day, 10, tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: moment)


@pytest.fixture
def three_years(territory_a, territory_b, staff, monkeypatch):
    """Appels of 2017, 2018 and 2019 for A, event invoices for B, paid, partly paid, credited."""
    pay = {"method": "virement", "reference": "VIR-EXEMPLE", "by": staff}
    for year, amount in ((2017, "1000.00"), (2018, "1877.00"), (2019, "1900.00")):
        _at(monkeypatch, year, 3, 1)
        adhesion = member_services.call_issue(
            adhesion=validated_adhesion(territory_a, year=year, amount=Decimal(amount)), by=staff
        )
        appel = adhesion.invoices.get()
        _at(monkeypatch, year, 4, 2)
        services.invoice_payment_record(
            invoice=appel, paid_on=timezone.localdate(), amount=Decimal("500.25"), **pay
        )
        if year == 2018:  # a second payment on the same appel
            services.invoice_payment_record(
                invoice=appel, paid_on=timezone.localdate(), amount=Decimal("376.75"), **pay
            )
    _at(monkeypatch, 2018, 6, 1)
    invoice = services.event_invoice_issue(registration=priced_registration(territory_b), by=staff)
    services.invoice_payment_record(
        invoice=invoice, paid_on=timezone.localdate(), amount=Decimal("60"), **pay
    )
    services.credit_note_issue(
        invoice=invoice,
        lines=[services.document_line("Geste commercial", Decimal("45.50"))],
        reason="Retard",
        by=staff,
    )
    second = services.event_invoice_issue(
        registration=priced_registration(territory_b, prices=(Decimal("120"),)), by=staff
    )
    _at(monkeypatch, 2019, 1, 15)  # a credit note of the next year, on a 2018 invoice
    services.credit_note_issue(
        invoice=second,
        lines=[services.document_line("Annulation", Decimal("120"))],
        reason="Annulée",
        by=staff,
    )
    monkeypatch.undo()
    return territory_a, territory_b


def _number(text: str) -> Decimal:
    return Decimal(text.replace(",", ".")) if text else Decimal("0")


def _reconcile(rows, territories) -> None:
    entries = defaultdict(lambda: [Decimal("0")] * 4)
    totals = {}
    for row in rows:
        owner, entry = row[COLUMNS["Territoire (acheteur)"]], row[COLUMNS["Écriture"]]
        amounts = [row[COLUMNS[name]] for name in AMOUNTS]
        if entry.startswith("Total"):
            totals[owner] = amounts
            continue
        entries[owner] = [a + b for a, b in zip(entries[owner], amounts, strict=True)]
    for territory in territories:
        invoiced, credited, paid, balance = entries[territory.name]
        assert invoiced - credited - paid == balance == selectors.territory_balance(territory, year=2018)
        assert totals[territory.name] == [invoiced, credited, paid, balance]
    invoiced, credited, paid, balance = totals[None]
    assert invoiced - credited - paid == balance == sum(entries[t.name][3] for t in territories)
    # 2018: A's appel 1 877 € (500,25 € + 376,75 € paid); B's invoices 180 € and 120 €, paid 60 €,
    # credited 45,50 € and 120 €.
    assert (invoiced, credited, paid, balance) == (
        Decimal("2177.00"),
        Decimal("165.50"),
        Decimal("937.00"),
        Decimal("1074.50"),
    )


def test_the_yearly_ledger_csv_reconciles_per_territory_and_in_total(client, staff, three_years):
    client.force_login(staff)  # « Équipe ANPP »
    response = client.get(reverse("billing:ledger_export", kwargs={"year": 2018}))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    assert "1877,00" in text and "500,25" in text and "1877.00" not in text  # decimal commas
    reader = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert reader[0] == LEDGER_HEADERS
    rows = []
    for line in reader[1:]:
        row = list(line)
        for name in AMOUNTS:
            row[COLUMNS[name]] = _number(row[COLUMNS[name]])
        row[0] = row[0] or None
        rows.append(row)
    _reconcile(rows, three_years)
    # Only 2018's documents: the 2017 and 2019 appels are in their own years.
    numbers = {row[COLUMNS["Numéro"]] for row in reader[1:]}
    assert "2018-0001" in numbers and "2017-0001" not in numbers and "2019-0001" not in numbers


def test_the_yearly_ledger_xlsx_reads_back_with_openpyxl_and_reconciles(client, staff, three_years):
    client.force_login(staff)
    response = client.get(reverse("billing:ledger_export", kwargs={"year": 2018}), {"format": "xlsx"})
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.active
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == LEDGER_HEADERS
    rows = []
    for line in values[1:]:
        row = list(line)
        for name in AMOUNTS:
            value = row[COLUMNS[name]]
            assert value is None or isinstance(value, int | float), value  # numbers, not text
            row[COLUMNS[name]] = Decimal(str(value or 0)).quantize(Decimal("0.01"))
        rows.append(row)
    _reconcile(rows, three_years)


def test_the_ledger_makes_the_same_number_of_queries_for_one_document_or_many(
    staff, three_years, django_assert_max_num_queries
):
    with django_assert_max_num_queries(3):
        selectors.ledger_year(2018)


def test_the_unpaid_page_offers_the_ledger_of_each_year_with_documents(client, staff, three_years):
    client.force_login(staff)
    page = client.get(reverse("billing:unpaid")).content.decode()
    for year in (2017, 2018, 2019):
        assert reverse("billing:ledger_export", kwargs={"year": year}) + "?format=xlsx" in page


def test_the_ledger_lists_each_documents_credit_notes_and_payments_by_their_dates_not_their_entry(
    territory_a, territory_b, staff, monkeypatch
):
    """Entered out of order (a later-dated payment recorded first, a credit note of September issued
    before one backdated to July by the clock), the ledger reads as a statement does: by date. For
    A's invoice of 2018 and B's of 2019, each in its own year's ledger only."""
    invoices = {}
    for territory, year in ((territory_a, 2018), (territory_b, 2019)):
        _at(monkeypatch, year, 3, 1)
        invoice = services.event_invoice_issue(registration=priced_registration(territory), by=staff)
        _at(monkeypatch, year, 6, 1)
        for paid_on, amount in ((datetime.date(year, 5, 20), "50.00"), (datetime.date(year, 4, 10), "30.00")):
            services.invoice_payment_record(
                invoice=invoice,
                paid_on=paid_on,
                amount=Decimal(amount),
                method="virement",
                reference="VIR",
                by=staff,
            )
        for month, amount in ((9, "20.00"), (7, "10.00")):
            _at(monkeypatch, year, month, 1)
            services.credit_note_issue(
                invoice=invoice,
                lines=[services.document_line("Geste (fictif)", Decimal(amount))],
                reason="R",
                by=staff,
            )
        invoices[year] = invoice
    for year, invoice in invoices.items():
        ledger = selectors.ledger_year(year)
        [own] = [row for row in ledger if row[COLUMNS["Numéro"]] == invoice.number]
        assert (own[COLUMNS["Écriture"]], own[COLUMNS["Date"]], own[COLUMNS["Territoire (acheteur)"]]) == (
            invoice.get_kind_display(),
            datetime.date(year, 3, 1),
            invoice.territory.name,
        )
        other = invoices[2018 if year == 2019 else 2019]
        assert not [
            row
            for row in ledger
            if other.number in (row[COLUMNS["Numéro"]], row[COLUMNS["Document concerné"]])
        ]
        rows = [row for row in ledger if row[COLUMNS["Document concerné"]] == invoice.number]
        assert [
            (
                row[COLUMNS["Écriture"]],
                row[COLUMNS["Date"]],
                row[COLUMNS["Avoir"]] or row[COLUMNS["Paiement"]],
            )
            for row in rows
        ] == [
            ("Avoir", datetime.date(year, 7, 1), Decimal("10.00")),
            ("Avoir", datetime.date(year, 9, 1), Decimal("20.00")),
            ("Paiement", datetime.date(year, 4, 10), Decimal("30.00")),
            ("Paiement", datetime.date(year, 5, 20), Decimal("50.00")),
        ]
