"""Documents for the territories (download, invoice on request) and ANPP staff's billing pages."""

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from anpp_portal.errors import Refused
from anpp_portal.exports import csv_response, xlsx_response
from anpp_portal.staffpolicy import acts_as_staff, staff_permission_required
from anpp_portal.storage import private_file_response

from . import registry, selectors, services
from .forms import AmountCorrectionForm, ChorusDepositForm, PaymentForm
from .models import Invoice


@never_cache
@login_required
def document(request, pk):
    """The Factur-X PDF of a document, for staff and the people of its territory (others: 404,
    whatever the method: the 404 comes before the method check)."""
    invoice = selectors.invoice_for(request.user, pk)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    if not invoice.pdf:  # asked for before the worker rendered it: rendered now, outside any lock
        try:
            services.invoice_pdf_render(invoice_id=invoice.pk)
        except services.NoDocumentIssuedHere:
            raise Http404 from None  # sent outside the portal: there is no PDF to give
        invoice.refresh_from_db(fields=["pdf"])
    return private_file_response(invoice.pdf, filename=invoice.filename)


@login_required
def request_invoice(request, pk):
    """A territory asks for the invoice of its registration now, instead of waiting for ANPP."""
    registration = get_object_or_404(registry.hook("registrations_visible_to")(user=request.user), pk=pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        invoice = services.event_invoice_issue(registration=registration, by=request.user)
    except services.BillingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Facture n° %(number)s émise.") % {"number": invoice.number})
    return redirect("events:registration", pk=registration.pk)


@never_cache
@staff_member_required
@staff_permission_required("billing.view_invoice")
@require_http_methods(["GET"])
def unpaid(request):
    not_deposited = request.GET.get("chorus") == "non-depose"
    invoices = selectors.unpaid_invoices(not_deposited=not_deposited)
    export = request.GET.get("format")
    if export in ("csv", "xlsx"):
        response = csv_response if export == "csv" else xlsx_response
        return response(
            "factures-impayees", selectors.UNPAID_EXPORT_HEADERS, selectors.unpaid_export_rows(invoices)
        )
    return render(
        request,
        "billing/unpaid.html",
        {
            "buckets": selectors.unpaid_by_age(invoices),
            "total": selectors.total_balance(invoices),
            "not_deposited": not_deposited,
            "ledger_years": selectors.ledger_years(),
        },
    )


@never_cache
@staff_member_required
@staff_permission_required("billing.view_invoice")
@require_http_methods(["GET"])
def ledger_export(request, year):
    """The ledger of a year (documents, credit notes, payments, balances) for the accountant: CSV
    with decimal commas, or XLSX."""
    rows = selectors.ledger_year(year)
    response = xlsx_response if request.GET.get("format") == "xlsx" else csv_response
    return response(f"grand-livre-{year}", selectors.LEDGER_HEADERS, rows)


def _staff_invoice(pk) -> Invoice:
    return get_object_or_404(
        selectors.with_balance(Invoice.objects.all()).select_related("territory", "corrects", "adhesion"),
        pk=pk,
    )


def _render_staff(request, invoice, *, payment_form=None, chorus_form=None, correction_form=None, status=200):
    return render(
        request,
        "billing/invoice_staff.html",
        {
            "invoice": invoice,
            "payments": selectors.invoice_payments(invoice),
            "credit_notes": selectors.with_balance(invoice.credit_notes.all()),
            "payment_form": payment_form or PaymentForm(),
            "chorus_form": chorus_form
            or ChorusDepositForm(
                initial={"deposited_on": invoice.chorus_deposited_on, "number": invoice.chorus_number}
            ),
            "correction_form": correction_form or AmountCorrectionForm(),
            # Staff who may only read the ledger see no form they could not send.
            "may_change": acts_as_staff(request.user, "billing.change_invoice"),
            "may_correct": invoice.kind == Invoice.Kind.APPEL
            and invoice.adhesion is not None
            and invoice.adhesion.status == invoice.adhesion.Status.APPEL_EMIS,
        },
        status=status,
    )


@never_cache
@staff_member_required
@staff_permission_required("billing.view_invoice")
@require_http_methods(["GET"])
def invoice_staff(request, pk):
    return _render_staff(request, _staff_invoice(pk))


@staff_member_required
@staff_permission_required("billing.change_invoice")
@require_POST
def invoice_payment(request, pk):
    invoice = _staff_invoice(pk)
    form = PaymentForm(request.POST)
    if form.is_valid():
        try:
            services.invoice_payment_record(invoice=invoice, by=request.user, **form.cleaned_data)
        except Refused as exc:  # billing's refusal, or members' for an appel's adhésion
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Paiement enregistré."))
            return redirect("billing:invoice_staff", pk=invoice.pk)
    return _render_staff(request, invoice, payment_form=form, status=400)


@staff_member_required
@staff_permission_required("billing.change_invoice")
@require_POST
def invoice_chorus(request, pk):
    invoice = _staff_invoice(pk)
    form = ChorusDepositForm(request.POST)
    if form.is_valid():
        try:
            services.chorus_deposit_record(invoice=invoice, by=request.user, **form.cleaned_data)
        except services.BillingError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Dépôt sur Chorus Pro enregistré."))
            return redirect("billing:invoice_staff", pk=invoice.pk)
    return _render_staff(request, invoice, chorus_form=form, status=400)


@staff_member_required
@staff_permission_required("billing.change_invoice")
@require_POST
def invoice_correct(request, pk):
    invoice = _staff_invoice(pk)
    if invoice.kind != Invoice.Kind.APPEL or invoice.adhesion is None:
        raise Http404
    form = AmountCorrectionForm(request.POST)
    if form.is_valid():
        try:
            new = services.appel_amount_correct(invoice=invoice, by=request.user, **form.cleaned_data)
        except Refused as exc:  # billing's refusal, or members' for the adhésion
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("Avoir émis et nouvel appel n° %(number)s émis.") % {"number": new.number}
            )
            return redirect(reverse("billing:invoice_staff", kwargs={"pk": new.pk}))
    return _render_staff(request, invoice, correction_form=form, status=400)
