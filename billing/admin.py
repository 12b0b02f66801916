from decimal import Decimal

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from anpp_portal import formats

from . import selectors, services
from .models import BillingIdentity, Invoice, InvoicePayment


@admin.register(BillingIdentity)
class BillingIdentityAdmin(admin.ModelAdmin):
    """One row, never added or deleted by hand."""

    fieldsets = [
        (
            _("L'ANPP, émettrice des documents"),
            {"fields": ["legal_name", "street", "postal_code", "city", "email", "siret"]},
        ),
        (_("TVA"), {"fields": ["vat_category", "vat_number", "vat_mention", "vat_exemption_code"]}),
        (
            _("Règlement"),
            {
                "fields": [
                    "iban",
                    "bic",
                    "bank",
                    "account_holder",
                    "payment_delay_days",
                    "payment_terms",
                    "late_payment_terms",
                ]
            },
        ),
        (_("Signature"), {"fields": ["signatory_name", "signatory_title"]}),
        (_("Démonstration"), {"fields": ["is_example"]}),
    ]

    def render_change_form(self, request, context, *args, **kwargs):
        missing = services.billing_identity_get().missing_fields()
        if missing and request.method == "GET":
            messages.warning(
                request,
                _(
                    "Aucun appel ni aucune facture ne peut être émis tant que ces champs sont vides : %(fields)s."
                )
                % {"fields": ", ".join(missing)},
            )
        return super().render_change_form(request, context, *args, **kwargs)

    def get_queryset(self, request):
        services.billing_identity_get()  # the one row exists as soon as staff open the list
        return super().get_queryset(request)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class DepositedFilter(admin.SimpleListFilter):
    title = _("dépôt sur Chorus Pro")
    parameter_name = "chorus"

    def lookups(self, request, model_admin):
        return [("non", _("Pas encore déposé")), ("oui", _("Déposé"))]

    def queryset(self, request, queryset):
        if self.value() == "non":
            return queryset.filter(chorus_deposited_on__isnull=True)
        if self.value() == "oui":
            return queryset.filter(chorus_deposited_on__isnull=False)
        return queryset


class InvoicePaymentInline(admin.TabularInline):
    model = InvoicePayment
    extra = 0
    fields = ["paid_on", "amount", "method", "reference", "recorded_by"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False  # payments go through the staff page, which checks dates and balances


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "kind",
        "buyer_name",
        "issued_at",
        "total_display",
        "balance_display",
        "chorus_display",
        "staff_link",
    ]
    list_filter = ["kind", DepositedFilter, "issued_at"]
    search_fields = ["number", "buyer_name", "buyer_siret", "chorus_number"]
    date_hierarchy = "issued_at"
    inlines = [InvoicePaymentInline]
    # The PDF is private: served by the "PDF" link (billing:document), never by a storage URL.
    exclude = ["pdf", "lines"]
    # The lines as staff read a document (a table), not the JSON they are stored in (issue 27).
    readonly_fields = [
        field.name if field.name != "lines" else "lines_shown"
        for field in Invoice._meta.fields
        if field.name not in ("id", "pdf", "chorus_deposited_on", "chorus_number")
    ] + ["staff_link"]

    @admin.display(description=_("lignes"))
    def lines_shown(self, obj):
        def euros(value):
            try:
                return formats.format_euros(Decimal(str(value)))
            except (ArithmeticError, ValueError):
                return value

        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    line.get("label", ""),
                    line.get("quantity", ""),
                    euros(line.get("unit_price")),
                    euros(line.get("amount")),
                )
                for line in obj.lines or []
                if isinstance(line, dict)
            ),
        )
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table>",
            _("Désignation"),
            _("Quantité"),
            _("Prix unitaire"),
            _("Montant"),
            rows,
        )

    def get_queryset(self, request):
        return selectors.with_balance(super().get_queryset(request))

    def has_add_permission(self, request):
        return False  # documents are issued by services, never typed in

    def has_delete_permission(self, request, obj=None):
        return False  # a number is never reused: a correction is a credit note

    def save_model(self, request, obj, form, change):
        if {"chorus_deposited_on", "chorus_number"} & set(form.changed_data):
            try:
                services.chorus_deposit_record(
                    invoice=obj,
                    deposited_on=obj.chorus_deposited_on,
                    number=obj.chorus_number,
                    by=request.user,
                )
            except (services.BillingError, TypeError) as exc:
                messages.error(request, str(exc))

    @admin.display(description=_("montant"), ordering="total")
    def total_display(self, obj):
        return formats.format_euros(obj.total)

    @admin.display(description=_("reste dû"), ordering="balance")
    def balance_display(self, obj):
        return "–" if obj.kind == Invoice.Kind.AVOIR else formats.format_euros(obj.balance)

    @admin.display(description=_("Chorus Pro"), ordering="chorus_deposited_on")
    def chorus_display(self, obj):
        if not obj.chorus_deposited_on:
            return _("non déposé")
        return _("déposé le %(date)s sous le n° %(number)s") % {
            "date": obj.chorus_deposited_on.strftime("%d/%m/%Y"),
            "number": obj.chorus_number,
        }

    @admin.display(description=_("Gestion"))
    def staff_link(self, obj):
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("billing:invoice_staff", kwargs={"pk": obj.pk}),
            _("paiements, Chorus Pro"),
            reverse("billing:document", kwargs={"pk": obj.pk}),
            _("PDF"),
        )


def issue_event_invoices(model_admin, request, queryset) -> None:
    """The events admin's action: every pending invoice of the chosen events."""
    for event in queryset:
        try:
            issued = services.event_invoices_issue(event=event, by=request.user)
        except services.BillingError as exc:
            model_admin.message_user(request, f"{event} : {exc}", messages.ERROR)
            return
        model_admin.message_user(
            request, _("%(event)s : %(count)d facture(s) émise(s).") % {"event": event, "count": len(issued)}
        )
