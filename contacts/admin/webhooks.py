"""Webhook subscriptions (the signing secret is shown once, when one is added) and their
deliveries: status, attempts, last answer, and "send again"."""

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from contacts.admin.tenancy import OrganizationScopedAdminMixin, ViewOnlyAdminMixin
from contacts.auth.keys import encrypt_key
from contacts.models import WebhookDelivery, WebhookSubscription
from contacts.webhooks.addresses import AddressRefused, check_url
from contacts.webhooks.delivery import current_position, new_secret, send_again


class WebhookSubscriptionForm(forms.ModelForm):
    url = forms.URLField(max_length=2000, assume_scheme="https")

    class Meta:
        model = WebhookSubscription
        fields = ("organization", "url", "types", "fields", "exclude_actors", "active")

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        try:
            check_url(url)
        except AddressRefused as refused:
            raise forms.ValidationError(str(refused)) from refused
        return url


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(OrganizationScopedAdminMixin, admin.ModelAdmin):
    form = WebhookSubscriptionForm
    list_display = ("url", "organization", "active", "disabled_reason", "created_at")
    list_filter = ("organization", "active")
    readonly_fields = ("disabled_reason", "last_change_id", "created_at")

    def save_model(self, request: HttpRequest, obj: WebhookSubscription, form, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        secret = new_secret()
        obj.secret_encrypted = encrypt_key(secret)
        obj.last_change_id = current_position(obj.organization_id)
        super().save_model(request, obj, form, change)
        messages.success(request, f"Copy the signing secret now, it will not be shown again: {secret}")


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ViewOnlyAdminMixin, OrganizationScopedAdminMixin, admin.ModelAdmin):
    """Deliveries, newest first; filter by contact (``?contact_id_value=``) to see one
    contact's events and where they went."""

    list_display = (
        "change",
        "contact_id_value",
        "subscription",
        "status",
        "attempts",
        "last_status_code",
        "last_attempt_at",
        "next_attempt_at",
    )
    list_filter = ("status", "subscription")
    search_fields = ("=contact_id_value",)
    list_select_related = ("subscription", "change")
    actions = ("send_again",)

    @admin.action(description="Send again")
    def send_again(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = send_again(queryset)
        self.message_user(request, f"{count} deliveries will be sent again.", messages.SUCCESS)
