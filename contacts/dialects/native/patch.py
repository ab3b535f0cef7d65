"""Native PATCH operations (``application/json-patch+json``) → canonical operations.

Paths use the native names and keyed array elements: ``/firstName``, ``/groupsName/~``,
``/contactAttributes/orgAttrId:150``, ``/contactAttributes/name:attr1``, ``/paths/pathId:2419``,
``/paths/prompt:phone/quietTimeFrames/name:night``, ``/addresses/locationName:Home``,
``/groups/value:12``, ``/groupsName/value:group1``, ``/topics/value:7`` (DESIGN §4).
"""

from typing import Any

from contacts.dialects.native.wire import ADDRESS, ATTRIBUTE, FRAME, PATH, TOP_LEVEL, Translator
from contacts.services import ChangeSet
from contacts.services.ops import APPEND, OPS, Operation, Select

READ_ONLY = {"id", "uid", "created_at", "updated_at", "version", "created_source_id", "modified_source_id"}
SELECTORS = {
    "attributes": {"orgAttrId": "org_attr_id", "name": "name"},
    "paths": {"pathId": "path_id", "prompt": "prompt"},
    "quiet_time_frames": {"name": "name"},
    "addresses": {"locationName": "location_name"},
    "groups": {"value": "value"},
    "group_names": {"value": "value"},
    "topics": {"value": "value"},
    "tags": {"value": "value"},
}
ELEMENT_FIELDS = {"paths": PATH, "addresses": ADDRESS, "attributes": ATTRIBUTE, "quiet_time_frames": FRAME}


class PatchError(ValueError):
    pass


def parse_operations(
    body: object, *, contact_id: int, expected_version: int | None
) -> tuple[ChangeSet | None, dict[str, list[str]]]:
    """The operations as a ChangeSet, or errors keyed by JSON Pointer into the array."""
    if not isinstance(body, list) or not body:
        return None, {"": ["A JSON Patch body is a non-empty JSON array of operations."]}
    operations, errors = [], {}
    translator = Translator()
    for index, raw in enumerate(body):
        try:
            operations.append(_operation(raw, index, translator))
        except PatchError as error:
            errors.setdefault(f"/{index}", []).append(str(error))
    for location in translator.unknown:
        errors.setdefault("/" + "/".join(map(str, location)), []).append(f"Unknown field {location[-1]!r}.")
    if errors:
        return None, errors
    return ChangeSet(
        values={}, contact_id=contact_id, expected_version=expected_version, operations=tuple(operations)
    ), {}


def _operation(raw: object, index: int, translator: Translator) -> Operation:
    if not isinstance(raw, dict):
        raise PatchError("An operation is an object with op, path and (for add/replace) value.")
    unknown = sorted(set(raw) - {"op", "path", "value"}, key=str)
    if unknown:
        raise PatchError(f"Unknown operation member(s): {', '.join(map(repr, unknown))}.")
    op, path = raw.get("op"), raw.get("path")
    if op not in OPS:
        raise PatchError(f"op must be one of {', '.join(OPS)}.")
    if not isinstance(path, str) or not path.startswith("/"):
        raise PatchError("path must be a JSON Pointer such as /firstName.")
    if op != "remove" and "value" not in raw:
        raise PatchError(f"{op} needs a value.")
    target = _target(path)
    value = _value(target, raw.get("value"), translator, (index, "value")) if op != "remove" else None
    return Operation(op, target, value)


def _target(path: str) -> tuple:
    tokens = [token.replace("~1", "/").replace("~0", "~") for token in path[1:].split("/")]
    head = TOP_LEVEL.get(tokens[0])
    if head is None:
        raise PatchError(f"Unknown field {tokens[0]!r}.")
    if head in READ_ONLY or head.endswith("_count") or head in ("score", "rating", "email_status"):
        raise PatchError(f"{tokens[0]} is read-only.")
    target: list[Any] = [head]
    context = head
    for token in tokens[1:]:
        if context not in SELECTORS:
            raise PatchError(f"{path} does not name a field.")
        if token in ("~", "-"):
            target.append(APPEND)
        elif ":" in token:
            key, _, wanted = token.partition(":")
            if key not in SELECTORS[context]:
                raise PatchError(f"{key} does not select elements of {tokens[0]}.")
            target.append(Select(SELECTORS[context][key], wanted))
        elif token.isascii() and token.isdigit():
            target.append(int(token))
        else:
            names = ELEMENT_FIELDS.get(context, {})
            if token not in names:
                raise PatchError(f"Unknown field {token!r} in {path}.")
            target.append(names[token])
            context = names[token]
    return tuple(target)


def _value(target: tuple, value: Any, translator: Translator, at: tuple) -> Any:
    """Translate a value by what the target holds: an element, a list of them, or a scalar."""
    lists = [token for token in target if token in ELEMENT_FIELDS]
    kind = lists[-1] if lists else None
    last = target[-1]
    whole_list = last in ELEMENT_FIELDS
    is_element = kind is not None and (last == APPEND or isinstance(last, (Select, int)))
    if kind is None or not (whole_list or is_element):
        return value
    element = {
        "paths": translator.path,
        "addresses": translator.address,
        "attributes": lambda item, where: translator.rename(item, ATTRIBUTE, where),
        "quiet_time_frames": lambda item, where: translator.rename(item, FRAME, where),
    }[kind]
    if whole_list:
        return [element(item, (*at, i)) for i, item in enumerate(value)] if isinstance(value, list) else value
    return element(value, at)
