"""Tenancy in the admin (DESIGN §6): a staff user reaches the organizations they are a member of,
superusers reach all. One mixin scopes an admin's rows, its form choices and its list filters."""

import functools
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path
from django.contrib.admin.widgets import AutocompleteMixin
from django.db.models import Field, ForeignKey, ManyToManyField, Model, QuerySet
from django.http import HttpRequest

from contacts.models import Membership


def scope_to_user(queryset: QuerySet, user: Any, organization_lookup: str) -> QuerySet:
    """Rows of ``queryset`` whose organization (reached through ``organization_lookup``) the user
    is a member of; everything for superusers. A subquery, so scoping costs no extra query."""
    if user.is_superuser:
        return queryset
    member_of = Membership.objects.filter(user=user).values("organization_id")
    return queryset.filter(**{f"{organization_lookup}__in": member_of})


class ScopedRelatedFieldListFilter(admin.RelatedFieldListFilter):
    """Offers only related rows of the user's organizations, so a filter never lists another
    tenant's organizations, groups or record types."""

    def field_choices(self, field: Field, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        reachable = model_admin.reachable_rows(field.related_model, request)
        if reachable is None:
            return super().field_choices(field, request, model_admin)
        ordering = self.field_admin_ordering(field, request, model_admin)
        return field.get_choices(
            include_blank=False, ordering=ordering, limit_choices_to={"pk__in": reachable.values("pk")}
        )


class OrganizationScopedAdminMixin:
    """For ModelAdmin and inline classes whose rows belong to an organization.

    ``organization_lookup`` is the path from the model to its Organization ("organization",
    "contact__organization", "pk" for Organization itself). Related models are scoped with the
    lookup of their own registered admin, so each model states its path once.
    """

    organization_lookup: str = "organization"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return scope_to_user(super().get_queryset(request), request.user, self.organization_lookup)

    def reachable_rows(self, model: type[Model], request: HttpRequest) -> QuerySet | None:
        """Rows of ``model`` the user reaches, or None when ``model`` is not organization-scoped
        (users, for memberships)."""
        if not self.admin_site.is_registered(model):
            return None
        related_admin = self.admin_site.get_model_admin(model)
        if not isinstance(related_admin, OrganizationScopedAdminMixin):
            return None
        queryset = model._default_manager.order_by(*(related_admin.get_ordering(request) or ()))
        return scope_to_user(queryset, request.user, related_admin.organization_lookup)

    def formfield_for_foreignkey(self, db_field: ForeignKey, request: HttpRequest, **kwargs: Any) -> forms.Field | None:
        if "queryset" not in kwargs:
            reachable = self.reachable_rows(db_field.related_model, request)
            if reachable is not None:
                kwargs["queryset"] = reachable
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if formfield is not None and not isinstance(formfield.widget, AutocompleteMixin):
            evaluate_choices_once(formfield)
        return formfield

    def formfield_for_manytomany(
        self, db_field: ManyToManyField, request: HttpRequest, **kwargs: Any
    ) -> forms.Field | None:
        if "queryset" not in kwargs:
            reachable = self.reachable_rows(db_field.related_model, request)
            if reachable is not None:
                kwargs["queryset"] = reachable
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_list_filter(self, request: HttpRequest) -> list:
        return [self._scoped_filter(entry) for entry in super().get_list_filter(request)]

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> tuple[str, ...]:
        """A row never moves to another organization: its references would cross tenants."""
        readonly = tuple(super().get_readonly_fields(request, obj))
        if obj is not None and self.organization_lookup == "organization" and "organization" not in readonly:
            return (*readonly, "organization")
        return readonly

    def _scoped_filter(self, entry: Any) -> Any:
        if isinstance(entry, str) and get_fields_from_path(self.model, entry)[-1].is_relation:
            return (entry, ScopedRelatedFieldListFilter)
        return entry


def evaluate_choices_once(formfield: forms.ModelChoiceField) -> None:
    """Run a select's choices query once per request instead of once per inline row: every
    form of a formset is a copy of this field and shares the cached list."""
    iterator = formfield.choices

    @functools.cache
    def choices() -> list:
        return list(iterator)

    formfield.choices = choices


class ViewOnlyAdminMixin:
    """Rows that only the update engine writes (DESIGN §2): their admin shows, never edits.
    They are edited on the contact's page, which saves through the engine."""

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
