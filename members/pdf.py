"""The attestation of a paid adhésion. (The appel is a Factur-X invoice: billing/pdf.py.)"""

from anpp_portal.pdf import render_pdf


def attestation_pdf(adhesion) -> bytes:
    return render_pdf("members/pdf/attestation.html", {"adhesion": adhesion})
