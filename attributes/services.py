"""Contact attributes: definitions' field ids, name-to-id resolution, validation of values
against ``data_type``/``display_format``/``defined_values``, and the set-based reads and
writes the update engine calls.

Canonical attribute items are dicts with ``org_attr_id`` and/or ``name`` and ``values``
(a list; an empty list removes the attribute's value).
"""

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Max

from attributes.models import FIRST_FIELD_ID, AttributeDefinition, ContactAttributeValue, DisplayFormat
from attributes.types import InvalidValue, normalize_value
from contacts.models import Organization
from contacts.services.lookup import Named, find_named, item_keys, resolve_one
from contacts.services.sql import fetch_by_ids, insert_rows, table, update_rows
from contacts.services.types import Location, Problem, ProblemCode, unknown_fields

ATTRIBUTE_KEYS = frozenset({"org_attr_id", "name", "values"})


def next_field_id(organization: Organization) -> int:
    """The next free keyed-dialect field id of the organization (≥ 100)."""
    highest = AttributeDefinition.objects.filter(organization=organization).aggregate(top=Max("field_id"))["top"]
    return max(FIRST_FIELD_ID, (highest or 0) + 1)


@dataclass(frozen=True)
class AttributeState:
    definition_id: int
    values: tuple

    def as_json(self) -> dict:
        return {"org_attr_id": self.definition_id, "values": list(self.values)}


@dataclass(frozen=True)
class StoredAttribute:
    row_id: int
    position: int
    state: AttributeState


def resolve_attribute_definitions(*, organization: Organization, items: Iterable[object]) -> Named:
    """Every definition the items name by ``org_attr_id`` or ``name`` (one query)."""
    ids, names = item_keys(items, "org_attr_id", "name")
    return find_named(AttributeDefinition, organization, ids=ids, names=names)


def validate_attribute_values(
    definition: AttributeDefinition, raw: object, at: Location
) -> tuple[tuple, list[Problem]]:
    """Values in stored form: typed by ``data_type``, among ``defined_values`` for choice
    formats, at most one for single choice (L). Duplicates collapse to one."""
    if not isinstance(raw, list):
        raw = [raw]
        at_value = at
    else:
        at_value = None
    values, problems = [], []
    allowed = {str(value): value for value in definition.defined_values}
    for index, value in enumerate(raw):
        here = at_value or (*at, index)
        try:
            normalized = normalize_value(definition.data_type, value)
        except InvalidValue as error:
            problems.append(Problem(here, ProblemCode.INVALID, f"{definition.name}: {value!r} {error}."))
            continue
        if definition.is_choice:
            if str(normalized) not in allowed:
                choices = ", ".join(map(str, definition.defined_values))
                problems.append(
                    Problem(
                        here,
                        ProblemCode.NOT_ALLOWED,
                        f"{definition.name}: {value!r} is not one of: {choices}.",
                    )
                )
                continue
            normalized = allowed[str(normalized)]
        if normalized not in values:
            values.append(normalized)
    if definition.display_format == DisplayFormat.SINGLE_CHOICE and len(values) > 1:
        problems.append(Problem(at, ProblemCode.INVALID, f"{definition.name} takes a single value."))
    return tuple(values), problems


def clean_attributes(
    raw: object, *, definitions: Named, at: Location = ("attributes",)
) -> tuple[tuple[AttributeState, ...], list[Problem]]:
    """Turn canonical attribute items into the contact's new attribute values (the list
    replaces the stored one). The id wins over the name; unknown ones, invalid values and
    duplicates are reported."""
    items, problems = _clean_items(raw, definitions, at)
    return tuple(AttributeState(definition_id, values) for definition_id, values in items if values), problems


def merge_attributes(
    current: tuple[AttributeState, ...], raw: object, *, definitions: Named, at: Location
) -> tuple[tuple[AttributeState, ...], list[Problem]]:
    """Set only the attributes named (an empty value list removes one) and keep the others:
    how dialects that address one field at a time (keyed) change attributes."""
    items, problems = _clean_items(raw, definitions, at)
    named = dict(items)
    merged = [AttributeState(state.definition_id, named.pop(state.definition_id, state.values)) for state in current]
    merged.extend(AttributeState(definition_id, values) for definition_id, values in named.items())
    return tuple(state for state in merged if state.values), problems


def _clean_items(raw: object, definitions: Named, at: Location) -> tuple[list[tuple[int, tuple]], list[Problem]]:
    if not isinstance(raw, list):
        return [], [Problem(at, ProblemCode.INVALID, "Contact attributes must be a list.")]
    items, problems, seen = [], [], set()
    for index, item in enumerate(raw):
        here = (*at, index)
        if not isinstance(item, dict):
            problems.append(Problem(here, ProblemCode.INVALID, "A contact attribute must be an object."))
            continue
        item_problems = unknown_fields(item, ATTRIBUTE_KEYS, here, "contact attribute")
        definition = _definition_for(item, definitions, here, item_problems)
        values: tuple = ()
        if definition is not None:
            if definition.pk in seen:
                item_problems.append(
                    Problem(here, ProblemCode.DUPLICATE, f"The attribute {definition.name!r} is listed more than once.")
                )
            seen.add(definition.pk)
            values, value_problems = validate_attribute_values(definition, item.get("values", []), (*here, "values"))
            item_problems.extend(value_problems)
        problems.extend(item_problems)
        if not item_problems and definition is not None:
            items.append((definition.pk, values))
    return items, problems


def _definition_for(
    item: dict, definitions: Named, here: Location, problems: list[Problem]
) -> AttributeDefinition | None:
    """The id wins over the name (DESIGN §4); an unknown one is reported."""
    definition, found = resolve_one(
        definitions,
        raw_id=item.get("org_attr_id"),
        raw_name=item.get("name"),
        id_at=(*here, "org_attr_id"),
        name_at=(*here, "name"),
        label="attribute",
    )
    problems.extend(found)
    if definition is None and not found:
        problems.append(
            Problem((*here, "org_attr_id"), ProblemCode.REQUIRED, "An attribute needs an orgAttrId or a name.")
        )
    return definition


def load_attributes(contact_ids: Iterable[int]) -> dict[int, list[StoredAttribute]]:
    """Stored attribute values of many contacts (one query)."""
    stored: dict[int, list[StoredAttribute]] = defaultdict(list)
    for row_id, contact_id, definition_id, position, values in fetch_by_ids(
        'SELECT id, contact_id, definition_id, position, "values" '
        f"FROM {table(ContactAttributeValue)} WHERE contact_id IN ({{ids}}) ORDER BY contact_id, position, id",
        list(contact_ids),
    ):
        values = json.loads(values) if isinstance(values, str) else values
        stored[contact_id].append(StoredAttribute(row_id, position, AttributeState(definition_id, tuple(values))))
    return stored


def write_attributes(changes: dict[int, tuple[list[StoredAttribute], tuple[AttributeState, ...]]]) -> None:
    """Apply new attribute lists, ``{contact_id: (stored, wanted)}``: one delete, one bulk
    update and one bulk insert at most, whatever the number of contacts."""
    removed, updated, created = [], [], []
    for contact_id, (stored, wanted) in changes.items():
        by_definition = {item.state.definition_id: item for item in stored}
        wanted_ids = {state.definition_id for state in wanted}
        removed.extend(item.row_id for item in stored if item.state.definition_id not in wanted_ids)
        for position, state in enumerate(wanted):
            old = by_definition.get(state.definition_id)
            row = {
                "contact_id": contact_id,
                "definition_id": state.definition_id,
                "position": position,
                "values": list(state.values),
            }
            if old is None:
                created.append(row)
            elif (old.position, old.state.values) != (position, state.values):
                updated.append({"id": old.row_id, **row})
    if removed:
        ContactAttributeValue.objects.filter(pk__in=removed).delete()
    if updated:
        update_rows(ContactAttributeValue, updated, ["position", "values"])
    if created:
        insert_rows(ContactAttributeValue, created)
