"""Factur-X follows the data, for every kind of document the portal issues: the XML embedded in the
PDF and the text printed on its page agree field by field, both say what the data says, and the XML
passes the EN 16931 business rules (the schematron shipped with factur-x, run by Saxon).

Each value is read from the XML and looked for on the page in the form a reader sees it there (an
amount « 1 234,50 € », a date « 1er janvier 2026 », an IBAN in groups of four), never taken from
the model for the page: what is checked is that the two renderings agree. The documents are built
through the services, for two territories and two years (and a personal registration), buyers with
and without a SIRET, a Chorus Pro service code and an engagement number.
"""

import datetime
import io
import re
import shutil
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone
from lxml import etree
from pypdf import PdfReader

from billing import services
from billing.models import Invoice
from members import services as member_services
from members.models import Adhesion

from ..events.factories import EventFactory, ParticipantFactory, RegistrationFactory
from ..factories import UserFactory
from ..members.adhesion_factories import CampaignFactory
from .conftest import BUYER_SIRET
from .test_documents import NS, SAXON, embedded_xml, failed_business_rules, stored

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
BUYER_B_SIRET = "20005030000009"  # a second, fictitious SIRET (Luhn-valid), for the second territory
EXEMPT_MENTION = "Exonération de TVA, article 261-7-1° du CGI (mention d'exemple)"


# --- The data: what each document must say -------------------------------------------------------


@dataclass
class Expected:
    """What the data given to the services makes of one document (compared with the XML)."""

    number: str
    type_code: str
    issued_on: datetime.date
    buyer: str
    lines: list[tuple[str, Decimal]]
    due_on: datetime.date | None = None
    corrects: tuple[str, datetime.date] | None = None
    buyer_siret: str = ""
    service_code: str = ""
    engagement: str = ""
    category: str = "O"
    reason: str = "TVA non applicable (exemple fictif)"
    reason_code: str = "VATEX-EU-O"
    seller_vat: str = ""
    iban: str = "FR7630006000011234567890189"

    @property
    def total(self) -> Decimal:
        return sum((amount for _, amount in self.lines), Decimal("0"))


class Clock:
    """timezone.now() set to a moment (every service reads the time through it)."""

    def __init__(self, monkeypatch):
        self.monkeypatch = monkeypatch

    def __call__(self, *args):
        moment = datetime.datetime(*args, tzinfo=UTC)
        self.monkeypatch.setattr(timezone, "now", lambda: moment)


def _adhesion(territory, *, year, amount, siret, codes) -> Adhesion:
    return Adhesion.objects.create(
        territory=territory,
        campaign=CampaignFactory(year=year),
        status=Adhesion.Status.VALIDEE,
        amount=amount,
        amount_basis=f"Forfait de l'année {year} (exemple)",
        signatory_name="Présidente du PETR",
        signatory_role="Présidente",
        billing_contact_email=f"compta@{territory.slug}.test",
        billing_address=f"{territory.name}\n{territory.slug.upper()} – 2 rue des Écoles\n16700 Ruffec",
        siret=siret,
        chorus_service_code=f"SERVICE-{year}" if codes else "",
        engagement_number=f"ENG-{year}-7" if codes else "",
    )


def _appel(territory, staff, *, year, amount, siret, codes) -> Invoice:
    adhesion = member_services.call_issue(
        adhesion=_adhesion(territory, year=year, amount=amount, siret=siret, codes=codes), by=staff
    )
    return adhesion.invoices.get(kind=Invoice.Kind.APPEL)


def _registration(territory, prices, *, registrant=None):
    registration = RegistrationFactory(
        event=EventFactory(), territory=territory, **({"created_by": registrant} if registrant else {})
    )
    for price in prices:
        ParticipantFactory(registration=registration, price=price)
    ParticipantFactory(registration=registration, price=Decimal("0"))  # a free guest: no line
    return registration


def _participant_lines(invoice) -> list[tuple[str, Decimal]]:
    participants = invoice.registration.participants.filter(price__gt=0)
    return [
        (f"Participation de {p.full_name} ({p.get_function_display().lower()})", p.price)
        for p in participants
    ]


def _line(label: str, amount: Decimal) -> dict:
    return {"label": label, "quantity": 1, "unit_price": str(amount), "amount": str(amount)}


def _local(invoice) -> datetime.date:
    return timezone.localdate(invoice.issued_at)


def appels(territory_a, territory_b, staff, clock):
    clock(2025, 2, 10, 10)
    a = _appel(territory_a, staff, year=2025, amount=Decimal("1234.50"), siret=BUYER_SIRET, codes=True)
    clock(2026, 2, 9, 10)
    b = _appel(territory_b, staff, year=2026, amount=Decimal("2480.00"), siret=BUYER_B_SIRET, codes=False)
    return [
        (
            a,
            Expected(
                number="2025-0001",
                type_code="380",
                issued_on=datetime.date(2025, 2, 10),
                due_on=datetime.date(2025, 3, 12),
                buyer="PETR du Pays A",
                buyer_siret=BUYER_SIRET,
                service_code="SERVICE-2025",
                engagement="ENG-2025-7",
                lines=[("Cotisation 2025 – PETR du Pays A", Decimal("1234.50"))],
            ),
        ),
        (
            b,
            Expected(
                number="2026-0001",
                type_code="380",
                issued_on=datetime.date(2026, 2, 9),
                due_on=datetime.date(2026, 3, 11),
                buyer="PETR du Pays B",
                buyer_siret=BUYER_B_SIRET,
                lines=[("Cotisation 2026 – PETR du Pays B", Decimal("2480.00"))],
            ),
        ),
    ]


def territory_invoices(territory_a, territory_b, staff, clock):
    """Territory A has an adhésion (its SIRET and Chorus Pro codes bill the event); B has none."""
    if not territory_a.adhesions.exists():  # its appel may be issued already (exempt_from_vat)
        _adhesion(territory_a, year=2025, amount=Decimal("900"), siret=BUYER_SIRET, codes=True)
    clock(2025, 6, 2, 8)
    a = services.event_invoice_issue(
        registration=_registration(territory_a, (Decimal("1045.50"), Decimal("40"))), by=staff
    )
    clock(2026, 6, 1, 8)
    b = services.event_invoice_issue(
        registration=_registration(territory_b, (Decimal("90"), Decimal("90"))), by=staff
    )
    return [
        (
            a,
            Expected(
                number="F2025-0001",
                type_code="380",
                issued_on=datetime.date(2025, 6, 2),
                due_on=datetime.date(2025, 7, 2),
                buyer="PETR du Pays A",
                buyer_siret=BUYER_SIRET,
                service_code="SERVICE-2025",
                engagement="ENG-2025-7",
                lines=_participant_lines(a),
            ),
        ),
        (
            b,
            Expected(
                number="F2026-0001",
                type_code="380",
                issued_on=datetime.date(2026, 6, 1),
                due_on=datetime.date(2026, 7, 1),
                buyer="PETR du Pays B",
                lines=_participant_lines(b),
            ),
        ),
    ]


def personal_invoices(territory_a, territory_b, staff, clock):
    """A registration of one person for themselves: the registrant is the buyer, no territory."""
    first = UserFactory(first_name="Camille", last_name="Exemple")
    second = UserFactory(first_name="Dominique", last_name="Fictif")
    clock(2025, 9, 15, 14)
    a = services.event_invoice_issue(
        registration=_registration(None, (Decimal("120"),), registrant=first), by=staff
    )
    clock(2026, 9, 14, 14)
    b = services.event_invoice_issue(
        registration=_registration(None, (Decimal("65.50"), Decimal("65.50")), registrant=second), by=staff
    )
    assert a.territory is None and b.territory is None
    return [
        (
            a,
            Expected(
                number="F2025-0001",
                type_code="380",
                issued_on=datetime.date(2025, 9, 15),
                due_on=datetime.date(2025, 10, 15),
                buyer="Camille Exemple",
                lines=_participant_lines(a),
            ),
        ),
        (
            b,
            Expected(
                number="F2026-0001",
                type_code="380",
                issued_on=datetime.date(2026, 9, 14),
                due_on=datetime.date(2026, 10, 14),
                buyer="Dominique Fictif",
                lines=_participant_lines(b),
            ),
        ),
    ]


def appel_credit_notes(territory_a, territory_b, staff, clock):
    """A's appel cancelled with its adhésion (the whole amount); B's appel partly credited."""
    (appel_a, expected_a), (appel_b, expected_b) = appels(territory_a, territory_b, staff, clock)
    clock(2025, 3, 3, 9)
    member_services.adhesion_cancel(adhesion=appel_a.adhesion, by=staff, reason="Adhésion saisie en double.")
    note_a = appel_a.credit_notes.get()
    clock(2026, 3, 2, 9)
    note_b = services.credit_note_issue(
        invoice=appel_b,
        lines=[_line("Réduction accordée par le bureau (exemple)", Decimal("480.00"))],
        reason="Population révisée",
        by=staff,
    )
    common = {"type_code": "381", "iban": ""}
    return [
        (
            note_a,
            Expected(
                number="AV2025-0001",
                issued_on=datetime.date(2025, 3, 3),
                corrects=("2025-0001", datetime.date(2025, 2, 10)),
                buyer=expected_a.buyer,
                buyer_siret=expected_a.buyer_siret,
                service_code=expected_a.service_code,
                engagement=expected_a.engagement,
                lines=[("Annulation de l'appel de cotisation 2025 n° 2025-0001", Decimal("1234.50"))],
                **common,
            ),
        ),
        (
            note_b,
            Expected(
                number="AV2026-0001",
                issued_on=datetime.date(2026, 3, 2),
                corrects=("2026-0001", datetime.date(2026, 2, 9)),
                buyer=expected_b.buyer,
                buyer_siret=expected_b.buyer_siret,
                lines=[("Réduction accordée par le bureau (exemple)", Decimal("480.00"))],
                **common,
            ),
        ),
    ]


def _credit_of_first_line(invoice, expected, staff, clock, moment, number):
    """A credit note of the first line of an event invoice, issued at ``moment``."""
    label, amount = expected.lines[0]
    clock(*moment)
    note = services.credit_note_issue(
        invoice=invoice,
        lines=[_line(f"Annulation : {label}", amount)],
        reason="Participation annulée",
        by=staff,
    )
    return (
        note,
        Expected(
            number=number,
            type_code="381",
            issued_on=datetime.date(*moment[:3]),
            corrects=(expected.number, expected.issued_on),
            buyer=expected.buyer,
            buyer_siret=expected.buyer_siret,
            service_code=expected.service_code,
            engagement=expected.engagement,
            lines=[(f"Annulation : {label}", amount)],
            iban="",
        ),
    )


def invoice_credit_notes(territory_a, territory_b, staff, clock):
    (invoice_a, expected_a), (invoice_b, expected_b) = territory_invoices(
        territory_a, territory_b, staff, clock
    )
    return [
        _credit_of_first_line(invoice_a, expected_a, staff, clock, (2025, 6, 20, 9), "AV2025-0001"),
        _credit_of_first_line(invoice_b, expected_b, staff, clock, (2026, 7, 1, 9), "AV2026-0001"),
    ]


def exempt_from_vat(territory_a, territory_b, staff, clock):
    """The billing identity exempt from VAT (category E, its reason and code, its VAT number): an
    appel, an event invoice and the credit note of that invoice."""
    identity = services.billing_identity_get()
    identity.vat_category = identity.VatCategory.EXEMPT
    identity.vat_number = "FR00123456789"
    identity.vat_mention = EXEMPT_MENTION
    identity.vat_exemption_code = "VATEX-EU-132"
    identity.full_clean()
    identity.save()
    (appel, expected_appel), _ = appels(territory_a, territory_b, staff, clock)
    _, (invoice, expected_invoice) = territory_invoices(territory_a, territory_b, staff, clock)
    expected_invoice.buyer_siret = BUYER_B_SIRET  # B's adhésion (its appel) bills the event too
    documents = [
        (appel, expected_appel),
        (invoice, expected_invoice),
        _credit_of_first_line(invoice, expected_invoice, staff, clock, (2026, 6, 30, 9), "AV2026-0001"),
    ]
    for _, expected in documents:
        expected.category, expected.reason, expected.reason_code = "E", EXEMPT_MENTION, "VATEX-EU-132"
        expected.seller_vat = "FR00123456789"
    return documents


def later_day_credit_notes(territory_a, territory_b, staff, clock):
    """Documents issued on 31 December at 23:30 UTC (1 January in Paris: the next year's series and
    date), corrected by credit notes of a later day: BT-26 is the corrected document's Paris date.
    Both corrected documents are checked too (BT-2 on Paris time)."""
    _adhesion(territory_a, year=2025, amount=Decimal("900"), siret=BUYER_SIRET, codes=True)
    clock(2025, 12, 31, 23, 30)
    invoice = services.event_invoice_issue(
        registration=_registration(territory_a, (Decimal("1045.50"), Decimal("40"))), by=staff
    )
    label, amount = _participant_lines(invoice)[0]
    clock(2026, 1, 15, 9)
    invoice_note = services.credit_note_issue(
        invoice=invoice, lines=[_line(f"Annulation : {label}", amount)], reason="Retard", by=staff
    )
    clock(2026, 12, 31, 23, 30)
    appel = _appel(territory_b, staff, year=2026, amount=Decimal("2480.00"), siret=BUYER_B_SIRET, codes=False)
    assert (invoice.number, appel.number) == ("F2026-0001", "2027-0001")
    clock(2027, 1, 20, 9)
    member_services.adhesion_cancel(adhesion=appel.adhesion, by=staff, reason="Territoire dissous (exemple).")
    appel_note = appel.credit_notes.get()
    return [
        (
            invoice,
            Expected(
                number="F2026-0001",
                type_code="380",
                issued_on=datetime.date(2026, 1, 1),
                due_on=datetime.date(2026, 1, 31),
                buyer="PETR du Pays A",
                buyer_siret=BUYER_SIRET,
                service_code="SERVICE-2025",
                engagement="ENG-2025-7",
                lines=_participant_lines(invoice),
            ),
        ),
        (
            appel,
            Expected(
                number="2027-0001",
                type_code="380",
                issued_on=datetime.date(2027, 1, 1),
                due_on=datetime.date(2027, 1, 31),
                buyer="PETR du Pays B",
                buyer_siret=BUYER_B_SIRET,
                lines=[("Cotisation 2026 – PETR du Pays B", Decimal("2480.00"))],
            ),
        ),
        (
            invoice_note,
            Expected(
                number="AV2026-0001",
                type_code="381",
                issued_on=datetime.date(2026, 1, 15),
                corrects=("F2026-0001", datetime.date(2026, 1, 1)),
                buyer="PETR du Pays A",
                buyer_siret=BUYER_SIRET,
                service_code="SERVICE-2025",
                engagement="ENG-2025-7",
                lines=[(f"Annulation : {label}", amount)],
                iban="",
            ),
        ),
        (
            appel_note,
            Expected(
                number="AV2027-0001",
                type_code="381",
                issued_on=datetime.date(2027, 1, 20),
                corrects=("2027-0001", datetime.date(2027, 1, 1)),
                buyer="PETR du Pays B",
                buyer_siret=BUYER_B_SIRET,
                lines=[("Annulation de l'appel de cotisation 2026 n° 2027-0001", Decimal("2480.00"))],
                iban="",
            ),
        ),
    ]


KINDS = {
    "appel": appels,
    "event-invoice-of-a-territory": territory_invoices,
    "personal-registration-invoice": personal_invoices,
    "credit-note-of-an-appel": appel_credit_notes,
    "credit-note-of-an-event-invoice": invoice_credit_notes,
    "identity-exempt-from-vat": exempt_from_vat,
    "credit-note-of-a-later-day-across-the-paris-new-year": later_day_credit_notes,
}


@pytest.fixture(params=list(KINDS))
def documents(request, territory_a, territory_b, staff, monkeypatch):
    """The documents of one kind, with what the data makes of each, rendered and stored as the worker
    does (on the real clock again: the page is rendered after the issue)."""
    built = KINDS[request.param](territory_a, territory_b, staff, Clock(monkeypatch))
    monkeypatch.undo()
    return [(document, stored(document), expected) for document, expected in built]


# --- Reading the two renderings -------------------------------------------------------------------


class Xml:
    def __init__(self, data: bytes):
        self.root = etree.fromstring(data)

    def all(self, path: str) -> list[str]:
        return [node.text for node in self.root.xpath(path, namespaces=NS)]

    def one(self, path: str) -> str | None:
        values = self.all(path)
        assert len(values) <= 1, f"{path}: {values}"
        return values[0] if values else None


AGREEMENT = "//ram:ApplicableHeaderTradeAgreement"
SETTLEMENT = "//ram:ApplicableHeaderTradeSettlement"
TOTALS = f"{SETTLEMENT}/ram:SpecifiedTradeSettlementHeaderMonetarySummation"
SELLER = f"{AGREEMENT}/ram:SellerTradeParty"
BUYER = f"{AGREEMENT}/ram:BuyerTradeParty"
HEADER_TAX = f"{SETTLEMENT}/ram:ApplicableTradeTax"
LINE = "//ram:IncludedSupplyChainTradeLineItem"

MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]
XML_AMOUNT = re.compile(r"^-?\d+\.\d{2}$")
# An amount in cents as the page prints it: thousands grouped by a no-break space (which tells them
# from the quantity printed before a unit price), a decimal comma.
PAGE_AMOUNT = re.compile("(?<![\\d,\u00a0\u202f])\\d{1,3}(?:[\u00a0\u202f]\\d{3})*,\\d{2}[ \u00a0\u202f]€")
SPACES = re.compile("[\u00a0\u202f]")


def raw_text(pdf: bytes) -> str:
    return " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)


def page_text(pdf: bytes) -> str:
    """Every page's text on one line, no-break and narrow no-break spaces read as spaces."""
    return " ".join(SPACES.sub(" ", raw_text(pdf)).split())


def french_date(value: str) -> str:
    """A CII date (format 102, ``20260101``) as printed: « 1er janvier 2026 »."""
    day = datetime.datetime.strptime(value, "%Y%m%d").date()
    return f"{'1er' if day.day == 1 else day.day} {MONTHS[day.month - 1]} {day.year}"


def french_euros(value: str) -> str:
    """A CII amount (``1234.50``) as printed: « 1 234,50 € »."""
    assert XML_AMOUNT.match(value), f"an XML amount has two decimals and a point: {value!r}"
    units, cents = value.split(".")
    groups = []
    while len(units) > 3:
        units, groups = units[:-3], [units[-3:], *groups]
    return f"{' '.join([units, *groups])},{cents} €"


def grouped(iban: str) -> str:
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))


def _absent_or_printed(page: str, value: str | None, label: str) -> None:
    if value:
        assert f"{label}{value}" in page, f"{label}{value}"
    else:
        assert label not in page, f"{label!r} printed, not in the XML"


def assert_page_agrees_with_xml(xml: Xml, pdf: bytes) -> None:
    """Every value of the XML is on the page, printed the French way, under its label."""
    page = page_text(pdf)
    number = xml.one("//rsm:ExchangedDocument/ram:ID")
    type_code = xml.one("//rsm:ExchangedDocument/ram:TypeCode")
    headings = {"380": ("Appel de cotisation (facture)", "Facture"), "381": ("Avoir",)}[type_code]
    assert any(f"{heading} n° {number}" in page for heading in headings), (number, type_code)  # BT-1, BT-3
    issued = xml.one("//rsm:ExchangedDocument/ram:IssueDateTime/udt:DateTimeString")
    assert f"Émis le {french_date(issued)}" in page  # BT-2
    due = xml.one(f"{SETTLEMENT}/ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/udt:DateTimeString")
    _absent_or_printed(page, due and french_date(due), "échéance le ")  # BT-9
    terms = xml.one(f"{SETTLEMENT}/ram:SpecifiedTradePaymentTerms/ram:Description")
    assert terms and terms in page, f"payment terms (BT-20) {terms!r}"
    for note in xml.all("//rsm:ExchangedDocument/ram:IncludedNote/ram:Content"):  # BG-1
        assert " ".join(note.split()) in page, f"note {note!r}"

    # BG-3: the corrected document, its number (BT-25) and its own date (BT-26).
    corrected = xml.one(f"{SETTLEMENT}/ram:InvoiceReferencedDocument/ram:IssuerAssignedID")
    corrected_on = xml.one(
        f"{SETTLEMENT}/ram:InvoiceReferencedDocument/ram:FormattedIssueDateTime/qdt:DateTimeString"
    )
    assert (corrected is not None) == (type_code == "381") == (corrected_on is not None)
    if corrected:
        assert re.search(
            rf"Avoir sur (l'appel de cotisation|la facture) n° {corrected} du {french_date(corrected_on)}",
            page,
        )

    # Seller (BG-4): name, SIRET (BT-29), SIREN (BT-30, the SIRET's first nine digits), VAT number (BT-31).
    assert xml.one(f"{SELLER}/ram:Name") in page
    seller_siret = xml.one(f"{SELLER}/ram:GlobalID[@schemeID='0009']")
    assert f"SIRET {seller_siret}" in page
    assert xml.one(f"{SELLER}/ram:SpecifiedLegalOrganization/ram:ID[@schemeID='0002']") == seller_siret[:9]
    _absent_or_printed(
        page, xml.one(f"{SELLER}/ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']"), "N° TVA "
    )

    # Buyer (BG-7): name, SIRET (BT-46), SIREN (BT-47), address; Chorus Pro codes (BT-10, BT-13).
    assert xml.one(f"{BUYER}/ram:Name") in page
    buyer_siret = xml.one(f"{BUYER}/ram:GlobalID[@schemeID='0009']")
    _absent_or_printed(page, buyer_siret, "SIRET de l'acheteur : ")
    buyer_siren = xml.one(f"{BUYER}/ram:SpecifiedLegalOrganization/ram:ID[@schemeID='0002']")
    assert buyer_siren == (buyer_siret[:9] if buyer_siret else None)
    address = f"{BUYER}/ram:PostalTradeAddress"
    for part in ("ram:LineOne", "ram:LineTwo", "ram:LineThree"):
        line = xml.one(f"{address}/{part}")
        assert line is None or line in page, line
    postcode, city = xml.one(f"{address}/ram:PostcodeCode"), xml.one(f"{address}/ram:CityName")
    assert (postcode is None) == (city is None)
    assert postcode is None or f"{postcode} {city}" in page
    _absent_or_printed(page, xml.one(f"{AGREEMENT}/ram:BuyerReference"), "Code service Chorus Pro : ")
    engagement = xml.one(f"{AGREEMENT}/ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID")
    _absent_or_printed(page, engagement, "N° d'engagement : ")

    # VAT: one category for the breakdown (BT-118) and every line (BT-151), its reason (BT-120) printed.
    categories = xml.all(f"{HEADER_TAX}/ram:CategoryCode")
    assert len(categories) == 1 and categories[0] in ("O", "E")
    assert set(xml.all(f"{LINE}//ram:ApplicableTradeTax/ram:CategoryCode")) == set(categories)
    assert (categories == ["E"]) == ("N° TVA " in page), "an exempt seller prints its VAT number, no other"
    reason = xml.one(f"{HEADER_TAX}/ram:ExemptionReason")
    assert reason and reason in page, f"exemption reason (BT-120) {reason!r}"
    assert f"TVA {french_euros(xml.one(f'{HEADER_TAX}/ram:CalculatedAmount'))}" in page  # BT-117

    # Lines (BG-25): name (BT-153), quantity (BT-129), unit price (BT-146), amount (BT-131).
    printed = []
    for item in xml.root.xpath(LINE, namespaces=NS):
        line = Xml(etree.tostring(item))
        label = line.one("//ram:SpecifiedTradeProduct/ram:Name")
        quantity = line.one("//ram:BilledQuantity")
        unit_price = line.one("//ram:NetPriceProductTradePrice/ram:ChargeAmount")
        amount = line.one("//ram:LineTotalAmount")
        assert label in page, label
        row = f"{quantity} {french_euros(unit_price)} {french_euros(amount)}"
        assert row in page, f"line {label!r}: {row!r}"
        printed.append(Decimal(amount))

    # Totals (BG-22): lines (BT-106), without VAT (BT-109), VAT (BT-110), with VAT (BT-112), due (BT-115).
    totals = {
        term: xml.one(f"{TOTALS}/ram:{name}")
        for term, name in (
            ("BT-106", "LineTotalAmount"),
            ("BT-109", "TaxBasisTotalAmount"),
            ("BT-110", "TaxTotalAmount"),
            ("BT-112", "GrandTotalAmount"),
            ("BT-115", "DuePayableAmount"),
        )
    }
    assert Decimal(totals["BT-106"]) == sum(printed) == Decimal(totals["BT-109"])
    assert Decimal(totals["BT-112"]) == Decimal(totals["BT-109"]) + Decimal(totals["BT-110"])
    assert totals["BT-115"] == totals["BT-112"]  # nothing prepaid on a document when it is issued
    assert f"Total hors taxes {french_euros(totals['BT-109'])}" in page
    assert f"TVA {french_euros(totals['BT-110'])}" in page
    final = "Montant de l'avoir" if type_code == "381" else "Net à payer"
    assert f"{final} {french_euros(totals['BT-115'])}" in page
    # The page prints no amount in cents that the XML does not hold.
    amounts = {french_euros(node.text) for node in xml.root.xpath("//*[contains(local-name(), 'Amount')]")}
    on_page = {SPACES.sub(" ", amount) for amount in PAGE_AMOUNT.findall(raw_text(pdf))}
    assert on_page and on_page <= amounts, on_page - amounts

    # Payment (BG-16/BG-17): an invoice is paid by transfer to the IBAN (BT-84), BIC (BT-86), with its
    # number as reference (BT-83); a credit note asks for nothing and prints no bank account.
    iban = xml.one("//ram:PayeePartyCreditorFinancialAccount/ram:IBANID")
    assert (iban is None) == (type_code == "381")
    _absent_or_printed(page, iban and grouped(iban), "IBAN : ")
    _absent_or_printed(page, xml.one("//ram:PayeeSpecifiedCreditorFinancialInstitution/ram:BICID"), "BIC : ")
    reference = xml.one(f"{SETTLEMENT}/ram:PaymentReference")
    _absent_or_printed(page, reference, "Rappelez la référence ")
    assert reference in (None, number)


def assert_xml_follows_the_data(xml: Xml, expected: Expected) -> None:
    assert xml.one("//rsm:ExchangedDocument/ram:ID") == expected.number
    assert xml.one("//rsm:ExchangedDocument/ram:TypeCode") == expected.type_code
    assert (
        xml.one("//rsm:ExchangedDocument/ram:IssueDateTime/udt:DateTimeString")
        == f"{expected.issued_on:%Y%m%d}"
    )
    due = xml.one(f"{SETTLEMENT}/ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/udt:DateTimeString")
    assert due == (f"{expected.due_on:%Y%m%d}" if expected.due_on else None)
    corrected = (
        xml.one(f"{SETTLEMENT}/ram:InvoiceReferencedDocument/ram:IssuerAssignedID"),
        xml.one(f"{SETTLEMENT}/ram:InvoiceReferencedDocument/ram:FormattedIssueDateTime/qdt:DateTimeString"),
    )
    assert corrected == (
        (expected.corrects[0], f"{expected.corrects[1]:%Y%m%d}") if expected.corrects else (None, None)
    )
    # The payment terms (BT-20): an invoice's are the identity's; a credit note asks for no payment
    # and says what becomes of its amount (EN 16931 wants terms on it all the same, BR-CO-25), and
    # carries no late-payment penalties (a PMD note).
    terms = xml.one(f"{SETTLEMENT}/ram:SpecifiedTradePaymentTerms/ram:Description")
    notes = xml.all("//rsm:ExchangedDocument/ram:IncludedNote/ram:SubjectCode")
    if expected.corrects:
        assert (
            terms.startswith("Ce montant vient en déduction de ") and f"n° {expected.corrects[0]} ;" in terms
        )
        assert notes == ["TXD"]
    else:
        assert terms == "À réception, par mandat administratif ou virement."
        assert notes == ["TXD", "PMD"]
    assert (
        xml.one(f"{SELLER}/ram:Name") == "Association Nationale des Pôles territoriaux et des Pays (exemple)"
    )
    assert xml.one(f"{SELLER}/ram:GlobalID[@schemeID='0009']") == "12345678200010"
    assert xml.one(f"{SELLER}/ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']") == (
        expected.seller_vat or None
    )
    assert xml.one(f"{BUYER}/ram:Name") == expected.buyer
    assert xml.one(f"{BUYER}/ram:GlobalID[@schemeID='0009']") == (expected.buyer_siret or None)
    assert xml.one(f"{AGREEMENT}/ram:BuyerReference") == (expected.service_code or None)
    assert xml.one(f"{AGREEMENT}/ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID") == (
        expected.engagement or None
    )
    assert xml.all(f"{HEADER_TAX}/ram:CategoryCode") == [expected.category]
    assert xml.all(f"{LINE}//ram:ApplicableTradeTax/ram:CategoryCode") == [expected.category] * len(
        expected.lines
    )
    rate = "0" if expected.category == "E" else None  # an exempt seller states a rate of 0 %
    assert xml.one(f"{HEADER_TAX}/ram:RateApplicablePercent") == rate
    assert xml.all(f"{LINE}//ram:ApplicableTradeTax/ram:RateApplicablePercent") == (
        [rate] * len(expected.lines) if rate else []
    )
    assert xml.one(f"{HEADER_TAX}/ram:ExemptionReason") == expected.reason
    assert xml.one(f"{HEADER_TAX}/ram:ExemptionReasonCode") == expected.reason_code
    lines = list(
        zip(
            xml.all(f"{LINE}//ram:SpecifiedTradeProduct/ram:Name"),
            (
                Decimal(value)
                for value in xml.all(f"{LINE}//ram:SpecifiedLineTradeSettlement//ram:LineTotalAmount")
            ),
            strict=True,
        )
    )
    assert sorted(lines) == sorted(expected.lines)
    for term in ("LineTotalAmount", "TaxBasisTotalAmount", "GrandTotalAmount", "DuePayableAmount"):
        assert Decimal(xml.one(f"{TOTALS}/ram:{term}")) == expected.total, term
    assert xml.one(f"{TOTALS}/ram:TaxTotalAmount") == "0.00"
    assert xml.one("//ram:PayeePartyCreditorFinancialAccount/ram:IBANID") == (expected.iban or None)


# --- The tests ------------------------------------------------------------------------------------


def test_the_embedded_xml_and_the_printed_page_agree_field_by_field_and_follow_the_data(documents):
    for document, pdf, expected in documents:
        xml = Xml(embedded_xml(pdf))
        assert_xml_follows_the_data(xml, expected)
        assert_page_agrees_with_xml(xml, pdf)
        document.refresh_from_db()
        assert (document.number, document.total) == (expected.number, expected.total)


@pytest.mark.skipif(
    not (SAXON.exists() and shutil.which("java")),
    reason="needs Java and Saxon-HE (apt-get install libsaxonhe-java) to run the EN 16931 schematron",
)
def test_every_kind_of_document_passes_the_en16931_business_rules(documents, tmp_path):
    for document, pdf, _ in documents:
        assert failed_business_rules(embedded_xml(pdf), tmp_path) == [], document
