"""The Factur-X PDF of an issued document: HTML → PDF/A-3b (WeasyPrint) + factur-x.xml. No database writes."""

from django.utils import timezone

from anpp_portal.pdf import render_pdf

from . import einvoice


def invoice_pdf(invoice, identity) -> bytes:
    xml = einvoice.invoice_xml(invoice, identity)
    context = {
        "invoice": invoice,
        "seller": identity,
        "issued_on": timezone.localdate(invoice.issued_at),
        "payment_terms": einvoice.payment_terms(invoice, identity),
        "buyer_lines": einvoice.address_lines(invoice.buyer_address, name=invoice.buyer_name),
        "corrects_issued_on": timezone.localdate(invoice.corrects.issued_at) if invoice.corrects_id else None,
    }
    pdf_a3 = render_pdf("billing/pdf/invoice.html", context, pdf_variant="pdf/a-3b")
    return einvoice.facturx_pdf(
        pdf_a3,
        xml,
        title=f"{invoice.get_kind_display()} {invoice.number}",
        author=identity.legal_name,
        subject=invoice.subject,
    )
