"""From one ChangeSet and the stored contact to the contact's next state (DESIGN §4).

FULL: omitted scalars are cleared, lists are replaced (omitted = emptied), groups are only
added. PARTIAL: only present keys change; a present list replaces the stored one (groups
are still only added). Every problem is collected, none raised: the engine decides.
"""

from collections.abc import Callable
from dataclasses import dataclass, replace
from operator import attrgetter

from attributes import services as attribute_services
from contacts.models import Contact
from contacts.models.contact import ENGAGEMENT_FIELDS
from contacts.services.addresses import clean_addresses, merge_first_address
from contacts.services.lookup import resolve_one
from contacts.services.ops import apply_operations, state_document
from contacts.services.resolution import References, resolve_many
from contacts.services.state import EMPTY_STATE, ContactState, StoredContact, diff_states
from contacts.services.types import ChangeSet, Problem, ProblemCode, UpdateMode
from contacts.services.validation import (
    FULL_REQUIRED,
    SCALARS,
    Invalid,
    find_unstorable_values,
    same_read_only_value,
)
from paths import services as path_services

TAG_MAX_LENGTH = 100
#: Read-only fields (DESIGN §4, §9) and how to read their stored value from the contact.
READ_ONLY: dict[str, Callable[[Contact], object]] = {
    "id": attrgetter("pk"),
    "uid": attrgetter("uid"),
    "created_at": attrgetter("created_at"),
    "updated_at": attrgetter("updated_at"),
    "version": attrgetter("version"),
    "created_source_id": attrgetter("created_source_id"),
    "modified_source_id": attrgetter("modified_source_id"),
    # The name of the source that created the contact (the external dialect's ``source``).
    "created_source_name": lambda contact: contact.created_source.name if contact.created_source_id else None,
    **{name: attrgetter(name) for name in ENGAGEMENT_FIELDS},
}
LIST_FIELDS = ("topics", "tags", "addresses", "paths", "attributes")


@dataclass(frozen=True)
class Plan:
    """What the engine will write for one item."""

    index: int
    stored: StoredContact | None  # None: a new contact
    state: ContactState
    changed: tuple[str, ...]
    source_id: int | None


def plan_item(
    *, index: int, item: ChangeSet, mode: UpdateMode, stored: StoredContact | None, refs: References
) -> Plan | list[Problem]:
    """The plan for one item, or every problem found in it."""
    values = item.values
    problems = [
        Problem(location, ProblemCode.UNKNOWN_FIELD, f"Unknown field {location[-1]!r}.") for location in item.unknown
    ]
    unstorable = find_unstorable_values(dict(values))
    if unstorable:
        return problems + [Problem(location, ProblemCode.INVALID, message) for location, message in unstorable]
    if item.contact_id is not None and stored is None:
        return [Problem(("id",), ProblemCode.NOT_FOUND, "Contact not found.")]
    if stored is not None and item.expected_version is not None and item.expected_version != stored.contact.version:
        return [
            Problem(
                ("version",),
                ProblemCode.VERSION_MISMATCH,
                f"The contact is at version {stored.contact.version}, not {item.expected_version}.",
            )
        ]
    current = stored.state if stored is not None else EMPTY_STATE
    if mode == UpdateMode.OPS:
        # The operations rewrite the stored contact; the result is planned as a change that
        # names every field (so PARTIAL rules and validation apply, and groups may be removed).
        document, found = apply_operations(state_document(current), item.operations, refs)
        if found:
            return problems + found
        item = replace(item, values=document, replace_groups=True)
        values = item.values
        mode = UpdateMode.PARTIAL
    full = mode == UpdateMode.FULL
    scalars = dict(current.scalars)
    for name, spec in SCALARS.items():
        if name in values:
            try:
                scalars[name] = spec.clean(values[name])
            except Invalid as error:
                problems.append(Problem((name,), error.code, str(error)))
        elif full:
            scalars[name] = spec.cleared
    if full:
        problems.extend(
            Problem((name,), ProblemCode.REQUIRED, "This field is required.")
            for name in FULL_REQUIRED
            if values.get(name) in (None, "")
        )
    problems.extend(_check_read_only(values, stored))

    record_type, found = resolve_one(
        refs.record_types,
        raw_id=values.get("record_type_id"),
        raw_name=values.get("record_type_name"),
        id_at=("record_type_id",),
        name_at=("record_type_name",),
        label="record type",
    )
    problems.extend(found)
    record_type_id = record_type.pk if record_type is not None else current.record_type_id
    if record_type is None and not found:
        if full:
            problems.append(
                Problem(("record_type_id",), ProblemCode.REQUIRED, "A record type (id or name) is required.")
            )
        elif stored is None:
            if refs.default_record_type is None:
                problems.append(
                    Problem(("record_type_id",), ProblemCode.REQUIRED, "The organization has no default record type.")
                )
            else:
                record_type_id = refs.default_record_type.pk

    # DESIGN §9: groups are add-only in FULL and PARTIAL; ids and names together are a union.
    # Only a change that states the complete membership (admin form, OPS) may remove groups.
    groups = set() if item.replace_groups and "groups" in values else set(current.groups)
    for key, by in (("groups", "id"), ("group_names", "name")):
        if values.get(key) is not None:
            added, found = resolve_many(refs.groups, values[key], by=by, at=(key,), label="group")
            groups |= added
            problems.extend(found)

    lists = {name: getattr(current, name) for name in LIST_FIELDS}
    for name in LIST_FIELDS:
        if name not in values:
            if full:
                lists[name] = getattr(EMPTY_STATE, name)
            continue
        raw = values[name] if values[name] is not None else []
        lists[name], found = _clean_list(name, raw, current, refs)
        problems.extend(found)

    # Dialects that address one field at a time (keyed, legacy) change the first address and
    # single attributes without replacing the lists.
    if "first_address" in values:
        lists["addresses"], found = merge_first_address(lists["addresses"], values["first_address"])
        problems.extend(found)
    if "attributes_merge" in values:
        lists["attributes"], found = attribute_services.merge_attributes(
            lists["attributes"], values["attributes_merge"], definitions=refs.attributes, at=("attributes_merge",)
        )
        problems.extend(found)

    source_id = None
    if values.get("source_id") not in (None, ""):
        source, found = resolve_one(
            refs.sources, raw_id=values["source_id"], raw_name=None, id_at=("source_id",), name_at=(), label="source"
        )
        problems.extend(found)
        source_id = source.pk if source is not None else None

    state = current.evolve(scalars=scalars, record_type_id=record_type_id, groups=frozenset(groups), **lists)
    if any(path.frames for path in state.paths) and not state.scalars["timezone_id"]:
        problems.append(
            Problem(
                ("timezone_id",), ProblemCode.REQUIRED, "A time zone (IANA name) is required with quiet time frames."
            )
        )
    if problems:
        return problems
    changed = diff_states(current, state) if stored is not None else diff_states(EMPTY_STATE, state)
    return Plan(index=index, stored=stored, state=state, changed=tuple(changed), source_id=source_id)


def _clean_list(name: str, raw: object, current: ContactState, refs: References) -> tuple[object, list[Problem]]:
    if name == "topics":
        found, problems = resolve_many(refs.topics, raw, by="id", at=("topics",), label="topic")
        return frozenset(found), problems
    if name == "tags":
        return _clean_tags(raw)
    if name == "addresses":
        return clean_addresses(raw)
    if name == "paths":
        current_paths = {path.definition_id: path for path in current.paths}
        return path_services.clean_paths(raw, definitions=refs.paths, current=current_paths)
    return attribute_services.clean_attributes(raw, definitions=refs.attributes)


def _clean_tags(raw: object) -> tuple[tuple[str, ...], list[Problem]]:
    """Tag names in the client's order, each once."""
    if not isinstance(raw, list):
        return (), [Problem(("tags",), ProblemCode.INVALID, "Tags must be a list of names.")]
    names: dict[str, None] = {}
    problems = []
    for index, value in enumerate(raw):
        if not isinstance(value, str) or not value.strip() or len(value.strip()) > TAG_MAX_LENGTH:
            problems.append(
                Problem(("tags", index), ProblemCode.INVALID, f"A tag is a name of 1 to {TAG_MAX_LENGTH} characters.")
            )
        else:
            names[value.strip()] = None
    return tuple(names), problems


def _check_read_only(values: dict, stored: StoredContact | None) -> list[Problem]:
    """Echoing a read-only field's stored value is a no-op; anything else is refused."""
    problems = []
    for name, stored_value in READ_ONLY.items():
        if name not in values:
            continue
        if stored is None:
            if values[name] not in (None, ""):
                problems.append(Problem((name,), ProblemCode.READ_ONLY, "This field is read-only and cannot be set."))
        elif not same_read_only_value(stored_value(stored.contact), values[name]):
            problems.append(
                Problem((name,), ProblemCode.READ_ONLY, "This field is read-only and differs from the stored value.")
            )
    return problems
