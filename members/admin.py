from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Department, Invitation, Territory, TerritoryMembership, User


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


@admin.register(Territory)
class TerritoryAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "region", "population", "communes_count", "siren"]
    list_filter = ["kind", "region", "departments"]
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
