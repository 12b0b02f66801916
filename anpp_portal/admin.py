from django.contrib import admin, messages
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from . import outbox
from .models import OutboundEmail


def _lines(pairs):
    """« nom : valeur », one pair a line; a nested value is flattened the same way."""
    rows = []
    for name, value in pairs:
        if isinstance(value, dict):
            value = ", ".join(f"{k} : {v}" for k, v in value.items())
        elif isinstance(value, list | tuple):
            value = ", ".join(map(str, value))
        rows.append((name, value))
    return format_html_join(mark_safe("<br>"), "{} : {}", rows) or "–"


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    list_display = ["created_at", "to", "subject", "status", "attempts", "sent_at"]
    list_filter = ["status", "created_at"]
    search_fields = ["to", "subject", "key"]
    date_hierarchy = "created_at"
    list_select_related = False
    actions = ["retry"]

    # Staff read these as lines, not as JSON (issue 27, point 6).
    SHOWN = {
        "headers": "headers_shown",
        "attachments": "attachments_shown",
        "render_args": "render_args_shown",
    }

    def get_readonly_fields(self, request, obj=None):
        hidden = self.get_exclude(request, obj)
        return [
            self.SHOWN.get(f.name, f.name)
            for f in OutboundEmail._meta.fields
            if f.name == "headers" or f.name not in hidden
        ]

    def get_exclude(self, request, obj=None):
        # A credential-bearing email not sent yet still holds its link: never show it. Headers are
        # shown with their secrets masked (headers_shown).
        if obj is not None and obj.sensitive:
            return ["body_text", "body_html", "headers"]
        return ["headers"]

    @admin.display(description=_("en-têtes"))
    def headers_shown(self, obj):
        return _lines(outbox.headers_redacted(obj.headers or {}).items())

    @admin.display(description=_("pièces jointes"))
    def attachments_shown(self, obj):
        return _lines(
            (item.get("filename", "?"), item.get("mimetype", ""))
            if isinstance(item, dict)
            else (str(item), "")
            for item in obj.attachments or []
        )

    @admin.display(description=_("arguments du rendu"))
    def render_args_shown(self, obj):
        return _lines((obj.render_args or {}).items())

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Renvoyer les emails en échec"), permissions=["change"])
    def retry(self, request, queryset):
        failed = queryset.filter(status=OutboundEmail.Status.FAILED)
        count = 0
        for email in failed:
            outbox.email_retry(email=email)
            count += 1
        self.message_user(
            request, _("%(count)d email(s) remis en file d'envoi.") % {"count": count}, messages.SUCCESS
        )
