from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import models
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from anpp_portal import formats
from anpp_portal import forms as portal_forms
from anpp_portal.admin_fields import IntegerListField
from anpp_portal.errors import Refused
from anpp_portal.exports import csv_response, xlsx_response
from anpp_portal.formats import format_time

from . import (
    admin_questionnaire,  # noqa: F401 (registers the questionnaire's admin)
    questionnaire,
    selectors,
    services,
    survey_results,
)
from .models import (
    Adhesion,
    AdhesionCampaign,
    AdhesionTransition,
    Department,
    DirectoryProfile,
    FeeBracket,
    FicheCampaign,
    FicheRenseignements,
    FlatFee,
    Invitation,
    JoinRequest,
    Survey,
    SurveyResponse,
    Territory,
    TerritoryMembership,
    User,
)


class MembershipInline(admin.TabularInline):
    model = TerritoryMembership
    extra = 0
    autocomplete_fields = ["user", "territory"]
    fields = ["user", "territory", "role", "function", "created_at"]
    readonly_fields = ["created_at"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["last_name", "first_name"]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_active", "last_login"]
    list_filter = ["is_staff", "is_superuser", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    inlines = [MembershipInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Identité"), {"fields": ["first_name", "last_name"]}),
        (_("Droits"), {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {"classes": ["wide"], "fields": ["email", "first_name", "last_name", "password1", "password2"]},
        )
    ]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "region"]
    list_filter = ["region"]
    search_fields = ["code", "name"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class FicheMissingFilter(admin.SimpleListFilter):
    """Territories (with a référent) whose fiche of a year is not submitted: whom to remind."""

    title = _("fiche de renseignements non soumise")
    parameter_name = "fiche_manquante"

    def lookups(self, request, model_admin):
        return [(str(year), str(year)) for year in FicheCampaign.objects.values_list("year", flat=True)]

    def queryset(self, request, queryset):
        if not (self.value() or "").isdigit():
            return queryset
        campaign = FicheCampaign.objects.filter(year=int(self.value())).first()
        if campaign is None:
            return queryset.none()
        return queryset.filter(pk__in=selectors.territories_missing_fiche(campaign).values("pk"))


class AdherentFilter(admin.SimpleListFilter):
    """Territories adhérents by the one rule (selectors.territories_with_valid_adhesion), on the
    last day of a year or today: the list the dashboard's figure of adhérents opens."""

    title = _("adhérent")
    parameter_name = "adherent"

    def lookups(self, request, model_admin):
        years = AdhesionCampaign.objects.order_by("-year").values_list("year", flat=True)
        return [(str(year), str(year)) for year in years]

    def queryset(self, request, queryset):
        if not (self.value() or "").isdigit():
            return queryset
        day = selectors.member_reference_day(int(self.value()))
        return queryset.filter(pk__in=selectors.territories_with_valid_adhesion(day).values("pk"))


@admin.register(Territory)
class TerritoryAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "region", "population", "communes_count", "siren"]
    list_filter = ["kind", "region", AdherentFilter, FicheMissingFilter, "departments"]
    actions = ["remind_fiche"]
    search_fields = ["name", "slug", "siren", "city", "postal_code"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["departments"]
    inlines = [MembershipInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "kind", "siren"]}),
        (
            _("Localisation"),
            {"fields": ["region", "departments", "address", "postal_code", "city", "website"]},
        ),
        (_("Chiffres clés"), {"fields": ["population", "population_year", "communes_count"]}),
    ]

    @admin.action(
        description=_("Relancer pour la fiche de renseignements de l'année"), permissions=["change"]
    )
    def remind_fiche(self, request, queryset):
        year = request.GET.get("fiche_manquante") or request.POST.get("fiche_manquante")
        campaign = (
            FicheCampaign.objects.filter(year=int(year)).first()
            if (year or "").isdigit()
            else selectors.fiche_campaign_current()
        )
        if campaign is None:
            messages.error(request, _("Aucune campagne de fiches de renseignements."))
            return
        sent = 0
        for territory in queryset:
            try:
                sent += services.fiche_remind_now(territory=territory, campaign=campaign, by=request.user)
            except Refused as exc:
                messages.warning(request, f"{territory} : {exc}")
        messages.success(request, _("%(count)d relance(s) en file d'envoi.") % {"count": sent})


@admin.register(TerritoryMembership)
class TerritoryMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "territory", "role", "function", "created_at"]
    list_filter = ["role", "territory__region"]
    search_fields = ["user__email", "user__last_name", "territory__name"]
    autocomplete_fields = ["user", "territory"]
    list_select_related = ["user", "territory"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "territory", "role", "created_at", "expires_at", "accepted_at", "revoked_at"]
    list_filter = ["role", "accepted_at", "revoked_at"]
    search_fields = ["email", "territory__name"]
    list_select_related = ["territory"]
    readonly_fields = [
        "territory",
        "email",
        "role",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
        "accepted_by",
        "revoked_at",
    ]
    exclude = ["key"]

    def has_add_permission(self, request):
        return False


class CancelForm(portal_forms.Form):
    reason = forms.CharField(
        label=_("Motif de l'annulation"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Indiquez le motif de l'annulation.")},
    )


class FeeBracketInline(admin.TabularInline):
    model = FeeBracket
    extra = 0


class FlatFeeInline(admin.TabularInline):
    model = FlatFee
    extra = 0


class AdhesionCampaignForm(portal_forms.ModelForm):
    reminder_days_without_submission = IntegerListField(
        label=_("relances sans soumission (jours après l'ouverture)")
    )
    reminder_days_unpaid = IntegerListField(label=_("relances d'impayé (jours après l'appel)"))

    class Meta:
        model = AdhesionCampaign
        fields = ["reminder_days_without_submission", "reminder_days_unpaid"]


@admin.register(AdhesionCampaign)
class AdhesionCampaignAdmin(admin.ModelAdmin):
    form = AdhesionCampaignForm
    list_display = ["year", "opens_on", "closes_on", "fee_mode", "population_basis"]
    list_filter = ["fee_mode", "population_basis"]
    search_fields = ["year", "intro_text"]
    inlines = [FeeBracketInline, FlatFeeInline]
    fieldsets = [
        (None, {"fields": ["year", "opens_on", "closes_on", "intro_text"]}),
        (
            _("Barème"),
            {
                "fields": [
                    "fee_mode",
                    "rate_per_inhabitant",
                    "fee_floor",
                    "fee_ceiling",
                    "rounding",
                    "population_basis",
                    "population_year",
                ],
                "description": _("Tranches et forfaits par nature se saisissent plus bas."),
            },
        ),
        (
            _("Relances et paiement"),
            {"fields": ["reminder_days_without_submission", "reminder_days_unpaid", "payment_delay_days"]},
        ),
    ]


class TransitionInline(admin.TabularInline):
    model = AdhesionTransition
    extra = 0
    can_delete = False
    fields = ["at", "from_status", "to_status", "by", "message"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class UnpaidSinceFilter(admin.SimpleListFilter):
    title = _("appel impayé depuis")
    parameter_name = "impaye_depuis"

    def lookups(self, request, model_admin):
        return [("30", _("plus de 30 jours")), ("60", _("plus de 60 jours")), ("90", _("plus de 90 jours"))]

    def queryset(self, request, queryset):
        if not (self.value() or "").isdigit():
            return queryset
        return queryset.filter(pk__in=selectors.adhesions_unpaid_after(int(self.value())).values("pk"))


@admin.register(Adhesion)
class AdhesionAdmin(SimpleHistoryAdmin):
    list_display = ["territory", "year", "status", "amount", "paid_display", "call_number", "call_issued_at"]
    list_filter = ["campaign__year", "status", UnpaidSinceFilter, "territory__region", "territory__kind"]
    search_fields = ["territory__name", "call_number", "billing_contact_email", "siret"]
    list_select_related = ["territory", "campaign"]
    inlines = [TransitionInline]
    actions = ["validate", "issue_calls", "remind_now", "cancel", "export_csv", "export_xlsx"]
    readonly_fields = [
        "territory",
        "campaign",
        "status",
        "amount",
        "amount_basis",
        "call_number",
        "call_issued_at",
        "call_due_on",
        "call_document",
        "appel_payments",
        "attestation_document",
        "submitted_at",
        "cancel_reason",
        "reminders",
    ]
    fieldsets = [
        (None, {"fields": ["territory", "campaign", "status", "amount", "amount_basis", "population"]}),
        (
            _("Facturation"),
            {
                "fields": [
                    "signatory_name",
                    "signatory_role",
                    "billing_contact_name",
                    "billing_contact_email",
                    "billing_address",
                    "siret",
                    "chorus_service_code",
                    "engagement_number",
                    "deliberation_date",
                ]
            },
        ),
        (
            _("Appel et attestation"),
            {
                "fields": [
                    "call_number",
                    "call_issued_at",
                    "call_due_on",
                    "call_document",
                    "appel_payments",
                    "attestation_document",
                ]
            },
        ),
        (_("Suivi"), {"fields": ["submitted_at", "cancel_reason", "reminders"]}),
    ]

    def get_queryset(self, request):
        return selectors.adhesions_for_staff(super().get_queryset(request))

    def has_add_permission(self, request):
        return False  # a territory opens its adhésion from its space

    def has_delete_permission(self, request, obj=None):
        return False  # cancel instead: numbers and history are kept

    @admin.display(description=_("année"), ordering="campaign__year")
    def year(self, obj):
        return obj.campaign.year

    @admin.display(description=_("payé"), ordering="paid")
    def paid_display(self, obj):
        return obj.paid  # a Decimal: the admin writes it the French way (anpp_portal/admin_formats.py)

    @admin.display(description=_("paiements"))
    def appel_payments(self, obj):
        """The appel's payments and balance (billing's ledger); they are recorded on the appel's page."""
        from billing.selectors import adhesion_appel

        appel = adhesion_appel(obj) if obj.pk else None
        if appel is None:
            return "—"
        rows = format_html_join(
            mark_safe("<br>"),
            "{} – {} – {} {}",
            (
                (
                    formats.format_date(p.paid_on),
                    formats.format_euros(p.amount),
                    p.get_method_display(),
                    p.reference,
                )
                for p in appel.payments.all()
            ),
        )
        return format_html(
            '{}{}{} <a href="{}">{}</a>',
            rows or _("Aucun paiement."),
            mark_safe("<br>"),
            _("Reste dû : %(balance)s.") % {"balance": formats.format_euros(appel.balance)},
            reverse("billing:invoice_staff", kwargs={"pk": appel.pk}),
            _("Enregistrer un paiement sur l'appel"),
        )

    def _document(self, obj, file, url_name, expected: bool):
        # Private documents have no public URL: the link goes to the view that checks the person.
        if file:
            url = reverse(url_name, kwargs={"slug": obj.territory.slug, "year": obj.campaign.year})
            return format_html('<a href="{}">{}</a>', url, _("Télécharger (PDF)"))
        return _("En préparation…") if expected else "—"

    @admin.display(description=_("appel de cotisation (PDF)"))
    def call_document(self, obj):
        return self._document(obj, obj.call_pdf, "members:adhesion_call_pdf", bool(obj.call_number))

    @admin.display(description=_("attestation (PDF)"))
    def attestation_document(self, obj):
        expected = obj.status == Adhesion.Status.PAYEE
        return self._document(obj, obj.attestation_pdf, "members:adhesion_attestation_pdf", expected)

    @admin.display(description=_("relances envoyées"))
    def reminders(self, obj):
        from anpp_portal.models import OutboundEmail

        sent = OutboundEmail.objects.filter(
            models.Q(key__startswith=f"adhesion-reminder:{obj.pk}:")
            | models.Q(key__startswith=f"adhesion-reminder:{obj.campaign.year}:{obj.territory_id}:")
        ).order_by("created_at")
        if not sent:
            return _("Aucune")
        return format_html_join(
            mark_safe("<br>"),
            "{} – {} – {} ({})",
            ((e.created_at.strftime("%d/%m/%Y"), e.to, e.subject, e.get_status_display()) for e in sent),
        )

    def _each(self, request, queryset, service, success):
        done = 0
        for adhesion in queryset:
            try:
                service(adhesion=adhesion, by=request.user)
                done += 1
            except Refused as exc:
                messages.warning(request, f"{adhesion} : {exc}")
        if done:
            messages.success(request, success % {"count": done})

    @admin.action(description=_("Valider et émettre les appels de cotisation"), permissions=["change"])
    def validate(self, request, queryset):
        self._each(
            request, queryset, services.adhesion_validate, _("%(count)d adhésion(s) validée(s), appels émis.")
        )

    @admin.action(description=_("Émettre les appels des adhésions validées"), permissions=["change"])
    def issue_calls(self, request, queryset):
        self._each(request, queryset, services.call_issue, _("%(count)d appel(s) émis."))

    @admin.action(description=_("Envoyer une relance maintenant"), permissions=["change"])
    def remind_now(self, request, queryset):
        sent = 0
        for adhesion in queryset.select_related("campaign", "territory"):
            try:
                sent += services.adhesion_remind_now(adhesion=adhesion, by=request.user)
            except Refused as exc:
                messages.warning(request, f"{adhesion} : {exc}")
        messages.success(request, _("%(count)d relance(s) en file d'envoi.") % {"count": sent})

    @admin.action(description=_("Annuler (avec un motif)"), permissions=["change"])
    def cancel(self, request, queryset):
        form = CancelForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            self._each(
                request,
                queryset,
                lambda adhesion, by: services.adhesion_cancel(
                    adhesion=adhesion, by=by, reason=form.cleaned_data["reason"]
                ),
                _("%(count)d adhésion(s) annulée(s)."),
            )
            return None
        return TemplateResponse(
            request,
            "admin/members/adhesion/cancel.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Annuler des adhésions"),
                "adhesions": queryset,
                "form": form,
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )

    @admin.action(description=_("Exporter en CSV"), permissions=["view"])
    def export_csv(self, request, queryset):
        return csv_response(
            "adhesions", selectors.ADHESION_EXPORT_HEADERS, selectors.adhesion_export_rows(queryset)
        )

    @admin.action(description=_("Exporter en XLSX"), permissions=["view"])
    def export_xlsx(self, request, queryset):
        return xlsx_response(
            "adhesions", selectors.ADHESION_EXPORT_HEADERS, selectors.adhesion_export_rows(queryset)
        )


class ReopenForm(portal_forms.Form):
    message = forms.CharField(
        label=_("Message au territoire"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Expliquez au territoire pourquoi la fiche est rouverte.")},
    )


@admin.register(FicheRenseignements)
class FicheRenseignementsAdmin(SimpleHistoryAdmin):
    list_display = ["territory", "year", "status", "completion", "region", "submitted_at", "review_link"]
    list_filter = ["campaign__year", "status", "territory__region"]
    search_fields = ["territory__name"]
    list_select_related = ["territory"]
    actions = ["reopen", "export_csv", "export_epci_csv", "export_xlsx"]
    fields = [
        "territory",
        "campaign",
        "status",
        "submitted_at",
        "updated_at",
        "updated_by",
        "staff_message",
        "review_link",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        # A prefetched campaign is one instance shared by its rows: its questionnaire is built once.
        return super().get_queryset(request).prefetch_related("campaign")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("année"), ordering="campaign__year")
    def year(self, obj):
        return obj.campaign.year

    @admin.display(description=_("région"), ordering="territory__region")
    def region(self, obj):
        return obj.territory.get_region_display()

    @admin.display(description=_("sections complètes"))
    def completion(self, obj):
        form = questionnaire.for_campaign(obj.campaign)
        done = sum(form.section_complete(section, obj.answers) for section in form.sections)
        return f"{done}/{len(form.sections)}"

    @admin.display(description=_("relecture"))
    def review_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("members:fiche_review", args=[obj.pk]),
            _("Voir la fiche et ses changements"),
        )

    @admin.action(description=_("Rouvrir (avec un message)"), permissions=["change"])
    def reopen(self, request, queryset):
        form = ReopenForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            for fiche in queryset:
                services.fiche_reopen(fiche=fiche, by=request.user, message=form.cleaned_data["message"])
            messages.success(request, _("%(count)d fiche(s) rouverte(s).") % {"count": queryset.count()})
            return None
        return TemplateResponse(
            request,
            "admin/members/ficherenseignements/reopen.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Rouvrir des fiches"),
                "fiches": queryset,
                "form": form,
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )

    @admin.action(description=_("Exporter les fiches en CSV"), permissions=["view"])
    def export_csv(self, request, queryset):
        _title, headers, rows = selectors.fiche_export_sheets(queryset)[0]
        return csv_response("fiches-renseignements", headers, rows)

    @admin.action(description=_("Exporter les EPCI membres en CSV"), permissions=["view"])
    def export_epci_csv(self, request, queryset):
        _title, headers, rows = selectors.fiche_export_sheets(queryset)[1]
        return csv_response("epci-membres", headers, rows)

    @admin.action(description=_("Exporter en XLSX (fiches et EPCI)"), permissions=["view"])
    def export_xlsx(self, request, queryset):
        return xlsx_response("fiches-renseignements", sheets=selectors.fiche_export_sheets(queryset))


class EnqueteFilter(admin.RelatedOnlyFieldListFilter):
    """The enquêtes that have responses (a fiche's campaign never has one here)."""

    def __init__(self, field, request, params, model, model_admin, field_path):
        super().__init__(field, request, params, model, model_admin, field_path)
        self.title = _("enquête")


@admin.register(SurveyResponse)
class SurveyResponseAdmin(admin.ModelAdmin):
    """The answers to the enquêtes (the fiche's have their own page), to be found by enquête, state,
    région or name; each opens on its staff review. Read-only: a response is the territory's."""

    list_display = ["territory", "enquete", "person", "state", "submitted_at", "review_link"]
    list_display_links = None  # the review is the page to read; the change page holds no answer
    list_filter = [("campaign", EnqueteFilter), "status", "territory__region"]
    search_fields = ["territory__name", "person__first_name", "person__last_name", "campaign__title"]
    list_select_related = ["territory", "person", "campaign"]
    fields = ["territory", "person", "campaign", "status", "submitted_at", "updated_at", "updated_by"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).filter(campaign__kind=Survey.Kind.ENQUETE)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("enquête"), ordering="campaign__title")
    def enquete(self, obj):
        return obj.campaign.title

    @admin.display(description=_("état"))
    def state(self, obj):
        # The results page's words for the same answer: one definition (survey_results.completion).
        return survey_results.completion([obj.territory], [obj]).rows[0].label

    @admin.display(description=_("relecture"))
    def review_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("members:fiche_review", args=[obj.pk]), _("Voir la réponse")
        )


@admin.register(DirectoryProfile)
class DirectoryProfileAdmin(admin.ModelAdmin):
    """What each territory shows in the public directory; chosen by its référent, correctable by staff."""

    list_display = [
        "territory",
        "show_population",
        "show_communes",
        "show_epci",
        "show_website",
        "show_contact",
        "updated_at",
        "updated_by",
    ]
    list_filter = ["show_population", "show_communes", "show_epci", "show_website", "show_contact"]
    search_fields = ["territory__name"]
    autocomplete_fields = ["territory"]
    readonly_fields = ["updated_at", "updated_by"]
    fields = [
        "territory",
        ("show_population", "show_communes", "show_epci", "show_website", "show_contact"),
        "contact_email",
        "updated_at",
        "updated_by",
    ]

    def save_model(self, request, obj, form, change):
        services.directory_profile_update(
            territory=obj.territory,
            by=request.user,
            data={name: getattr(obj, name) for name in (*services.PUBLIC_CHOICES, "contact_email")},
        )


class RefuseForm(portal_forms.Form):
    message = forms.CharField(
        label=_("Message au demandeur"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Expliquez au demandeur pourquoi sa demande est refusée.")},
    )


def _join_warning(join) -> str:
    """Why staff must compare before accepting ``join`` (an annotated row of
    selectors.join_requests_for_staff), or an empty string."""
    parts = []
    if join.siren_registered:
        parts.append(str(_("⚠ un territoire inscrit a déjà ce SIREN")))
    if join.competitors:
        parts.append(str(_("⚠ %(count)d autre(s) demande(s) pour ce SIREN")) % {"count": join.competitors})
    return " · ".join(parts)


def _when(moment) -> str:
    """A moment as staff read it: local date and French time (« 07/12/2026 à 9 h 30 »)."""
    if moment is None:
        return "—"
    local = timezone.localtime(moment)
    return f"{local:%d/%m/%Y} à {format_time(local)}"


def _join_comparison(join):
    """``join`` and every other confirmed request for its SIREN, side by side, with the warning."""
    rows = [join, *services.join_request_competitors(join)]
    territory = Territory.objects.filter(siren=join.siren).first()
    header = format_html(
        "<tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
        _("Territoire"),
        _("Demandeur"),
        _("Fonction"),
        _("Adresse email"),
        _("Statut"),
        _("Reçue le"),
        _("Adresse confirmée le"),
    )
    body = format_html_join(
        "",
        '<tr{}><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>',
        (
            (
                mark_safe(' style="font-weight:bold"') if row.pk == join.pk else "",
                reverse("admin:members_joinrequest_change", args=[row.pk]),
                row.territory_name,
                row.requester_name,
                row.function,
                row.email,
                row.get_status_display(),
                _when(row.created_at),
                _when(row.confirmed_at),
            )
            for row in rows
        ),
    )
    warnings = []
    if territory is not None:
        warnings.append(
            format_html(
                '<p class="errornote">{} <a href="{}">{}</a>.</p>',
                _("Un territoire inscrit a déjà ce SIREN :"),
                reverse("admin:members_territory_change", args=[territory.pk]),
                territory.name,
            )
        )
    if len(rows) > 1:
        warnings.append(
            format_html(
                '<p class="errornote">{}</p>',
                _(
                    "Plusieurs demandes nomment ce SIREN : vérifiez auprès du territoire laquelle vient de lui "
                    "avant d'en accepter une (la première arrivée n'est pas forcément la bonne)."
                ),
            )
        )
    return format_html(
        "{}<table>{}{}</table>",
        format_html_join("", "{}", ((warning,) for warning in warnings)),
        header,
        body,
    )


class ContestedFilter(admin.SimpleListFilter):
    title = _("concurrence")
    parameter_name = "concurrence"

    def lookups(self, request, model_admin):
        return [("oui", _("SIREN demandé plusieurs fois ou déjà inscrit"))]

    def queryset(self, request, queryset):
        if self.value() == "oui":
            return queryset.filter(pk__in=selectors.join_requests_contested().values("pk"))
        return queryset


@admin.register(JoinRequest)
class JoinRequestAdmin(admin.ModelAdmin):
    """Requests of territories not yet in the portal, once the requester confirmed their address:
    accept (territory created, requester invited as référent) or refuse with a message; both answers
    are emailed. Requests naming the same SIREN are shown side by side, with a warning, before any
    of them is accepted."""

    list_display = [
        "territory_name",
        "kind",
        "siren",
        "contest",
        "population",
        "requester",
        "email",
        "status",
        "created_at",
    ]
    list_filter = ["status", ContestedFilter, "kind"]
    search_fields = ["territory_name", "siren", "email", "last_name"]
    actions = ["approve", "refuse"]
    change_form_template = "admin/members/joinrequest/change_form.html"
    readonly_fields = [
        "competing_requests",
        "status",
        "confirmed_at",
        "decision_message",
        "decided_by",
        "decided_at",
        "territory",
        "created_at",
    ]
    filter_horizontal = ["departments"]

    def get_queryset(self, request):
        # Unconfirmed requests never reach staff: their text was typed by someone nobody vouched for.
        return selectors.join_requests_for_staff()

    def has_add_permission(self, request):
        return False  # requests come from the public page

    @admin.display(description=_("demandeur"), ordering="last_name")
    def requester(self, obj):
        return f"{obj.requester_name} ({obj.function})"

    @admin.display(description=_("concurrence"))
    def contest(self, obj):
        return _join_warning(obj) or "—"

    @admin.display(description=_("demandes pour le même SIREN"))
    def competing_requests(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        return _join_comparison(obj)

    @admin.action(
        description=_("Accepter : créer le territoire et inviter le demandeur comme référent"),
        permissions=["change"],
    )
    def approve(self, request, queryset):
        contested = [join for join in queryset if join.competitors or join.siren_registered]
        if contested and "apply" not in request.POST:
            # Compared side by side, with the warning, before anything is accepted.
            return TemplateResponse(
                request,
                "admin/members/joinrequest/approve.html",
                {
                    **self.admin_site.each_context(request),
                    "title": _("Accepter des demandes d'adhésion en concurrence"),
                    "joins": queryset,
                    "comparisons": [
                        (join, _join_warning(join), _join_comparison(join)) for join in contested
                    ],
                    "opts": self.model._meta,
                    "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                },
            )
        done = 0
        for join in queryset:
            try:
                services.join_request_approve(join_request=join, by=request.user)
                done += 1
            except Refused as exc:
                messages.warning(request, f"{join.territory_name} : {exc}")
        if done:
            messages.success(
                request,
                _("%(count)d demande(s) acceptée(s) : territoire(s) créé(s), invitation(s) envoyée(s).")
                % {"count": done},
            )
        return None

    @admin.action(description=_("Refuser (avec un message au demandeur)"), permissions=["change"])
    def refuse(self, request, queryset):
        form = RefuseForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            done = 0
            for join in queryset:
                try:
                    services.join_request_refuse(
                        join_request=join, by=request.user, message=form.cleaned_data["message"]
                    )
                    done += 1
                except Refused as exc:
                    messages.warning(request, f"{join.territory_name} : {exc}")
            if done:
                messages.success(
                    request, _("%(count)d demande(s) refusée(s), message envoyé.") % {"count": done}
                )
            return None
        return TemplateResponse(
            request,
            "admin/members/joinrequest/refuse.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Refuser des demandes d'adhésion"),
                "joins": queryset,
                "form": form,
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )


# The imports of the ANPP's spreadsheets have their own admin (members/imports/admin.py).
from .imports import admin as imports_admin  # noqa: E402, F401
