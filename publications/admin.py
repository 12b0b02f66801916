"""ANPP staff edit issues with their articles, preview them, schedule or publish them, and follow the
newsletter's subscribers and announcements. Every change goes through publications.services."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from anpp_portal import forms as portal_forms
from anpp_portal.admin_fields import LinesField, NameRoleListField

from . import selectors, services
from .forms import IssueImportForm
from .importer import ImportFormatError
from .models import Announcement, Article, Issue, IssuePDF, Rubrique, Subscriber


class ArticleForm(portal_forms.ModelForm):
    """Authors, pull quotes and links as lines of text: no JSON typed by hand."""

    authors = NameRoleListField(label=_("auteurs"))
    quotes = LinesField(
        label=_("citations mises en exergue"), help_text=_("Une citation par ligne, sans guillemets.")
    )
    links = LinesField(label=_("liens"), help_text=_("Un lien par ligne (https://…, http://… ou mailto:…)."))

    class Meta:
        model = Article
        fields = [
            "issue",
            "rubrique",
            "order",
            "title",
            "slug",
            "chapeau",
            "body",
            "authors",
            "quotes",
            "links",
            "territories",
        ]

    def clean_links(self):
        links = self.cleaned_data["links"]
        wrong = [link for link in links if not link.startswith(("https://", "http://", "mailto:"))]
        if wrong:
            raise forms.ValidationError(
                _("Ces liens doivent commencer par https://, http:// ou mailto: : %(links)s")
                % {"links": ", ".join(wrong)}
            )
        return links


@admin.register(Rubrique)
class RubriqueAdmin(admin.ModelAdmin):
    list_filter = [("articles__issue", admin.RelatedOnlyFieldListFilter)]
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


class ArticleInline(admin.StackedInline):
    model = Article
    form = ArticleForm
    extra = 0
    fields = [("order", "rubrique"), "title", "slug", "chapeau", "body", "authors", "quotes", "links"]
    prepopulated_fields = {"slug": ["title"]}
    show_change_link = True


@admin.register(Issue)
class IssueAdmin(admin.ModelAdmin):
    list_display = ["number", "season", "title", "status", "publish_at", "visibility", "preview_links"]
    list_filter = ["status", "visibility"]
    search_fields = ["season", "title"]
    readonly_fields = ["status", "published_at", "preview_links", "pdf_state"]
    fieldsets = [
        (None, {"fields": ["number", "season", "date", "title", "cover", "visibility"]}),
        (_("Ours"), {"fields": ["publisher", "publisher_address", "director", "editor"]}),
        (
            _("Publication"),
            {
                "fields": ["status", "publish_at", "published_at", "preview_links", "pdf_state"],
                "description": _(
                    "Indiquez une date de publication et enregistrez pour programmer le numéro ; "
                    "l'action « Publier maintenant » le publie tout de suite et l'annonce aux abonnés."
                ),
            },
        ),
    ]
    inlines = [ArticleInline]
    actions = ["publish_now"]
    change_list_template = "admin/publications/issue/change_list.html"

    def get_urls(self):
        return [
            path(
                "importer/",
                self.admin_site.admin_view(self.import_view),
                name="publications_issue_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        """Import an issue folder as ``manage.py import_issue [--publish]`` does (same service)."""
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        form = IssueImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            publish = form.cleaned_data["publish"]
            try:
                if form.cleaned_data["archive"]:
                    report = services.issue_import_archive(
                        archive=form.cleaned_data["archive"], publish=publish
                    )
                else:
                    from .demo import CONTENT_DIR

                    report = services.issue_import(
                        folder=CONTENT_DIR / form.cleaned_data["folder"], publish=publish
                    )
            except (ImportFormatError, services.PublicationError) as exc:
                form.add_error(None, _("Import refusé, rien n'a été écrit. %(reason)s") % {"reason": exc})
            else:
                for line in report.lines():
                    self.message_user(request, line, messages.SUCCESS)
                return redirect("admin:publications_issue_change", report.issue.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Importer un numéro"),
            "opts": self.model._meta,
            "form": form,
        }
        return TemplateResponse(request, "admin/publications/issue/import.html", context)

    @admin.display(description=_("aperçu"))
    def preview_links(self, obj):
        if not obj or not obj.pk:
            return "—"
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a> · <a href="{}" target="_blank" rel="noopener">{}</a>',
            obj.get_absolute_url(),
            _("page"),
            reverse("publications:issue_pdf", kwargs={"number": obj.number}),
            _("PDF"),
        )

    @admin.display(description=_("PDF du numéro"))
    def pdf_state(self, obj):
        """The last rendering of each variant: a failure is said, with its error, where staff work."""
        if not obj or not obj.pk:
            return "—"
        latest = {}
        for record in obj.pdfs.order_by("-created_at").only("variant", "status", "error", "created_at"):
            latest.setdefault(record.variant, record)
        if not latest:
            return _("Jamais demandé")
        return format_html_join(
            mark_safe("<br>"),
            "{} : {}{}",
            (
                (
                    record.get_variant_display(),
                    record.get_status_display(),
                    f" — {record.error}" if record.status == IssuePDF.Status.FAILED else "",
                )
                for record in latest.values()
            ),
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if obj.is_published:
            return
        if obj.publish_at and obj.status != Issue.Status.SCHEDULED:
            services.issue_schedule(issue=obj, publish_at=obj.publish_at)
            self.message_user(request, _("Numéro programmé."), messages.SUCCESS)
        elif not obj.publish_at and obj.status == Issue.Status.SCHEDULED:
            Issue.objects.filter(pk=obj.pk).update(status=Issue.Status.DRAFT)

    def save_formset(self, request, form, formset, change):
        articles = formset.save(commit=False)
        for deleted in formset.deleted_objects:
            deleted.delete()
        for article in articles:
            services.article_save(article=article)
        formset.save_m2m()

    @admin.action(description=_("Publier maintenant (et annoncer aux abonnés)"), permissions=["change"])
    def publish_now(self, request, queryset):
        count = 0
        for issue in queryset:
            try:
                count += services.issue_publish(issue=issue)
            except services.PublicationError as exc:
                self.message_user(request, f"{issue} : {exc}", messages.ERROR)
        self.message_user(request, _("%(count)d numéro(s) publié(s).") % {"count": count}, messages.SUCCESS)


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleForm
    list_display = ["title", "issue", "rubrique", "order"]
    list_filter = ["issue", "rubrique"]
    list_select_related = ["issue", "rubrique"]
    search_fields = ["title", "chapeau"]
    autocomplete_fields = ["territories"]
    prepopulated_fields = {"slug": ["title"]}
    fields = [
        ("issue", "rubrique", "order"),
        "title",
        "slug",
        "chapeau",
        "body",
        "authors",
        "quotes",
        "links",
        "territories",
    ]

    def save_model(self, request, obj, form, change):
        services.article_save(article=obj)


class FailedPDFFilter(admin.SimpleListFilter):
    """The failed renderings no later one has made good (the staff home links here)."""

    title = _("à traiter")
    parameter_name = "echec"

    def lookups(self, request, model_admin):
        return [("1", _("En échec, sans PDF rendu depuis"))]

    def queryset(self, request, queryset):
        if self.value() == "1":
            return queryset.filter(pk__in=selectors.issue_pdfs_failed().values("pk"))
        return queryset


@admin.register(IssuePDF)
class IssuePDFAdmin(admin.ModelAdmin):
    list_display = ["issue", "variant", "status", "error", "created_at", "rendered_at", "render_seconds"]
    list_filter = [FailedPDFFilter, "status", "variant"]
    list_select_related = ["issue"]
    search_fields = ["issue__title", "issue__season", "error"]
    readonly_fields = [f.name for f in IssuePDF._meta.fields]
    actions = ["render_again"]

    def has_add_permission(self, request):
        return False

    @admin.action(
        description=_("Relancer la fabrication du PDF (version actuelle du numéro)"), permissions=["change"]
    )
    def render_again(self, request, queryset):
        for record in queryset.select_related("issue"):
            services.pdf_request(issue=record.issue, variant=record.variant, retry=True)
        self.message_user(
            request,
            _(
                "Fabrication relancée pour %(count)d PDF ; la liste dira « prêt » ou « échec » dans quelques secondes."
            )
            % {"count": queryset.count()},
            messages.SUCCESS,
        )


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ["email", "created_at", "confirmed_at", "unsubscribed_at"]
    list_filter = [
        ("confirmed_at", admin.EmptyFieldListFilter),
        ("unsubscribed_at", admin.EmptyFieldListFilter),
    ]
    search_fields = ["email"]
    readonly_fields = ["email", "created_at", "confirmed_at", "unsubscribed_at"]
    actions = ["anonymise"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Anonymiser (adresse remplacée, abonnement terminé)"), permissions=["change"])
    def anonymise(self, request, queryset):
        for subscriber in queryset:
            services.subscriber_anonymise(subscriber=subscriber)
        self.message_user(request, _("%(count)d abonné(s) anonymisé(s).") % {"count": queryset.count()})


@admin.register(Announcement)
class AnnouncementAdmin(admin.ModelAdmin):
    """Progress of each issue's announcement to the subscribers."""

    list_display = ["issue", "progress", "started_at", "finished_at"]
    list_filter = [("finished_at", admin.EmptyFieldListFilter)]
    search_fields = ["issue__title", "issue__season"]
    list_select_related = ["issue"]
    readonly_fields = ["issue", "total", "queued", "progress", "started_at", "finished_at"]

    @admin.display(description=_("avancement"))
    def progress(self, obj):
        state = _("terminé") if obj.finished_at else _("en cours")
        return f"{obj.queued} / {obj.total} ({state})"

    def has_add_permission(self, request):
        return False


# News, partners and the page about the ANPP register their admin in their own module.
from .association import admin as _association_admin  # noqa: E402, F401
