"""Keyed wire format ↔ canonical names (pure translation): field ids to ChangeSet values,
engine problems to reply codes and the seeds' messages."""

from dataclasses import dataclass, field
from typing import Any

from contacts.dialects.keyed.fields import (
    ADDRESS,
    ATTRIBUTE,
    EXTERNAL_ID_FIELD,
    SCALAR,
    SYSTEM_FIELDS,
    Field,
    choice_value,
)
from contacts.services import Problem, ProblemCode

OK = 0
BATCH_TOO_LARGE = 1000
MALFORMED = 1001
#: Idempotency-Key refusals (DESIGN §10): a malformed key, a key reused for another request,
#: a key whose first request still runs.
IDEMPOTENCY_KEY_REUSED = 1002
IDEMPOTENCY_KEY_IN_USE = 1003
IDEMPOTENCY_CODES = {
    "INVALID_IDEMPOTENCY_KEY": MALFORMED,
    "IDEMPOTENCY_KEY_REUSED": IDEMPOTENCY_KEY_REUSED,
    "IDEMPOTENCY_KEY_IN_USE": IDEMPOTENCY_KEY_IN_USE,
}
#: An all-or-none batch in which an item failed: nothing was applied (DESIGN §10).
BATCH_NOT_APPLIED = 1004
ID_AS_KEY_ON_CREATE = 2004
INVALID_VALUE = 2005
UNKNOWN_FIELD = 2006
ID_SET_ON_CREATE = 2007
NOT_FOUND = 2008
EXTERNAL_ID_TAKEN = 2009
AMBIGUOUS = 2010
UNKNOWN_SOURCE = 2011
#: Reply code for failures outside the update rules (credentials, scope, throttling, routing).
REQUEST_REFUSED = 1

NOT_APPLIED_TEXT = "An item failed, so no item was applied (all_or_none)."

ID_KEYS = ("id", "uid")
CONTROL_KEYS = ("key_id", "source_id", "contacts")


class KeyedError(Exception):
    """A refusal in the keyed envelope: HTTP status, reply code and reply text."""

    def __init__(self, reply_code: int, reply_text: str, status: int = 400, data: Any = "") -> None:
        super().__init__(reply_text)
        self.reply_code = reply_code
        self.reply_text = reply_text
        self.status = status
        self.data = data


def reply(data: Any, reply_code: int = OK, reply_text: str = "OK") -> dict[str, Any]:
    return {"replyCode": reply_code, "replyText": reply_text, "data": data}


def request_refusal(status: int, message: str) -> dict[str, Any]:
    """A refusal outside the update rules: malformed URL (400), missing length (411), body
    too large (413), throttling (429), an unavailable service (503) and a server error (500)
    carry their status as reply code; an unknown route or method is a malformed request
    (1001); credentials and scope are refused with 1."""
    if status in (404, 405):
        return reply("", MALFORMED, message)
    return reply("", status if status in (400, 411, 413, 429, 500, 503) else REQUEST_REFUSED, message)


#: The seeds' messages separate field id and value with an en dash.
DASH = "\u2013"


def not_found_text(key_id: str, value: object) -> str:
    return f"No contact found with the external ID: {key_id} {DASH} {'' if value is None else value}"


def ambiguous_text(key_id: str, value: object) -> str:
    return f"More contacts found with the external ID: {key_id} {DASH} {'' if value is None else value}"


@dataclass
class ParsedItem:
    """One contact of a keyed request, translated."""

    values: dict[str, Any] = field(default_factory=dict)
    #: Index in ``values["attributes_merge"]`` → the attribute's field id, to name it in errors.
    attribute_fields: list[int] = field(default_factory=list)
    error: tuple[int, str] | None = None


def key_field(raw: object, registry: dict[int, Field]) -> str | Field:
    """``key_id`` as ``"id"``, ``"uid"``, a scalar registry field or a single-valued custom
    attribute (empty means ``id``)."""
    if raw in (None, ""):
        return "id"
    text = str(raw).strip().lower()
    if text in ID_KEYS:
        return text
    found = registry.get(int(text)) if text.isascii() and text.isdigit() else None
    # A contact field, or a single-valued custom attribute (seed 000: "can be a field id").
    keyable = found is not None and (found.kind == SCALAR or (found.kind == ATTRIBUTE and not found.is_multiple))
    if not keyable:
        raise KeyedError(UNKNOWN_FIELD, f"Invalid key_id: {raw} is not a field id of a contact field, id or uid.")
    return found


def parse_item(item: dict[str, Any], registry: dict[int, Field], *, source_id: object) -> ParsedItem:
    """Field ids → canonical values. Unknown field ids refuse the item (2006)."""
    parsed = ParsedItem()
    values = parsed.values
    for raw_key, raw in item.items():
        key = str(raw_key).strip()
        if key in CONTROL_KEYS:
            continue
        if key in ID_KEYS:
            values[key] = raw
            continue
        found = registry.get(int(key)) if key.isascii() and key.isdigit() else None
        if found is None:
            parsed.error = (UNKNOWN_FIELD, f"Unknown field id: {raw_key}")
            return parsed
        if found.kind == SCALAR:
            values[found.target] = choice_value(found, raw) if found.is_choice else raw
        elif found.kind == ADDRESS:
            values.setdefault("first_address", {})[found.target] = raw
        else:
            values.setdefault("attributes_merge", []).append(
                {"org_attr_id": found.target.pk, "values": attribute_values(found, raw)}
            )
            parsed.attribute_fields.append(found.id)
    if source_id not in (None, ""):
        values["source_id"] = source_id
    return parsed


def attribute_values(found: Field, raw: object) -> list:
    """A list of values for the engine: a scalar becomes a one-item list, ``""`` none;
    choice ids become their values."""
    if raw in (None, ""):
        return []
    items = raw if isinstance(raw, list) else [raw]
    return [choice_value(found, item) for item in items] if found.is_choice else items


def field_label(problem: Problem, parsed: ParsedItem) -> str:
    """The field id a problem concerns, as the client named it."""
    head, *rest = problem.location or ("",)
    if head in SCALAR_FIELD_IDS:
        return str(SCALAR_FIELD_IDS[head])
    if head == "first_address" and rest:
        return str(ADDRESS_FIELD_IDS.get(rest[0], head))
    if head == "attributes_merge" and rest and isinstance(rest[0], int) and rest[0] < len(parsed.attribute_fields):
        return str(parsed.attribute_fields[rest[0]])
    return str(head)


def refusal(problems: tuple[Problem, ...], parsed: ParsedItem) -> tuple[int, str, dict[str, list[str]]]:
    """Reply code and text of the first problem, plus every problem by field id."""
    errors: dict[str, list[str]] = {}
    for problem in problems:
        errors.setdefault(field_label(problem, parsed), []).append(problem.message)
    first = problems[0]
    label = field_label(first, parsed)
    if first.code == ProblemCode.EXTERNAL_ID_TAKEN:
        return EXTERNAL_ID_TAKEN, f"Contact with the external id already exists: {EXTERNAL_ID_FIELD}", errors
    if first.code == ProblemCode.NOT_FOUND:
        return NOT_FOUND, "Contact not found.", errors
    if first.location == ("source_id",):
        return UNKNOWN_SOURCE, f"Invalid source_id: {first.message}", errors
    return INVALID_VALUE, f"Invalid value for field {label}: {first.message}", errors


SCALAR_FIELD_IDS = {f.target: f.id for f in SYSTEM_FIELDS.values() if f.kind == SCALAR}
ADDRESS_FIELD_IDS = {f.target: f.id for f in SYSTEM_FIELDS.values() if f.kind == ADDRESS}
