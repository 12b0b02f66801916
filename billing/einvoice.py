"""An issued document as Factur-X: the CII XML (profile EN 16931) and the PDF/A-3 that carries it.

Both are made by the maintained ``factur-x`` library: ``generate_cii_xml`` builds the XML from the
EN 16931 business terms (BT-…) and checks it against the profile's XSD; ``generate_from_binary``
embeds it in the PDF/A-3b rendered by WeasyPrint as ``factur-x.xml`` (AFRelationship /Data) and
writes the XMP metadata that declares PDF/A-3 and the Factur-X profile. No database writes here.
"""

import copy
import re
from decimal import Decimal

from django.utils import timezone

PROFILE = "en16931"
UNIT_CODE = "C62"  # "one" (UN/ECE Recommendation 20)
PAYMENT_MEANS_CREDIT_TRANSFER = "30"
SCHEME_SIRET = "0009"
SCHEME_SIREN = "0002"
_POSTCODE_CITY = re.compile(r"^(\d{5})\s+(.+)$")


def money(value) -> str:
    return f"{Decimal(value):.2f}"


def address_lines(text: str, *, name: str = "") -> list[str]:
    """The lines of a billing address, without a first line repeating the buyer's name."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if lines and name and lines[0].casefold() == name.casefold():
        lines = lines[1:]
    return lines


def split_address(text: str, *, name: str = "", postal_code: str = "", city: str = "") -> dict:
    """A free-text billing address as EN 16931 address parts: up to three street lines, postcode, city."""
    lines = address_lines(text, name=name)
    for index in range(len(lines) - 1, -1, -1):
        match = _POSTCODE_CITY.match(lines[index])
        if match:
            postal_code, city = match.groups()
            del lines[index]
            break
    parts = {"country_code": "FR"}
    for key, line in zip(("addr_l1", "addr_l2", "addr_l3"), lines, strict=False):
        parts[key] = line
    if postal_code:
        parts["postcode"] = postal_code
    if city:
        parts["city"] = city
    return parts


def payment_terms(invoice, identity) -> str:
    """The payment terms (BT-20) as the page prints them: the identity's for a document to pay; for a
    credit note, which asks for no payment, what becomes of its amount. EN 16931 wants them on a
    credit note too (BR-CO-25: an amount due and no due date)."""
    if not invoice.corrects_id:
        return identity.payment_terms
    corrected = invoice.corrects
    document = "l'appel" if corrected.kind == "appel" else "la facture"
    return (
        f"Ce montant vient en déduction de {document} n° {corrected.number} ; une somme déjà versée "
        "au-delà du montant restant dû vous est remboursée par virement."
    )


def data_dict(invoice, identity) -> dict:
    """The EN 16931 business terms of ``invoice`` issued by ``identity`` (see factur-x's generate_xml)."""
    issued_on = timezone.localdate(invoice.issued_at)
    total = money(invoice.total)
    seller = {
        "name": identity.legal_name,
        "identifiers": {SCHEME_SIRET: identity.siret},
        "legal_identifier": identity.siren,
        "legal_identifier_schemeid": SCHEME_SIREN,
        "addr_l1": identity.street,
        "postcode": identity.postal_code,
        "city": identity.city,
        "country_code": "FR",
    }
    if identity.email:
        seller["contacts"] = [{"email": identity.email}]
    if identity.vat_number:
        seller["vat_identifier"] = identity.vat_number
    buyer = {"name": invoice.buyer_name, **split_address(invoice.buyer_address, name=invoice.buyer_name)}
    if invoice.buyer_siret:
        buyer["identifiers"] = {SCHEME_SIRET: invoice.buyer_siret}
        buyer["legal_identifier"] = invoice.buyer_siret[:9]
        buyer["legal_identifier_schemeid"] = SCHEME_SIREN
    vat = {"BT-118": identity.vat_category}
    # Every VAT category but "not subject to VAT" (O) states its rate, 0 % for an exempt seller
    # (EN 16931 BR-48 and BR-E-05): on each line (BT-152) and in the breakdown (BT-119).
    rate = "" if identity.vat_category == identity.VatCategory.NOT_SUBJECT else "0"
    lines = []
    for number, line in enumerate(invoice.lines, start=1):
        lines.append(
            {
                "BT-126": str(number),
                "BT-153": line["label"][:200],
                "BT-146": money(line["unit_price"]),
                "BT-129": str(line["quantity"]),
                "BT-130": UNIT_CODE,
                "BT-151": identity.vat_category,
                **({"BT-152": rate} if rate else {}),
                "BT-131": money(line["amount"]),
            }
        )
    breakdown = {"BT-116": total, "BT-117": "0.00", **vat, "BT-120": identity.vat_mention}
    if rate:
        breakdown["BT-119"] = rate
    if identity.vat_exemption_code:
        breakdown["BT-121"] = identity.vat_exemption_code
    data = {
        "BT-1": invoice.number,
        "BT-2": issued_on,
        "BT-3": invoice.type_code,
        "BT-5": "EUR",
        "BT-20": payment_terms(invoice, identity),
        "BG-4": seller,
        "BG-7": buyer,
        # No delivery address: the delivery date is the event's, or the issue date for a cotisation.
        "BT-72": _delivery_date(invoice, issued_on),
        "BG-1": [
            {"BT-21": "TXD", "BT-22": identity.vat_mention},
            {"BT-21": "PMD", "BT-22": identity.late_payment_terms},
            {"BT-22": invoice.subject},
        ],
        "BG-23": [breakdown],
        "BT-106": total,
        "BT-109": total,
        "BT-110": "0.00",
        "BT-112": total,
        "BT-115": total,
        "BG-25": lines,
    }
    if not identity.late_payment_terms or invoice.corrects_id:  # a credit note is not paid late
        data["BG-1"] = [note for note in data["BG-1"] if note.get("BT-21") != "PMD"]
    if invoice.due_on:
        data["BT-9"] = invoice.due_on
    # Chorus Pro reads the buyer's service code in BT-10 and the engagement number in BT-13.
    if invoice.buyer_service_code:
        data["BT-10"] = invoice.buyer_service_code
    if invoice.buyer_engagement:
        data["BT-13"] = invoice.buyer_engagement
    if invoice.corrects_id:
        corrected = invoice.corrects
        data["BG-3"] = [{"BT-25": corrected.number, "BT-26": timezone.localdate(corrected.issued_at)}]
    else:
        data.update(
            {
                "BT-81": PAYMENT_MEANS_CREDIT_TRANSFER,
                "BT-83": invoice.number,
                "BT-84": identity.iban,
                "BT-85": identity.account_holder or identity.legal_name,
                "BT-86": identity.bic,
            }
        )
    return data


def _delivery_date(invoice, issued_on):
    registration = invoice.registration
    if registration is not None:
        first_day = registration.event.days.order_by("date").first()
        if first_day is not None:
            return first_day.date
    return issued_on


def invoice_xml(invoice, identity) -> bytes:
    """The factur-x.xml of ``invoice``, checked against the Factur-X EN 16931 XSD (raises if invalid)."""
    from facturx import generate_cii_xml

    # generate_cii_xml rewrites the dict it is given.
    return generate_cii_xml(
        copy.deepcopy(data_dict(invoice, identity)), level=PROFILE, check_schematron=False
    )


def facturx_pdf(pdf_a3: bytes, xml: bytes, *, title: str, author: str, subject: str) -> bytes:
    """``pdf_a3`` with ``xml`` embedded as factur-x.xml and the Factur-X XMP metadata."""
    from facturx import generate_from_binary

    return generate_from_binary(
        pdf_a3,
        xml,
        flavor="factur-x",
        level=PROFILE,
        check_xsd=True,
        pdf_metadata={"author": author, "keywords": "Factur-X", "title": title, "subject": subject},
        lang="fr-FR",
        afrelationship="alternative",  # the XML is a full representation of the invoice
    )
