"""Contacts and their addresses, paths and attribute values.

The contact change form saves through the update engine (``contact_form``); addresses and
paths (with their quiet time frames) are edited there as inlines, attribute values as one
field per attribute definition of the organization. Their own admin pages only show rows.
The list carries bulk actions (``actions``) and the page the contact's history
(``history_display``).
"""

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from attributes.admin import attribute_field_name, attribute_form_field
from attributes.models import AttributeDefinition
from contacts.admin.actions import BULK_ACTIONS
from contacts.admin.contact_form import ContactAdminForm, ContactInlineFormSet, admin_actor, tag_list_field
from contacts.admin.history_display import render_history
from contacts.admin.imports import ContactImportExportMixin
from contacts.admin.tenancy import OrganizationScopedAdminMixin, ViewOnlyAdminMixin, scope_to_user
from contacts.ids import parse_id
from contacts.models import Address, Channel, Contact, ContactTag, Organization, Tag
from contacts.models.contact import ENGAGEMENT_FIELDS
from contacts.selectors import contact_history
from contacts.services import UpdateRejected, delete_contact
from paths.admin import ContactPathInlineForm
from paths.models import ContactPath

HISTORY_LIMIT = 50
#: Tag names suggested per keystroke, and organizations offered as links on the add page.
TAG_SUGGESTIONS = 20
ORGANIZATION_LINKS = 20


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


class ContactPathInline(OrganizationScopedAdminMixin, admin.StackedInline):
    """Paths in order of preference; each with its quiet time frames, one row per frame."""

    model = ContactPath
    form = ContactPathInlineForm
    formset = ContactInlineFormSet
    organization_lookup = "contact__organization"
    extra = 0
    show_change_link = True
    fields = (("position", "definition", "value"), ("country_code", "skip_validation"), "quiet_time_frames")

    def get_queryset(self, request: HttpRequest) -> QuerySet[ContactPath]:
        return super().get_queryset(request).select_related("definition").prefetch_related("quiet_time_frames")


@admin.register(Contact)
class ContactAdmin(ContactImportExportMixin, OrganizationScopedAdminMixin, admin.ModelAdmin):
    # Narrow enough for a 1,366 px screen next to the filters; the organization column is
    # added only for users who reach several (get_list_display).
    list_display = ("contact_name", "email", "record_type", "status", "updated_at")
    list_display_links = ("contact_name",)
    list_filter = ("organization", "record_type", "groups", "status")
    list_select_related = ("organization", "record_type")
    list_per_page = 50
    # Filtered lists of a large organization skip the second COUNT(*) over all its contacts.
    show_full_result_count = False
    search_fields = ("first_name", "last_name", "email", "external_id", "uid")
    autocomplete_fields = ("record_type", "groups", "topics")
    actions = BULK_ACTIONS
    form = ContactAdminForm
    readonly_fields = (
        "uid",
        "version",
        "created_at",
        "updated_at",
        "created_source",
        "modified_source",
        *ENGAGEMENT_FIELDS,
    )
    inlines = (AddressInline, ContactPathInline)
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
    )

    class Media:
        css = {"all": ("contacts/admin/contact.css",)}

    @admin.display(description="name", ordering="last_name")
    def contact_name(self, obj: Contact) -> SafeString:
        name = f"{obj.first_name} {obj.last_name}".strip() or "(no name)"
        return format_html('{}<br><span class="quiet">{}</span>', name, obj.uid)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Contact]:
        # The change form reads the organization (history), the three many-to-many initials
        # and the stored attribute values.
        return (
            super()
            .get_queryset(request)
            .select_related("organization", "record_type")
            .prefetch_related("groups", "topics", "tag_links__tag", "attribute_values")
        )

    def get_list_display(self, request: HttpRequest) -> tuple[str, ...]:
        columns = tuple(super().get_list_display(request))
        return (*columns, "organization") if len(self.reachable_organizations(request)) > 1 else columns

    def get_list_filter(self, request: HttpRequest) -> list:
        filters = super().get_list_filter(request)
        if len(self.reachable_organizations(request)) > 1:
            return filters
        return [entry for entry in filters if not (isinstance(entry, tuple) and entry[0] == "organization")]

    def reachable_organizations(self, request: HttpRequest) -> list[Organization]:
        """At most two of the user's organizations: enough to tell one from several (one
        query per request)."""
        cache = request.__dict__.setdefault("contact_admin", {})
        if "organizations" not in cache:
            cache["organizations"] = list(scope_to_user(Organization.objects.order_by("name"), request.user, "pk")[:2])
        return cache["organizations"]

    def form_organization(self, request: HttpRequest, obj: Contact | None) -> Organization | None:
        """The organization whose attributes and tags the form offers: the contact's; on the
        add page the one in the address (``?organization=<id>``) or the user's only one."""
        if obj is not None:
            return obj.organization
        cache = request.__dict__.setdefault("contact_admin", {})
        if "form_organization" not in cache:
            wanted = parse_id(request.GET.get("organization"))
            reachable = scope_to_user(Organization.objects.all(), request.user, "pk")
            chosen = reachable.filter(pk=wanted).first() if wanted is not None else None
            if chosen is None:
                only = self.reachable_organizations(request)
                chosen = only[0] if len(only) == 1 else None
            cache["form_organization"] = chosen
        return cache["form_organization"]

    def attribute_definitions(self, request: HttpRequest, organization: Organization | None) -> list:
        if organization is None:
            return []
        cache = request.__dict__.setdefault("contact_admin", {})
        key = ("definitions", organization.pk)
        if key not in cache:
            cache[key] = list(AttributeDefinition.objects.filter(organization=organization).order_by("name"))
        return cache[key]

    def get_fieldsets(self, request: HttpRequest, obj: Contact | None = None) -> list:
        organization = self.form_organization(request, obj)
        definitions = self.attribute_definitions(request, organization)
        if organization is None:
            attributes = {"fields": (), "description": self.organization_links(request)}
        elif not definitions:
            attributes = {"fields": (), "description": "This organization defines no attributes."}
        else:
            attributes = {"fields": [attribute_field_name(definition) for definition in definitions]}
        fieldsets = list(super().get_fieldsets(request, obj))
        place = next(i for i, (name, _) in enumerate(fieldsets) if name == "Groups, topics and tags") + 1
        return [*fieldsets[:place], ("Attributes", attributes), *fieldsets[place:]]

    def organization_links(self, request: HttpRequest) -> SafeString:
        """The add page before its organization is known: the attribute fields come with it."""
        organizations = scope_to_user(Organization.objects.order_by("name"), request.user, "pk")[:ORGANIZATION_LINKS]
        url = reverse("admin:contacts_contact_add")
        links = format_html_join(
            " · ", '<a href="{}?organization={}">{}</a>', ((url, org.pk, org.name) for org in organizations)
        )
        return format_html(
            "The attribute fields appear once the organization is known: save the contact first and "
            "set its attributes afterwards, or start again for one organization: {}",
            links,
        )

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        initial = super().get_changeform_initial_data(request)
        organization = self.form_organization(request, None)
        # The organization whose attribute fields the page shows (never one out of reach).
        initial["organization"] = organization.pk if organization is not None else None
        return initial

    def get_form(self, request: HttpRequest, obj: Contact | None = None, change: bool = False, **kwargs: Any):
        """The contact form with one field per attribute definition of the organization (the
        admin declares them, as a form class cannot know the organization)."""
        organization = self.form_organization(request, obj)
        definitions = self.attribute_definitions(request, organization)
        stored = {row.definition_id: row.values for row in obj.attribute_values.all()} if obj is not None else {}
        declared = {
            attribute_field_name(definition): attribute_form_field(definition, stored.get(definition.pk, ()))
            for definition in definitions
        }
        declared["tag_list"] = tag_list_field(
            names_url=reverse(f"{self.admin_site.name}:contacts_contact_tag_names"),
            organization_id=organization.pk if organization is not None else None,
        )
        attrs = {**declared, "admin_request": request, "attribute_definitions": definitions}
        kwargs["form"] = type(self.form.__name__, (self.form,), attrs)
        return super().get_form(request, obj, change=change, **kwargs)

    def get_urls(self) -> list[URLPattern]:
        names = path("tag-names/", self.admin_site.admin_view(self.tag_names_view), name="contacts_contact_tag_names")
        return [names, *super().get_urls()]

    def tag_names_view(self, request: HttpRequest) -> JsonResponse:
        """Tag names of one organization starting with ``term``, for the tag field's
        suggestions. Another organization's names are never found (scoped by membership)."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        tags = scope_to_user(
            Tag.objects.filter(organization_id=parse_id(request.GET.get("organization"))), request.user, "organization"
        )
        term = request.GET.get("term", "").strip()
        if term:
            tags = tags.filter(name__istartswith=term)
        return JsonResponse({"results": list(tags.order_by("name").values_list("name", flat=True)[:TAG_SUGGESTIONS])})

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Contact | None = None,
    ) -> TemplateResponse:
        if obj is not None and obj.pk is not None:
            context["contact_history"] = self.history_section(obj)
            context["contact_history_limit"] = HISTORY_LIMIT
        return super().render_change_form(request, context, add, change, form_url, obj)

    def history_section(self, obj: Contact) -> SafeString:
        """The latest changes as readable rows, and where their change events went."""
        changes = list(contact_history(obj.organization, obj.pk)[:HISTORY_LIMIT])
        deliveries = reverse("admin:contacts_webhookdelivery_changelist") + f"?q={obj.pk}"
        link = format_html('<p><a href="{}">Its events\u2019 webhook deliveries</a></p>', deliveries)
        if not changes:
            return link + format_html("<p>{}</p>", "No changes recorded.")
        return link + render_history(obj.organization, changes)

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
        """Groups, topics, tags, attributes and the inlines were written by the engine with
        the contact."""

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
