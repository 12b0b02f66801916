"""The PDFs of an adhésion: the call for payment and the attestation."""

from django.conf import settings

from anpp_portal.pdf import render_pdf


def call_pdf(adhesion) -> bytes:
    return render_pdf(
        "members/pdf/appel.html", {"adhesion": adhesion, "payment": settings.ANPP_PAYMENT_DETAILS}
    )


def attestation_pdf(adhesion) -> bytes:
    return render_pdf("members/pdf/attestation.html", {"adhesion": adhesion})
