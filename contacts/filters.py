"""Query filters of the native contact list (django-filter), camelCase as on the wire."""

import datetime

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Lower
from django_filters.fields import IsoDateTimeField
from drf_spectacular.utils import extend_schema_field

from contacts.ids import MAX_ID
from contacts.models import EMAIL_KEY, Contact


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(django_filters.NumberFilter):
    """An integer id; out-of-range values are a 400, never a database overflow."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class InstantField(IsoDateTimeField):
    """An ISO 8601 instant, handed to the database in UTC: an offset the database cannot
    hold (``+16:30``) is converted first, and an instant outside its years is a 400."""

    def to_python(self, value: object) -> datetime.datetime | None:
        if value == "":
            raise ValidationError("Enter an instant such as 2024-01-31T09:00:00Z.", code="invalid")
        try:
            instant = super().to_python(value)
            return instant.astimezone(datetime.UTC) if instant is not None else None
        except (OverflowError, ValueError) as error:
            raise ValidationError("Enter an instant between the years 1 and 9999.", code="invalid") from error


@extend_schema_field({"type": "string", "format": "date-time"})
class InstantFilter(django_filters.IsoDateTimeFilter):
    field_class = InstantField


class ContactFilter(django_filters.FilterSet):
    externalId = django_filters.CharFilter(field_name="external_id", help_text="Exact external id.")
    email = django_filters.CharFilter(method="filter_email", help_text="Email, any case.")
    recordTypeId = IdFilter(field_name="record_type_id", help_text="Record type id.")
    groupId = IdFilter(field_name="groups", help_text="Member of this group id.")
    updatedSince = InstantFilter(
        field_name="updated_at", lookup_expr="gte", help_text="Updated at or after this ISO 8601 instant."
    )
    search = django_filters.CharFilter(
        method="filter_search", help_text="Text in first or last name, email, company or external id."
    )

    class Meta:
        model = Contact
        fields: list[str] = []

    def filter_email(self, queryset: QuerySet[Contact], name: str, value: str) -> QuerySet[Contact]:
        # Both sides lowered by the database, so that they agree wherever it lowers only ASCII.
        return queryset.alias(email_key=EMAIL_KEY).filter(email_key=Lower(Value(value)))

    def filter_search(self, queryset: QuerySet[Contact], name: str, value: str) -> QuerySet[Contact]:
        condition = Q()
        for term in value.split():
            condition &= (
                Q(first_name__icontains=term)
                | Q(last_name__icontains=term)
                | Q(email__icontains=term)
                | Q(company_name__icontains=term)
                | Q(external_id__icontains=term)
            )
        return queryset.filter(condition)
