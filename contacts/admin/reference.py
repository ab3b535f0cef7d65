"""Record types, groups, topics, tags and sources: names unique per organization.

Their ``search_fields`` also serve the contact admin's autocomplete widgets.
"""

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from contacts.admin.tenancy import OrganizationScopedAdminMixin
from contacts.models import Group, RecordType, Source, Tag, Topic
from contacts.services.reference import create_record_type, update_record_type


class OrganizationNamedAdmin(OrganizationScopedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "organization")
    list_filter = ("organization",)
    list_select_related = ("organization",)
    search_fields = ("name",)


class RecordTypeForm(forms.ModelForm):
    # The mark is given, never taken: an organization moves its default by naming a new one.
    make_default = forms.BooleanField(
        required=False, help_text="Make this the organization's default; the previous default loses it."
    )

    class Meta:
        model = RecordType
        fields = ("organization", "name")


@admin.register(RecordType)
class RecordTypeAdmin(OrganizationNamedAdmin):
    form = RecordTypeForm
    list_display = ("name", "organization", "is_default")
    list_filter = ("organization", "is_default")
    fields = ("organization", "name", "is_default", "make_default")
    readonly_fields = ("is_default",)

    def save_model(self, request: HttpRequest, obj: RecordType, form: RecordTypeForm, change: bool) -> None:
        """Saves through the reference services, which keep one default per organization
        (DESIGN §9) by unsetting the old one in the same transaction."""
        make_default = form.cleaned_data["make_default"]
        if change:
            update_record_type(obj, name=obj.name, is_default=make_default)
            return
        created = create_record_type(organization=obj.organization, name=obj.name, is_default=make_default)
        obj.pk = created.pk
        obj.refresh_from_db()


@admin.register(Group)
class GroupAdmin(OrganizationNamedAdmin):
    pass


@admin.register(Topic)
class TopicAdmin(OrganizationNamedAdmin):
    pass


@admin.register(Tag)
class TagAdmin(OrganizationNamedAdmin):
    pass


@admin.register(Source)
class SourceAdmin(OrganizationNamedAdmin):
    pass
