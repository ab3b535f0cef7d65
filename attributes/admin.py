"""Attribute definitions and contact attribute values."""

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from attributes.models import FIRST_FIELD_ID, AttributeDefinition, ContactAttributeValue
from attributes.services import next_field_id
from contacts.admin.tenancy import OrganizationScopedAdminMixin, ViewOnlyAdminMixin


class AttributeDefinitionForm(forms.ModelForm):
    # DESIGN §9: fieldId is optional on create, else the next free one; it never changes.
    field_id = forms.IntegerField(
        required=False, min_value=FIRST_FIELD_ID, help_text="Leave blank for the next free id."
    )

    class Meta:
        model = AttributeDefinition
        fields = ("organization", "name", "data_type", "display_format", "defined_values", "field_id")

    def clean(self) -> dict:
        cleaned = super().clean()
        organization = cleaned.get("organization")
        if self.instance.pk is None and cleaned.get("field_id") is None and organization is not None:
            # Assigned before model validation, so the unique (organization, field_id) check sees it.
            cleaned["field_id"] = next_field_id(organization)
        return cleaned


@admin.register(AttributeDefinition)
class AttributeDefinitionAdmin(OrganizationScopedAdminMixin, admin.ModelAdmin):
    form = AttributeDefinitionForm
    list_display = ("name", "field_id", "data_type", "display_format", "organization")
    list_filter = ("organization", "data_type", "display_format")
    list_select_related = ("organization",)
    search_fields = ("name",)

    def get_readonly_fields(self, request: HttpRequest, obj: AttributeDefinition | None = None) -> tuple[str, ...]:
        readonly = super().get_readonly_fields(request, obj)
        return (*readonly, "field_id") if obj else readonly


@admin.register(ContactAttributeValue)
class ContactAttributeValueAdmin(ViewOnlyAdminMixin, OrganizationScopedAdminMixin, admin.ModelAdmin):
    organization_lookup = "contact__organization"
    list_display = ("__str__", "contact", "definition", "position")
    list_filter = ("contact__organization",)
    list_select_related = ("contact", "definition")
    search_fields = ("definition__name", "contact__email", "contact__uid")
    autocomplete_fields = ("contact", "definition")
