from django.contrib import admin, messages
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
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
    """Every payment of the document, appels included (one payment model for the whole ledger)."""

    model = InvoicePayment
    extra = 0
    fields = ["paid_on", "amount_display", "method", "reference", "recorded_by", "recorded_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # payments go through the staff page, which checks dates and balances

    @admin.display(description=_("montant"))
    def amount_display(self, obj):
        return formats.format_euros(obj.amount)


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
    # The lines as staff read a document (a table, lines_table), not the JSON they are stored in.
    readonly_fields = [
        field.name
        for field in Invoice._meta.fields
        if field.name not in ("id", "pdf", "chorus_deposited_on", "chorus_number", "lines", "total")
    ] + ["lines_table", "ledger_summary", "credit_notes_display", "staff_link"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "kind",
                    "number",
                    "issued_at",
                    "due_on",
                    "subject",
                    "reason",
                    "corrects",
                    "created_by",
                ]
            },
        ),
        (
            _("Acheteur"),
            {
                "fields": [
                    "territory",
                    "adhesion",
                    "registration",
                    "buyer_name",
                    "buyer_siret",
                    "buyer_service_code",
                    "buyer_engagement",
                    "buyer_address",
                    "buyer_email",
                ]
            },
        ),
        (_("Lignes"), {"fields": ["lines_table"]}),
        (_("Solde"), {"fields": ["ledger_summary", "credit_notes_display", "staff_link"]}),
        (_("Chorus Pro"), {"fields": ["chorus_deposited_on", "chorus_number"]}),
    ]

    def get_queryset(self, request):
        return selectors.with_balance(super().get_queryset(request)).select_related("adhesion")

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

    @admin.display(description=_("lignes"))
    def lines_table(self, obj):
        """The document's lines as its PDF prints them, amounts in French."""
        rows = format_html_join(
            "",
            "<tr><td>{}{}</td><td class='numeric'>{}</td><td class='numeric'>{}</td><td class='numeric'>{}</td></tr>",
            (
                (
                    line.get("label", ""),
                    format_html("<br><small>{}</small>", line["detail"]) if line.get("detail") else "",
                    formats.format_number(line.get("quantity", 1)),
                    formats.format_euros(line.get("unit_price", line.get("amount"))),
                    formats.format_euros(line.get("amount")),
                )
                for line in obj.lines
            ),
        )
        return format_html(
            '<table class="ledger-lines"><thead><tr><th scope="col">{}</th><th scope="col">{}</th>'
            '<th scope="col">{}</th><th scope="col">{}</th></tr></thead><tbody>{}</tbody>'
            '<tfoot><tr><th scope="row" colspan="3">{}</th><td class="numeric"><strong>{}</strong></td></tr>'
            "</tfoot></table>",
            _("Libellé"),
            _("Quantité"),
            _("Prix unitaire"),
            _("Montant"),
            rows,
            _("Total"),
            formats.format_euros(obj.total),
        )

    @admin.display(description=_("solde"))
    def ledger_summary(self, obj):
        if obj.kind == Invoice.Kind.AVOIR:
            return format_html(
                "{} {}",
                _("Un avoir ne se paie pas : il vient en déduction de"),
                obj.corrects,
            )
        return format_html(
            "{} {} − {} {} − {} {} = <strong>{} {}</strong>",
            _("Montant"),
            formats.format_euros(obj.total),
            _("paiements"),
            formats.format_euros(obj.paid),
            _("avoirs"),
            formats.format_euros(obj.credited),
            _("reste dû"),
            formats.format_euros(obj.balance),
        )

    @admin.display(description=_("avoirs"))
    def credit_notes_display(self, obj):
        notes = list(obj.credit_notes.order_by("issued_at", "pk"))
        if not notes:
            return _("Aucun avoir.")
        return format_html_join(
            mark_safe("<br>"),
            '<a href="{}">{}</a> – {} – {} – {}',
            (
                (
                    reverse("admin:billing_invoice_change", args=[note.pk]),
                    note.number,
                    formats.format_date(timezone.localtime(note.issued_at)),
                    formats.format_euros(note.total),
                    note.reason,
                )
                for note in notes
            ),
        )

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
        manage = (reverse("billing:invoice_staff", kwargs={"pk": obj.pk}), _("paiements, Chorus Pro"))
        if not obj.pdf and obj.issued_outside_portal:  # an imported appel: sent outside, no PDF here
            return format_html('<a href="{}">{}</a> · {}', *manage, _("émis hors du portail"))
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            *manage,
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
