"""Contact attribute values, the nested kind ``attributes``: definitions' field ids,
name-to-id resolution (``org_attr_id`` or ``name``), validation of values against
``data_type``/``display_format``/``defined_values``, and set-based reads and writes.

Canonical attribute items are dicts with ``org_attr_id`` and/or ``name`` and ``values``
(a list; an empty list removes the attribute's value).
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Max

from attributes.models import FIRST_FIELD_ID, AttributeDefinition, ContactAttributeValue, DisplayFormat
from attributes.types import InvalidValue, normalize_value
from contacts.foundations.kinds import Definitions, NestedKind
from contacts.foundations.lookup import Named
from contacts.foundations.problems import Location, Problem, ProblemCode
from contacts.models import Organization

ATTRIBUTE_KEYS = frozenset({"org_attr_id", "name", "values"})


def next_field_id(organization: Organization) -> int:
    """The next free keyed-dialect field id of the organization (≥ 100)."""
    highest = AttributeDefinition.objects.filter(organization=organization).aggregate(top=Max("field_id"))["top"]
    return max(FIRST_FIELD_ID, (highest or 0) + 1)


@dataclass(frozen=True, slots=True)
class AttributeState:
    definition_id: int
    values: tuple

    def as_json(self) -> dict:
        return {"org_attr_id": self.definition_id, "values": list(self.values)}


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


class Attributes(NestedKind[AttributeState]):
    field = "attributes"
    label = "contact attribute"
    plural = "Contact attributes"
    keys = ATTRIBUTE_KEYS
    model = ContactAttributeValue
    columns = ("definition_id", "values")
    definitions = Definitions(
        model=AttributeDefinition,
        id_key="org_attr_id",
        name_key="name",
        name_field="name",
        label="attribute",
        missing="An attribute needs an orgAttrId or a name.",
    )
    #: Dialects that address one field at a time (keyed) set single attributes.
    merge_keys = ("attributes_merge",)

    def clean_item(
        self, item: dict, *, at: Location, definition: AttributeDefinition | None, current: tuple
    ) -> tuple[AttributeState | None, list[Problem]]:
        if definition is None:
            return None, []
        values, problems = validate_attribute_values(definition, item.get("values", []), (*at, "values"))
        return AttributeState(definition.pk, values), problems

    def keep(self, state: AttributeState) -> bool:
        """An empty value list removes the attribute's value."""
        return bool(state.values)

    def merge(
        self, key: str, current: tuple, raw: object, *, definitions: Named, at: Location
    ) -> tuple[tuple[AttributeState, ...], list[Problem]]:
        """``attributes_merge``: set only the attributes named (an empty value list removes
        one) and keep the others."""
        states, problems = self.clean_items(raw, definitions=definitions, current=current, at=at)
        named = {state.definition_id: state.values for state in states}
        merged = [AttributeState(s.definition_id, named.pop(s.definition_id, s.values)) for s in current]
        merged.extend(AttributeState(definition_id, values) for definition_id, values in named.items())
        return tuple(state for state in merged if self.keep(state)), problems

    def from_row(self, values: Sequence[object]) -> AttributeState:
        definition_id, stored = values
        return AttributeState(definition_id, tuple(stored))

    def row(self, state: AttributeState) -> dict[str, object]:
        return {"definition_id": state.definition_id, "values": list(state.values)}


ATTRIBUTES = Attributes()
