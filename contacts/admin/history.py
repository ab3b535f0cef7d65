"""The audit trail, read-only: the update engine alone writes it."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from contacts.admin.tenancy import OrganizationScopedAdminMixin
from contacts.models import ContactChange


@admin.register(ContactChange)
class ContactChangeAdmin(OrganizationScopedAdminMixin, admin.ModelAdmin):
    list_display = ("at", "channel", "mode", "actor", "contact_id_value")
    list_filter = ("channel", "mode", "organization")
    search_fields = ("=contact_id_value", "actor")

    def get_queryset(self, request: HttpRequest) -> QuerySet[ContactChange]:
        # The change page shows every relation: one join each instead of one query each.
        return super().get_queryset(request).select_related("contact", "organization", "api_key", "user", "source")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ContactChange | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ContactChange | None = None) -> bool:
        return False
