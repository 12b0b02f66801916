"""Staff see every legal question here too; the thread itself is worked on from /equipe/."""

from django.contrib import admin

from .models import Message, MessageAttachment, Question


class MessageInline(admin.StackedInline):
    model = Message
    extra = 0
    fields = ["author", "from_staff", "text", "created_at"]
    readonly_fields = ["author", "from_staff", "text", "created_at"]
    can_delete = False


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["subject", "territory", "status", "assigned_to", "created_at", "waiting_since"]
    list_filter = ["status", "assigned_to"]
    search_fields = ["subject", "territory__name"]
    date_hierarchy = "created_at"
    readonly_fields = ["territory", "asked_by", "created_at", "waiting_since", "closed_at", "published_entry"]
    fields = [
        "subject",
        "territory",
        "asked_by",
        "status",
        "assigned_to",
        "created_at",
        "waiting_since",
        "closed_at",
        "published_entry",
    ]
    inlines = [MessageInline]

    def get_readonly_fields(self, request, obj=None):
        # Every change goes through legal.services, from the question's page in /equipe/.
        return self.fields

    def has_add_permission(self, request):
        return False  # a question is asked by a territory, from its space


@admin.register(MessageAttachment)
class MessageAttachmentAdmin(admin.ModelAdmin):
    list_display = ["name", "message"]
    readonly_fields = ["message", "file", "name", "content_type"]
    search_fields = ["name", "message__question__subject"]
    list_filter = ["content_type", "message__from_staff"]

    def has_add_permission(self, request):
        return False
