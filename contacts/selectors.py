"""Reads of contacts, always scoped to one organization and prefetched so that rendering a
contact costs a fixed number of queries however many nested rows it has."""

from collections.abc import Iterable

from django.db.models import CharField, F, Prefetch, QuerySet
from django.db.models.functions import Cast, Lower

from attributes.selectors import attribute_values_prefetch
from contacts.ids import parse_id
from contacts.models import Contact, ContactChange, ContactTag, Organization
from paths.selectors import contact_paths_prefetch


def contacts_for_read(organization: Organization) -> QuerySet[Contact]:
    return (
        Contact.objects.filter(organization=organization)
        .select_related("record_type", "created_source")
        .prefetch_related(
            "groups",
            "topics",
            Prefetch("tag_links", queryset=ContactTag.objects.select_related("tag")),
            "addresses",
            contact_paths_prefetch(),
            attribute_values_prefetch(),
        )
        .order_by("id")
    )


def contact_identity(organization: Organization, contact_id: int) -> Contact:
    """Only the id, uid and version of a contact: what a write answers a caller that may
    not read contacts."""
    return Contact.objects.filter(organization=organization).only("id", "uid", "version").get(pk=contact_id)


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


def contact_ids_by_key(organization: Organization, column: str, values: Iterable[object]) -> dict[str, list[int]]:
    """Contacts whose ``column`` (``id``, ``uid`` or a contact field) has one of ``values``:
    ``{str(value): [ids]}`` in one query. Emails match regardless of case."""
    wanted = {str(value) for value in values if value not in (None, "")}
    if column == "id":
        wanted = {value for value in wanted if parse_id(value) is not None}
    if not wanted:
        return {}
    contacts = Contact.objects.filter(organization=organization)
    if column == "email":
        contacts = contacts.annotate(key=Lower("email")).filter(key__in={value.lower() for value in wanted})
    elif column == "id":
        contacts = contacts.annotate(key=Cast("id", CharField())).filter(pk__in={int(value) for value in wanted})
    elif isinstance(Contact._meta.get_field(column), CharField):
        contacts = contacts.annotate(key=F(column)).filter(**{f"{column}__in": wanted})
    else:
        # Dates and numbers are matched as text, so a malformed value simply matches nothing.
        contacts = contacts.annotate(key=Cast(column, CharField())).filter(key__in=wanted)
    found: dict[str, list[int]] = {}
    for key, contact_id in contacts.values_list("key", "pk").order_by("pk"):
        found.setdefault(key, []).append(contact_id)
    return found


HISTORY_LIMIT = 500


def contact_history_entries(organization: Organization, contact_id: int) -> list[dict]:
    """The latest history entries of a contact as plain values, newest first, for the
    dialects that answer ``/history`` without pagination."""
    rows = contact_history(organization, contact_id).values(
        "id", "at", "channel", "mode", "actor", "source_id", "changes"
    )
    return list(rows[:HISTORY_LIMIT])
