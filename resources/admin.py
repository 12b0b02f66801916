"""Staff publish notes and edit themes and the Q&A base here; every save and action goes through
resources.services."""

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import Note, NoteAttachment, QAEntry, Theme, ThemeFollow


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]
    list_filter = ["notes__kind"]  # the themes of the notes of one kind


class NoteAttachmentInline(admin.TabularInline):
    model = NoteAttachment
    extra = 1
    fields = ["title", "file", "position"]


@admin.register(Note)
class NoteAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "date", "visibility", "status", "published_at"]
    list_filter = ["status", "kind", "visibility", "themes", "date"]
    search_fields = ["title", "summary"]
    date_hierarchy = "date"
    prepopulated_fields = {"slug": ["title"]}
    # A handful of themes: boxes to tick, readable without JavaScript.
    formfield_overrides = {models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple}}
    inlines = [NoteAttachmentInline]
    readonly_fields = ["published_at", "announced_at"]
    fields = [
        "kind",
        "title",
        "slug",
        "date",
        "summary",
        "body",
        "themes",
        "visibility",
        "status",
        "publish_at",
        "published_at",
        "announced_at",
    ]
    actions = ["publish", "unpublish"]

    def save_model(self, request, obj, form, change):
        publish = obj.status == Note.Status.PUBLISHED and (
            not change or Note.objects.filter(pk=obj.pk).exclude(status=Note.Status.PUBLISHED).exists()
        )
        if publish:
            # Publishing is the service's: it records the date and announces the note once.
            obj.status = Note.Status.DRAFT
        services.note_save(note=obj)
        obj._publish_after_save = publish

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)  # note_save (save_model) indexed it
        if getattr(form.instance, "_publish_after_save", False):
            services.note_publish(note=form.instance)

    @admin.action(
        description=_("Publier maintenant (et prévenir les personnes qui suivent ses thèmes)"),
        permissions=["change"],
    )
    def publish(self, request, queryset):
        count = sum(services.note_publish(note=note) for note in queryset)
        self.message_user(
            request, ngettext("%d note publiée.", "%d notes publiées.", count) % count, messages.SUCCESS
        )

    @admin.action(description=_("Repasser en brouillon"), permissions=["change"])
    def unpublish(self, request, queryset):
        for note in queryset:
            services.note_unpublish(note=note)
        self.message_user(request, _("Notes repassées en brouillon."), messages.SUCCESS)


@admin.register(QAEntry)
class QAEntryAdmin(admin.ModelAdmin):
    list_display = ["title", "date", "is_published"]
    list_filter = ["is_published", "themes"]
    search_fields = ["title", "question", "answer"]
    prepopulated_fields = {"slug": ["title"]}
    formfield_overrides = {models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple}}
    fields = ["title", "slug", "date", "question", "answer", "signature", "themes", "is_published"]

    def save_model(self, request, obj, form, change):
        services.qa_entry_save(entry=obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.qa_index(entry_ids=[form.instance.pk])


@admin.register(ThemeFollow)
class ThemeFollowAdmin(admin.ModelAdmin):
    list_display = ["user", "theme", "created_at"]
    list_filter = ["theme"]
    search_fields = ["user__email"]
    fields = ["user", "theme"]
    raw_id_fields = ["user"]
