from django.contrib import admin

from .models import DigestDelivery, Notification, NotificationPreference, SentEmail


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records written only by the services: staff may look, and delete, but not invent or edit them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["title", "recipient", "kind", "created_at", "read_at", "email_state", "emailed_at"]
    list_filter = ["email_state", "kind", "created_at"]
    search_fields = ["title", "dedupe_key", "recipient__username", "recipient__email"]
    list_select_related = ["recipient"]
    date_hierarchy = "created_at"


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(ReadOnlyAdmin):
    list_display = ["user", "kind", "frequency", "updated_at"]
    list_filter = ["frequency", "kind"]
    search_fields = ["user__username", "user__email"]
    list_select_related = ["user"]


@admin.register(DigestDelivery)
class DigestDeliveryAdmin(ReadOnlyAdmin):
    list_display = ["user", "date", "state", "sent_at"]
    list_filter = ["state", "date"]
    search_fields = ["user__username", "user__email"]
    list_select_related = ["user"]


@admin.register(SentEmail)
class SentEmailAdmin(ReadOnlyAdmin):
    list_display = ["subject", "to", "state", "created_at", "sent_at"]
    list_filter = ["state"]
    search_fields = ["subject", "to", "dedupe_key"]
