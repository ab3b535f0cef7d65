"""Organizations and the memberships that give staff users access to them."""

from django.contrib import admin

from contacts.admin.tenancy import OrganizationScopedAdminMixin
from contacts.models import Membership, Organization


class MembershipInline(admin.TabularInline):
    # The parent organization is already scoped; users are picked by search, never listed.
    model = Membership
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(Organization)
class OrganizationAdmin(OrganizationScopedAdminMixin, admin.ModelAdmin):
    organization_lookup = "pk"
    list_display = ("name", "id")
    search_fields = ("name",)
    inlines = (MembershipInline,)


@admin.register(Membership)
class MembershipAdmin(OrganizationScopedAdminMixin, admin.ModelAdmin):
    list_display = ("user", "organization")
    list_filter = ("organization",)
    list_select_related = ("user", "organization")
    search_fields = ("user__username", "organization__name")
    autocomplete_fields = ("user", "organization")
