"""Read helpers for contact attributes."""

from django.db.models import Prefetch

from attributes.models import AttributeDefinition, ContactAttributeValue


def attribute_values_prefetch(lookup: str = "attribute_values") -> Prefetch:
    """Prefetch a contact's attribute values with their definitions (1 query)."""
    return Prefetch(lookup, queryset=ContactAttributeValue.objects.select_related("definition"))


def attribute_definitions(organization):
    return AttributeDefinition.objects.filter(organization=organization)
