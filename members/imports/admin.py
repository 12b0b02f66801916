"""Where staff import the ANPP's spreadsheets and invite the people they bring (members/imports/).

Imports de fichiers: upload a file, read the preview (what would be created, updated, left, and every
refused row with its reason), confirm; templates and exports per kind. Personnes importées: who was
invited and who accepted; « Inviter en nombre » invites the people of chosen territories.
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from anpp_portal import forms as portal_forms
from anpp_portal.exports import csv_response, xlsx_response
from anpp_portal.staffpolicy import acts_as_staff

from ..models import ImportBatch, ImportedPerson
from . import services
from .resources import RESOURCES

KIND_CHOICES = ImportBatch.Kind.choices
FILE_EXTENSIONS = (".csv", ".txt", ".xlsx")


class ImportUploadForm(portal_forms.Form):
    kind = forms.ChoiceField(
        label=_("Le fichier contient"),
        choices=KIND_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez ce que contient le fichier.")},
    )
    file = forms.FileField(
        label=_("Fichier CSV ou XLSX"),
        help_text=_(
            "CSV séparé par des virgules ou des points-virgules (UTF-8 ou Windows), ou classeur Excel."
        ),
        error_messages={"required": _("Choisissez le fichier à importer.")},
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(FILE_EXTENSIONS)}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = settings.ANPP_IMPORT_MAX_BYTES
        self.fields["file"].widget.attrs.update(
            {
                "data-max-bytes": str(limit),
                "data-too-big": _(
                    "Fichier trop volumineux : la limite est de %(limit)s. Découpez-le en plusieurs fichiers."
                )
                % {"limit": filesizeformat(limit)},
            }
        )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # Refused from its announced size, before a byte of it is read.
        try:
            services.import_file_check_size(upload.size)
        except services.FileTooLarge as error:
            raise forms.ValidationError(str(error)) from None
        if not upload.name.lower().endswith(FILE_EXTENSIONS):
            raise forms.ValidationError(_("Déposez un fichier .csv ou .xlsx."))
        return upload


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "file_name", "status", "summary", "created_by"]
    list_filter = ["kind", "status"]
    search_fields = ["file_name", "created_by__email", "created_by__last_name"]
    list_select_related = ["created_by"]
    change_list_template = "admin/members/importbatch/change_list.html"

    def get_queryset(self, request):
        return super().get_queryset(request).defer("content")

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("Lignes"))
    def summary(self, batch):
        report = batch.report or {}
        if "file_error" in report:
            return _("Fichier illisible")
        if "total" not in report:
            return "–"
        counts = {key: report.get(key, 0) for key in ("new", "update", "skip", "invalid")}
        if batch.status == ImportBatch.Status.IMPORTED:
            return _("%(new)d créées, %(update)d mises à jour, %(skip)d inchangées") % counts
        return (
            _("%(new)d à créer, %(update)d à mettre à jour, %(skip)d inchangées, %(invalid)d refusées")
            % counts
        )

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<int:batch_id>/importer/",
                wrap(require_POST(self.confirm_view)),
                name="members_importbatch_confirm",
            ),
            path(
                "modele/<str:kind>.<str:fmt>", wrap(self.template_view), name="members_importbatch_template"
            ),
            path("export/<str:kind>.<str:fmt>", wrap(self.export_view), name="members_importbatch_export"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        kinds = [{"code": code, "label": label} for code, label in KIND_CHOICES]
        return super().changelist_view(
            request, {**(extra_context or {}), "import_kinds": kinds, "title": _("Imports de fichiers")}
        )

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ImportUploadForm(
            request.POST or None, request.FILES or None, initial={"kind": request.GET.get("kind")}
        )
        if request.method == "POST" and form.is_valid():
            try:
                batch = services.import_batch_create(
                    kind=form.cleaned_data["kind"], upload=form.cleaned_data["file"], by=request.user
                )
            except services.ImportRefused as error:
                form.add_error("file", str(error))
            else:
                return HttpResponseRedirect(reverse("admin:members_importbatch_change", args=[batch.pk]))
        return TemplateResponse(
            request,
            "admin/members/importbatch/upload.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Importer un fichier"),
                "opts": self.model._meta,
                "form": form,
                "import_kinds": [{"code": code, "label": label} for code, label in KIND_CHOICES],
            },
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        batch = get_object_or_404(ImportBatch.objects.defer("content"), pk=object_id)
        report = batch.report or {}
        working = batch.status in (ImportBatch.Status.PREVIEWING, ImportBatch.Status.IMPORTING)
        progress = services.import_batch_progress(batch) if working else None
        return TemplateResponse(
            request,
            "admin/members/importbatch/preview.html",
            {
                **self.admin_site.each_context(request),
                "title": str(batch),
                "opts": self.model._meta,
                "batch": batch,
                "report": report,
                "working": working,
                "progress": progress,
                "importable": services.import_batch_is_importable(batch) and self.has_add_permission(request),
                "changes_shown": services.CHANGES_SHOWN,
            },
        )

    def confirm_view(self, request, batch_id):
        if not self.has_add_permission(request):
            raise PermissionDenied
        batch = get_object_or_404(ImportBatch.objects.defer("content"), pk=batch_id)
        try:
            services.import_batch_confirm(batch=batch, by=request.user)
        except services.ImportRefused as error:
            messages.error(request, str(error))
        return HttpResponseRedirect(reverse("admin:members_importbatch_change", args=[batch.pk]))

    def _download(self, request, kind, fmt, dataset, name):
        if kind not in RESOURCES or fmt not in ("csv", "xlsx"):
            raise Http404
        if not self.has_view_permission(request):
            raise PermissionDenied
        rows = [list(row) for row in dataset]
        if fmt == "csv":
            return csv_response(name, dataset.headers, rows)
        return xlsx_response(name, dataset.headers, rows)

    def template_view(self, request, kind, fmt):
        if kind not in RESOURCES:
            raise Http404
        return self._download(request, kind, fmt, services.import_template(kind), f"modele-{kind}")

    def export_view(self, request, kind, fmt):
        if kind not in RESOURCES:
            raise Http404
        day = timezone.localdate().isoformat()
        return self._download(request, kind, fmt, services.import_export(kind), f"{kind}-{day}")


class InvitationStateFilter(admin.SimpleListFilter):
    title = _("invitation")
    parameter_name = "invitation"

    def lookups(self, request, model_admin):
        return [
            ("aucune", _("Pas encore invitée")),
            ("envoyee", _("Invitée, en attente")),
            ("acceptee", _("A accepté")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "aucune":
            return queryset.filter(invitation__isnull=True)
        if self.value() == "envoyee":
            return queryset.filter(invitation__isnull=False, invitation__accepted_at__isnull=True)
        if self.value() == "acceptee":
            return queryset.filter(invitation__accepted_at__isnull=False)
        return queryset


class BulkInviteForm(portal_forms.Form):
    territories = forms.ModelMultipleChoiceField(
        label=_("Territoires"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Cochez au moins un territoire.")},
    )
    who = forms.ChoiceField(
        label=_("Qui inviter"),
        choices=[("referents", _("Les référents")), ("all", _("Toutes les personnes importées"))],
        initial="referents",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["territories"]
        field.queryset = services.territories_with_people_to_invite()
        field.label_from_instance = lambda territory: (
            _("%(name)s (SIREN %(siren)s) : %(referents)d référent(s), %(people)d personne(s) à inviter")
            % {
                "name": territory.name,
                "siren": territory.siren,
                "referents": territory.referents_waiting,
                "people": territory.people_waiting,
            }
        )


@admin.register(ImportedPerson)
class ImportedPersonAdmin(admin.ModelAdmin):
    list_display = ["email", "last_name", "first_name", "territory", "role", "function", "invitation_state"]
    list_filter = [InvitationStateFilter, "role", "territory__region"]
    search_fields = ["email", "last_name", "first_name", "territory__name", "territory__siren"]
    list_select_related = ["territory", "invitation"]
    autocomplete_fields = ["territory"]
    readonly_fields = ["invitation", "created_at", "updated_at"]
    change_list_template = "admin/members/importedperson/change_list.html"

    @admin.display(description=_("Invitation"))
    def invitation_state(self, person):
        invitation = person.invitation
        if invitation is None:
            return _("Pas encore invitée")
        if invitation.accepted_at:
            return format_html(
                "<strong>{}</strong>", _("Acceptée le %(day)s") % {"day": _day(invitation.accepted_at)}
            )
        if invitation.revoked_at:
            return _("Annulée")
        if invitation.expires_at <= timezone.now():
            return _("Expirée (envoyée le %(day)s)") % {"day": _day(invitation.created_at)}
        return _("Envoyée le %(day)s") % {"day": _day(invitation.created_at)}

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("inviter/", wrap(self.invite_view), name="members_importedperson_invite"),
            *super().get_urls(),
        ]

    def invite_view(self, request):
        if not acts_as_staff(request.user, "members.add_invitation"):
            raise PermissionDenied
        form = BulkInviteForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            outcome = services.imported_people_invite(
                territories=form.cleaned_data["territories"],
                referents_only=form.cleaned_data["who"] == "referents",
                by=request.user,
            )
            messages.success(
                request,
                _(
                    "%(sent)d invitation(s) envoyée(s) ; %(already)d déjà invitée(s) ; %(members)d déjà membre(s)."
                )
                % {
                    "sent": outcome.sent,
                    "already": outcome.already_invited,
                    "members": outcome.already_members,
                },
            )
            return HttpResponseRedirect(reverse("admin:members_importedperson_changelist"))
        return TemplateResponse(
            request,
            "admin/members/importedperson/invite.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Inviter en nombre les personnes importées"),
                "opts": self.model._meta,
                "form": form,
            },
        )


def _day(moment) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y")
