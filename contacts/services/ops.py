"""OPS mode (DESIGN §4): JSON-Patch-like operations applied to the stored contact.

The engine renders the locked contact as a canonical document, applies the operations to it
in order (all or none), and plans the result like a PARTIAL update that names every field —
so the same validation and diff apply. Unlike FULL and PARTIAL, a ``remove`` on a group takes
the contact out of it.

Targets are canonical tokens: ``("first_name",)``, ``("group_names", APPEND)``,
``("attributes", Select("name", "attr1"))``,
``("paths", Select("path_id", 2419), "quiet_time_frames", Select("name", "night"))``.
"""

import copy
from dataclasses import dataclass
from typing import Any

from contacts.foundations.kinds import Definitions
from contacts.foundations.problems import Problem, ProblemCode
from contacts.ids import parse_id
from contacts.services.kinds import KINDS_BY_FIELD, NESTED_KINDS
from contacts.services.state import ContactState
from contacts.services.types import References

APPEND = "-"
OPS = ("add", "replace", "remove")


@dataclass(frozen=True)
class Select:
    """An array element chosen by one of its keys (``orgAttrId:150``, ``name:night``)."""

    key: str
    value: Any


@dataclass(frozen=True)
class Operation:
    op: str
    target: tuple
    value: Any = None


class OperationFailed(Exception):
    pass


def state_document(state: ContactState) -> dict[str, Any]:
    """The stored contact in the canonical input form a ChangeSet carries."""
    return {
        **copy.deepcopy(state.scalars),
        "record_type_id": state.record_type_id,
        "groups": sorted(state.groups),
        "topics": sorted(state.topics),
        "tags": list(state.tags),
        **{kind.field: [item.as_json() for item in state.nested[kind.field]] for kind in NESTED_KINDS},
    }


def apply_operations(
    document: dict[str, Any], operations: tuple[Operation, ...], refs: References
) -> tuple[dict[str, Any], list[Problem]]:
    """The document after every operation, or the problems (at ``("operations", i, ...)``)."""
    problems = []
    for index, operation in enumerate(operations):
        try:
            _apply(document, operation, refs)
        except OperationFailed as failure:
            problems.append(Problem(("operations", index, "path"), ProblemCode.INVALID, str(failure)))
    return document, problems


def _apply(document: dict[str, Any], operation: Operation, refs: References) -> None:
    if operation.target[:1] == ("group_names",):
        operation = _as_group_ids(operation, refs)
    head, *rest = operation.target
    if head not in document:
        raise OperationFailed(f"Unknown target {head!r}.")
    if not rest:
        if operation.op == "remove":
            document[head] = [] if isinstance(document[head], list) else None
        else:
            document[head] = operation.value
        return
    _apply_in(document, head, rest, operation, refs)


def _apply_in(container: dict, key: str, tokens: list, operation: Operation, refs: References) -> None:
    items = container.get(key)
    if not isinstance(items, list):
        raise OperationFailed(f"{key!r} is not a list.")
    token, *rest = tokens
    if token == APPEND:
        if operation.op != "add" or rest:
            raise OperationFailed("'-' (append) only goes with add, at the end of the path.")
        items.append(operation.value)
        return
    index = _find(items, token, key, refs)
    if rest:
        if index is None:
            raise OperationFailed(f"No element {_describe(token)} in {key!r}.")
        element = items[index]
        field, *deeper = rest
        if not isinstance(element, dict) or field not in element:
            raise OperationFailed(f"Unknown field {field!r}.")
        if deeper:
            _apply_in(element, field, deeper, operation, refs)
        elif operation.op == "remove":
            element[field] = [] if isinstance(element[field], list) else None
        else:
            element[field] = operation.value
        return
    if operation.op == "remove":
        if index is None:
            raise OperationFailed(f"No element {_describe(token)} in {key!r} to remove.")
        del items[index]
    elif operation.op == "replace" and index is None:
        raise OperationFailed(f"No element {_describe(token)} in {key!r} to replace.")
    else:
        value = _with_identity(operation.value, token, key, refs)
        if index is None:
            items.append(value)
        else:
            items[index] = value


def _find(items: list, token: Any, key: str, refs: References) -> int | None:
    if isinstance(token, int):
        if not 0 <= token < len(items):
            raise OperationFailed(f"Index {token} is out of range.")
        return token
    if not isinstance(token, Select):
        raise OperationFailed(f"Cannot address an element of {key!r} by {token!r}.")
    wanted_key, wanted = _normalize(token, key, refs)
    for index, item in enumerate(items):
        current = item.get(wanted_key) if isinstance(item, dict) else item
        if current == wanted:
            return index
    return None


def _normalize(token: Select, key: str, refs: References) -> tuple[str | None, Any]:
    """Selectors by name resolve to the id the document holds; ``value:`` selects scalars."""
    if token.key == "value":
        return None, parse_id(token.value) if key in ("groups", "topics") else token.value
    definitions = _definitions(key)
    if definitions is not None and token.key == definitions.name_key:
        definition = refs.nested[key].by_name.get(token.value)
        if definition is None:
            raise OperationFailed(f"Unknown {definitions.label} {definitions.name_field} {token.value!r}.")
        return definitions.id_key, definition.pk
    if definitions is not None and token.key == definitions.id_key:
        return token.key, parse_id(token.value)
    return token.key, token.value


def _definitions(key: str) -> Definitions | None:
    """How the elements of a nested kind's list name their definitions (None otherwise)."""
    kind = KINDS_BY_FIELD.get(key)
    return kind.definitions if kind is not None else None


def _with_identity(value: Any, token: Any, key: str, refs: References) -> Any:
    """An element added at a selector carries the selector's key when it lacks one."""
    if isinstance(token, Select) and isinstance(value, dict) and token.key != "value":
        identity, wanted = _normalize(token, key, refs)
        definitions = _definitions(key)
        if identity not in value and not (definitions is not None and definitions.name_key in value):
            return {**value, identity: wanted}
    return value


def _as_group_ids(operation: Operation, refs: References) -> Operation:
    """``groupsName`` operations act on the group ids the document holds."""
    target = [
        Select("value", _group_pk(token.value, refs)) if isinstance(token, Select) else token
        for token in operation.target[1:]
    ]
    value = operation.value
    if operation.op != "remove":
        value = [_group_pk(name, refs) for name in value] if isinstance(value, list) else _group_pk(value, refs)
    return Operation(operation.op, ("groups", *target), value)


def _group_pk(name: Any, refs: References) -> int:
    group = refs.groups.by_name.get(name) if isinstance(name, str) else None
    if group is None:
        raise OperationFailed(f"Unknown group name {name!r}.")
    return group.pk


def _describe(token: Any) -> str:
    return f"{token.key}:{token.value}" if isinstance(token, Select) else str(token)


def referenced_values(operations: tuple[Operation, ...]) -> dict[str, list]:
    """Names and ids the operations mention, so that resolution finds them in one query."""
    found: dict[str, list] = {"groups": [], "group_names": [], "topics": []}
    for operation in operations:
        head = operation.target[0] if operation.target else None
        selects = [token for token in operation.target if isinstance(token, Select)]
        definitions = _definitions(head) if isinstance(head, str) else None
        if head in found:
            found[head].extend(token.value for token in selects)
            if operation.value is not None:
                found[head].extend(operation.value if isinstance(operation.value, list) else [operation.value])
        elif definitions is not None:
            keys = (definitions.id_key, definitions.name_key)
            references = found.setdefault(head, [])
            references.extend({token.key: token.value} for token in selects if token.key in keys)
            values = operation.value if isinstance(operation.value, list) else [operation.value]
            references.extend(value for value in values if isinstance(value, dict))
    return found
