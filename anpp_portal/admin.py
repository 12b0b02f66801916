from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from . import outbox
from .models import OutboundEmail


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    list_display = ["created_at", "to", "subject", "status", "attempts", "sent_at"]
    list_filter = ["status", "created_at"]
    search_fields = ["to", "subject", "key"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in OutboundEmail._meta.fields]
    actions = ["retry"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Renvoyer les emails en échec"), permissions=["view"])
    def retry(self, request, queryset):
        failed = queryset.filter(status=OutboundEmail.Status.FAILED)
        count = 0
        for email in failed:
            outbox.email_retry(email=email)
            count += 1
        self.message_user(
            request, _("%(count)d email(s) remis en file d'envoi.") % {"count": count}, messages.SUCCESS
        )
