"""Reads of contacts, always scoped to one organization and prefetched so that rendering a
contact costs a fixed number of queries however many nested rows it has."""

from collections.abc import Iterable

from django.db.models import QuerySet

from attributes.selectors import attribute_values_prefetch
from contacts.models import Contact, ContactChange, Organization
from paths.selectors import contact_paths_prefetch


def contacts_for_read(organization: Organization) -> QuerySet[Contact]:
    return (
        Contact.objects.filter(organization=organization)
        .select_related("record_type")
        .prefetch_related(
            "groups",
            "topics",
            "tags",
            "addresses",
            contact_paths_prefetch(),
            attribute_values_prefetch(),
        )
        .order_by("id")
    )


def contact_history(organization: Organization, contact_id: int) -> QuerySet[ContactChange]:
    return ContactChange.objects.filter(organization=organization, contact_id_value=contact_id).order_by("-at", "-id")


def contact_ids_by_external_id(organization: Organization, external_ids: Iterable[str]) -> dict[str, int]:
    """``{external id: contact id}`` for the given external ids (one query)."""
    wanted = {value for value in external_ids if isinstance(value, str) and value}
    if not wanted:
        return {}
    return dict(
        Contact.objects.filter(organization=organization, external_id__in=wanted).values_list("external_id", "pk")
    )
