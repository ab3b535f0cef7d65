"""Reads of contacts, always scoped to one organization and prefetched so that rendering a
contact costs a fixed number of queries however many nested rows it has."""

from collections.abc import Iterable
from decimal import Decimal

from django.db.models import CharField, F, Prefetch, Q, QuerySet
from django.db.models.functions import Cast

from attributes.models import AttributeDefinition, ContactAttributeValue, DataType
from attributes.selectors import attribute_values_prefetch
from attributes.services import validate_attribute_values
from contacts.foundations.external_ids import contact_ids_by_external_id
from contacts.foundations.sql import owned_by
from contacts.ids import parse_id
from contacts.models import EMAIL_KEY, Contact, ContactChange, ContactTag, Organization
from paths.models import PathDefinition
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
    return Contact.objects.filter(owned_by(organization.pk)).only("id", "uid", "version").get(pk=contact_id)


def contact_history(organization: Organization, contact_id: int) -> QuerySet[ContactChange]:
    return ContactChange.objects.filter(organization=organization, contact_id_value=contact_id).order_by("-at", "-id")


def changes_after(
    organization: Organization, after: int, up_to: int, limit: int, modes: Iterable[str] | None = None
) -> list[ContactChange]:
    """The organization's next changes after the change ``after`` and up to ``up_to``, its
    settled id (``settled_change_ids``), oldest first: a change still committing is left
    for a later read, so a reader that goes on from the last id it was given skips none."""
    if up_to <= after:
        return []
    changes = ContactChange.objects.filter(organization=organization, id__gt=after, id__lte=up_to)
    if modes is not None:
        changes = changes.filter(mode__in=list(modes))
    return list(changes.order_by("id")[:limit])


def spreadsheet_definitions(organization: Organization) -> tuple[list[str], dict[str, str]]:
    """The organization's path prompts, and attribute names with their data types, by name:
    the path and attribute columns of its spreadsheets (two queries)."""
    prompts = list(
        PathDefinition.objects.filter(organization=organization).order_by("prompt").values_list("prompt", flat=True)
    )
    attributes = dict(
        AttributeDefinition.objects.filter(organization=organization).order_by("name").values_list("name", "data_type")
    )
    return prompts, attributes


def contact_ids_by_key(organization: Organization, column: str, values: Iterable[object]) -> dict[str, list[int]]:
    """Contacts whose ``column`` (``id``, ``uid`` or a contact field) has one of ``values``:
    ``{str(value): [ids]}`` in one query. Emails match regardless of case."""
    wanted = {str(value) for value in values if value not in (None, "")}
    if column == "id":
        wanted = {value for value in wanted if parse_id(value) is not None}
    if not wanted:
        return {}
    if column == "external_id":
        return {value: [contact_id] for value, contact_id in contact_ids_by_external_id(organization, wanted).items()}
    # A unique column's index finds the rows, whatever the organization's size (``owned``).
    scope = owned_by(organization.pk) if column in ("id", "uid") else Q(organization=organization)
    contacts = Contact.objects.filter(scope)
    if column == "email":
        contacts = contacts.annotate(key=EMAIL_KEY).filter(key__in={value.lower() for value in wanted})
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


def contact_ids_by_attribute(
    organization: Organization, definition: AttributeDefinition, values: Iterable[object]
) -> dict[str, list[int]]:
    """Contacts whose value of a single-valued attribute is one of ``values`` (each compared
    in its stored form, so ``"7"`` finds a number 7): ``{str(value): [ids]}`` in one query.
    A value the attribute could not hold matches nothing."""
    forms: dict[str, list[list]] = {}
    for value in values:
        cleaned, problems = validate_attribute_values(definition, [value], ())
        if value not in (None, "") and not problems and len(cleaned) == 1:
            forms[str(value)] = [[form] for form in _stored_forms(definition, cleaned[0])]
    if not forms:
        return {}
    condition = Q()
    for candidates in forms.values():
        for candidate in candidates:
            condition |= Q(values=candidate)
    rows = (
        ContactAttributeValue.objects.filter(condition, definition=definition, contact__organization=organization)
        .values_list("values", "contact_id")
        .order_by("contact_id")
    )
    found: dict[str, list[int]] = {}
    for row_values, contact_id in rows:
        for key, candidates in forms.items():
            if row_values in candidates:
                found.setdefault(key, []).append(contact_id)
    return found


def _stored_forms(definition: AttributeDefinition, value: object) -> list[object]:
    """The forms a value may be stored in: a number arrives as JSON number or as text."""
    if definition.data_type != DataType.NUMBER or isinstance(value, bool):
        return [value]
    number = Decimal(str(value))
    as_number = int(number) if number == number.to_integral_value() else float(number)
    return list(dict.fromkeys([value, as_number, str(value)]))


HISTORY_LIMIT = 500


def contact_history_entries(organization: Organization, contact_id: int) -> list[dict]:
    """The latest history entries of a contact as plain values, newest first, for the
    dialects that answer ``/history`` without pagination."""
    rows = contact_history(organization, contact_id).values(
        "id", "at", "channel", "mode", "actor", "source_id", "changes"
    )
    return list(rows[:HISTORY_LIMIT])
