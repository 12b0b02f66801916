"""The attestation of a paid adhésion. (The appel is a Factur-X invoice: billing/pdf.py.)"""

from django.utils import timezone

from anpp_portal.formats import format_date
from anpp_portal.pdf import render_pdf


def attestation_pdf(adhesion, identity) -> bytes:
    """``identity`` is ANPP's billing identity (billing.services.billing_identity_get): the attestation
    is signed and identified (SIRET) as the appel it follows."""
    return render_pdf(
        "members/pdf/attestation.html",
        {"adhesion": adhesion, "seller": identity, "signed_on": timezone.localdate()},
    )


def survey_results_pdf(figures: dict, form) -> bytes:
    """A survey's results as the staff page shows them (``survey_results.results``), to print."""
    return render_pdf(
        "members/pdf/survey_results.html",
        {**figures, "form": form, "printed_text": format_date(timezone.localdate())},
    )
