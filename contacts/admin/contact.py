"""Contacts and their addresses, paths and attribute values.

The contact change form saves through the update engine (``contact_form``); addresses, paths
and attribute values are edited there as inlines. Their own admin pages only show rows.
"""

import json
from collections.abc import Iterable
from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from attributes.models import ContactAttributeValue
from contacts.admin.contact_form import ContactAdminForm, ContactInlineFormSet, admin_actor
from contacts.admin.tenancy import OrganizationScopedAdminMixin, ViewOnlyAdminMixin
from contacts.models import Address, Channel, Contact, ContactChange, ContactTag
from contacts.models.contact import ENGAGEMENT_FIELDS
from contacts.selectors import contact_history
from contacts.services import UpdateRejected, delete_contact
from paths.admin import ContactPathInlineForm
from paths.models import ContactPath

HISTORY_LIMIT = 50


class AddressInline(OrganizationScopedAdminMixin, admin.TabularInline):
    model = Address
    formset = ContactInlineFormSet
    organization_lookup = "contact__organization"
    extra = 0
    fields = (
        "position",
        "location_name",
        "street_address",
        "suite",
        "city",
        "state",
        "postal_code",
        "country",
        "latitude",
        "longitude",
    )


class ContactPathInline(OrganizationScopedAdminMixin, admin.TabularInline):
    """Paths in order of preference, with their quiet time frames (JSON in the API's shape)."""

    model = ContactPath
    form = ContactPathInlineForm
    formset = ContactInlineFormSet
    organization_lookup = "contact__organization"
    extra = 0
    show_change_link = True
    fields = ("position", "definition", "value", "country_code", "skip_validation", "quiet_time_frames")

    def get_queryset(self, request: HttpRequest) -> QuerySet[ContactPath]:
        return super().get_queryset(request).select_related("definition").prefetch_related("quiet_time_frames")


class ContactAttributeValueInline(OrganizationScopedAdminMixin, admin.TabularInline):
    model = ContactAttributeValue
    formset = ContactInlineFormSet
    organization_lookup = "contact__organization"
    extra = 0
    fields = ("position", "definition", "values")

    def get_queryset(self, request: HttpRequest) -> QuerySet[ContactAttributeValue]:
        return super().get_queryset(request).select_related("definition")


@admin.register(Contact)
class ContactAdmin(OrganizationScopedAdminMixin, admin.ModelAdmin):
    list_display = ("uid", "first_name", "last_name", "email", "organization", "record_type", "status")
    list_display_links = ("uid",)
    list_filter = ("organization", "record_type", "groups", "status")
    list_select_related = ("organization", "record_type")
    search_fields = ("first_name", "last_name", "email", "external_id", "uid")
    autocomplete_fields = ("record_type", "groups", "topics")
    form = ContactAdminForm
    readonly_fields = (
        "uid",
        "version",
        "created_at",
        "updated_at",
        "created_source",
        "modified_source",
        *ENGAGEMENT_FIELDS,
        "history",
    )
    inlines = (AddressInline, ContactPathInline, ContactAttributeValueInline)
    fieldsets = (
        (
            "Identity",
            {
                "fields": (
                    "organization",
                    ("uid", "version"),
                    "external_id",
                    "record_type",
                    ("created_at", "updated_at"),
                    ("created_source", "modified_source"),
                )
            },
        ),
        ("Name", {"fields": ("first_name", "last_name", "middle_initial", "suffix", "title")}),
        (
            "Reach",
            {"fields": ("email", "phone", "phone_home", "fax", "timezone_id", "preferred_email_format", "status")},
        ),
        ("Work", {"fields": ("company_name", "company_position", "department", "industry", "linkedin_url")}),
        ("Personal", {"fields": ("birth_date", "gender", "marital_status", "education_level")}),
        ("Groups, topics and tags", {"fields": ("groups", "topics", "tag_list")}),
        (
            "Legacy ids and custom fields",
            {
                "classes": ("collapse",),
                "fields": ("country_id", "city_id", "hash_key", "create_notifications", "custom_fields"),
            },
        ),
        ("Engagement (read-only)", {"classes": ("collapse",), "fields": ENGAGEMENT_FIELDS}),
        ("History", {"classes": ("collapse",), "fields": ("history",)}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Contact]:
        # The change form reads the organization (history) and the three many-to-many initials.
        return (
            super()
            .get_queryset(request)
            .select_related("organization", "record_type")
            .prefetch_related("groups", "topics", "tag_links__tag")
        )

    def get_form(self, request: HttpRequest, obj: Contact | None = None, change: bool = False, **kwargs: Any):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"admin_request": request})

    def changeform_view(
        self, request: HttpRequest, object_id: str | None = None, form_url: str = "", extra_context=None
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except UpdateRejected as rejected:
            # Another writer changed what the form's check relied on between the check and
            # the save; nothing was written (the view's transaction rolled back).
            self.message_user(request, f"Not saved, please review and save again: {rejected}", messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def save_model(self, request: HttpRequest, obj: Contact, form: ContactAdminForm, change: bool) -> None:
        """Write the change the form checked, through the engine, and load what it stored."""
        obj.pk = form.apply().contact_id
        obj.refresh_from_db()

    def save_related(self, request: HttpRequest, form: ContactAdminForm, formsets: list, change: bool) -> None:
        """Groups, topics, tags and the inlines were written by the engine with the contact."""

    def construct_change_message(self, request: HttpRequest, form: ContactAdminForm, formsets: list, add: bool):
        status = form.engine_result.status if form.engine_result else "unchanged"
        return [{"added": {}}] if add else f"Saved through the update engine ({status})."

    def get_deleted_objects(self, objs, request: HttpRequest):
        # Addresses, paths and attribute values go with their contact; their admins are
        # view-only, which must not stop a user allowed to delete the contact.
        deleted, model_count, _, protected = super().get_deleted_objects(objs, request)
        return deleted, model_count, set(), protected

    def delete_model(self, request: HttpRequest, obj: Contact) -> None:
        delete_contact(
            organization=obj.organization, contact_id=obj.pk, actor=admin_actor(request), channel=Channel.ADMIN
        )

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Contact]) -> None:
        for contact in queryset.select_related("organization"):
            self.delete_model(request, contact)

    @admin.display(description=f"latest {HISTORY_LIMIT} changes")
    def history(self, obj: Contact) -> str:
        if obj.pk is None:
            return "—"
        changes = list(contact_history(obj.organization, obj.pk)[:HISTORY_LIMIT])
        deliveries = reverse("admin:contacts_webhookdelivery_changelist") + f"?q={obj.pk}"
        link = format_html('<p><a href="{}">Its events\u2019 webhook deliveries</a></p>', deliveries)
        return link + (render_history(changes) if changes else "No changes recorded.")


def render_history(changes: Iterable[ContactChange]) -> SafeString:
    """A small table of history rows; every value is escaped, as history holds client input."""
    rows = format_html_join(
        "",
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        (
            (
                formats.localize(timezone.template_localtime(change.at)),
                change.channel,
                change.mode,
                change.actor,
                render_field_changes(change.changes),
            )
            for change in changes
        ),
    )
    return format_html(
        "<table><thead><tr><th>at</th><th>channel</th><th>mode</th><th>actor</th><th>changes</th></tr>"
        "</thead><tbody>{}</tbody></table>",
        rows,
    )


def render_field_changes(changes: dict) -> SafeString:
    """One line per field, ``field: before → after`` (DESIGN §5.1 history entries)."""
    return format_html_join(
        mark_safe("<br>"),
        "{}: {} → {}",
        ((field, _as_text(change.get("before")), _as_text(change.get("after"))) for field, change in changes.items()),
    )


def _as_text(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


@admin.register(Address)
class AddressAdmin(ViewOnlyAdminMixin, OrganizationScopedAdminMixin, admin.ModelAdmin):
    organization_lookup = "contact__organization"
    list_display = ("__str__", "contact", "position", "city", "postal_code", "country")
    list_filter = ("contact__organization",)
    list_select_related = ("contact",)
    search_fields = ("city", "postal_code", "street_address", "contact__email", "contact__uid")
    autocomplete_fields = ("contact",)


@admin.register(ContactTag)
class ContactTagAdmin(ViewOnlyAdminMixin, OrganizationScopedAdminMixin, admin.ModelAdmin):
    """A contact's tags in order; edited on the contact's page ("Tags")."""

    organization_lookup = "contact__organization"
    list_display = ("tag", "contact", "position")
    list_filter = ("contact__organization",)
    list_select_related = ("tag", "contact")
    search_fields = ("tag__name", "contact__email", "contact__uid")
