"""ANPP staff edit news, partners and the page about the ANPP; saving goes through the services."""

from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import services
from .models import AssociationPage, News, Partner


@admin.register(News)
class NewsAdmin(admin.ModelAdmin):
    list_display = ["title", "date", "is_published", "source"]
    list_filter = ["is_published", "date"]
    search_fields = ["title", "body"]
    date_hierarchy = "date"
    prepopulated_fields = {"slug": ["title"]}
    fields = ["title", "slug", "date", "is_published", "body", ("image", "image_alt"), "source"]

    def save_model(self, request, obj, form, change):
        services.news_save(news=obj)


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "order", "link"]
    list_filter = [("logo", admin.EmptyFieldListFilter)]
    list_editable = ["order"]
    search_fields = ["name", "description"]
    fields = ["name", "description", "link", "logo", "order"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def save_model(self, request, obj, form, change):
        services.partner_save(partner=obj)


@admin.register(AssociationPage)
class AssociationPageAdmin(admin.ModelAdmin):
    list_display = ["title", "updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "intro"]}),
        (_("Missions"), {"fields": ["missions"]}),
        (_("Gouvernance"), {"fields": ["governance"]}),
        (_("Contact"), {"fields": ["contact_address", "website"]}),
    ]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def has_add_permission(self, request):
        # There is one page about the ANPP: once written, it is edited, never added again.
        return super().has_add_permission(request) and not AssociationPage.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        services.association_page_save(page=obj)
