"""API keys. A key is issued through ``issue_api_key`` (hash plus encrypted copy) and its secret
is shown once; the hash and the encrypted copy are never displayed."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest

from contacts.admin.tenancy import OrganizationScopedAdminMixin, ViewOnlyAdminMixin
from contacts.auth.keys import issue_api_key, parse_scopes
from contacts.models import ApiKey, IdempotencyRecord, Scope, WsseNonce


class ApiKeyForm(forms.ModelForm):
    """Editing an issued key: only its label, scopes and active flag change."""

    scopes = forms.MultipleChoiceField(choices=Scope.choices, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = ApiKey
        fields = ("name", "scopes", "is_active")

    def clean_scopes(self) -> list[str]:
        return parse_scopes(self.cleaned_data["scopes"])


class ApiKeyAddForm(ApiKeyForm):
    username = forms.CharField(
        required=False, max_length=150, help_text="For Basic and WSSE authentication; blank to generate one."
    )

    class Meta(ApiKeyForm.Meta):
        fields = ("organization", "username", "name", "scopes")


@admin.register(ApiKey)
class ApiKeyAdmin(OrganizationScopedAdminMixin, admin.ModelAdmin):
    form = ApiKeyForm
    add_form = ApiKeyAddForm
    list_display = (
        "organization",
        "username",
        "name",
        "key_prefix",
        "scope_list",
        "is_active",
        "created_at",
        "last_used_at",
    )
    list_display_links = ("username",)
    list_filter = ("organization", "is_active")
    list_select_related = ("organization",)
    search_fields = ("username", "name", "key_prefix")
    fields = (
        "organization",
        "username",
        "name",
        "key_prefix",
        "scopes",
        "is_active",
        "created_at",
        "last_used_at",
    )
    add_fields = ("organization", "username", "name", "scopes")
    readonly_fields = ("organization", "username", "key_prefix", "created_at", "last_used_at")

    @admin.display(description="scopes")
    def scope_list(self, obj: ApiKey) -> str:
        return ", ".join(obj.scopes)

    def get_fields(self, request: HttpRequest, obj: ApiKey | None = None) -> tuple[str, ...]:
        return self.fields if obj else self.add_fields

    def get_readonly_fields(self, request: HttpRequest, obj: ApiKey | None = None) -> tuple[str, ...]:
        return super().get_readonly_fields(request, obj) if obj else ()

    def get_form(self, request: HttpRequest, obj: ApiKey | None = None, **kwargs: Any) -> type[forms.ModelForm]:
        if obj is None:
            kwargs["form"] = self.add_form
        return super().get_form(request, obj, **kwargs)

    def save_model(self, request: HttpRequest, obj: ApiKey, form: ApiKeyForm, change: bool) -> None:
        """New keys are issued by the key service, which alone knows the secret; the admin then
        logs and redirects to the issued row."""
        if change:
            super().save_model(request, obj, form, change)
            return
        issued = issue_api_key(organization=obj.organization, scopes=obj.scopes, username=obj.username, name=obj.name)
        obj.pk = issued.api_key.pk
        obj.refresh_from_db()
        messages.success(request, f"Copy this key now, it will not be shown again: {issued.secret}")


@admin.register(WsseNonce)
class WsseNonceAdmin(ViewOnlyAdminMixin, OrganizationScopedAdminMixin, admin.ModelAdmin):
    """Nonces seen in WSSE headers (replay protection), kept 10 minutes."""

    organization_lookup = "api_key__organization"
    list_display = ("nonce", "api_key", "created_at")
    list_select_related = ("api_key",)
    list_filter = ("api_key__organization",)


@admin.register(IdempotencyRecord)
class IdempotencyRecordAdmin(ViewOnlyAdminMixin, OrganizationScopedAdminMixin, admin.ModelAdmin):
    """Answers kept for ``Idempotency-Key`` retries, 24 hours each (README, "Safe writes")."""

    list_display = ("key", "owner", "status", "created_at", "expires_at")
    list_filter = ("organization", "status")
    search_fields = ("key",)
    exclude = ("body",)
