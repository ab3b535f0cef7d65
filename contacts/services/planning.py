"""From one ChangeSet and the stored contact to the contact's next state (DESIGN §4).

FULL: omitted scalars are cleared, lists are replaced (omitted = emptied), groups are only
added. PARTIAL: only present keys change; a present list replaces the stored one (groups
are still only added). OPS: the operations rewrite the stored contact, and the result is
planned as a PARTIAL change that names every field. Every problem is collected, none
raised: the engine decides.

``plan_item`` is a sequence of planners, one per part of the contact; each reads the
``Draft`` and returns its part of the next state, adding what it finds wrong to
``draft.problems``.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from operator import attrgetter

from contacts.foundations.lookup import resolve_one
from contacts.foundations.problems import Problem, ProblemCode
from contacts.models import Contact
from contacts.models.contact import ENGAGEMENT_FIELDS
from contacts.services.kinds import NESTED_KINDS
from contacts.services.ops import apply_operations, state_document
from contacts.services.resolution import resolve_many
from contacts.services.state import EMPTY_STATE, ContactState, StoredContact, diff_states
from contacts.services.types import ChangeSet, References, UpdateMode
from contacts.services.validation import (
    FULL_REQUIRED,
    SCALARS,
    Invalid,
    find_unstorable_values,
    same_read_only_value,
)

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


@dataclass(frozen=True, slots=True)
class Plan:
    """What the engine will write for one item."""

    index: int
    stored: StoredContact | None  # None: a new contact
    state: ContactState
    changed: tuple[str, ...]
    source_id: int | None


@dataclass(slots=True)
class Draft:
    """One item being planned: the change (OPS already turned into values), its mode, what
    is stored, what the batch resolved, and the problems found so far."""

    values: Mapping[str, object]
    full: bool
    replace_groups: bool
    stored: StoredContact | None
    current: ContactState
    refs: References
    problems: list[Problem] = field(default_factory=list)

    def found(self, problems: list[Problem]) -> None:
        self.problems.extend(problems)


def plan_item(
    *, index: int, item: ChangeSet, mode: UpdateMode, stored: StoredContact | None, refs: References
) -> Plan | list[Problem]:
    """The plan for one item, or every problem found in it."""
    refused = _refuse_unusable(item, stored)
    if refused:
        return refused
    draft = _draft(item, mode, stored, refs)
    if isinstance(draft, list):
        return draft
    scalars = _plan_scalars(draft)
    _check_read_only(draft)
    state = draft.current.evolve(
        scalars=scalars,
        record_type_id=_plan_record_type(draft),
        groups=_plan_groups(draft),
        topics=_plan_topics(draft),
        tags=_plan_tags(draft),
        nested=_plan_nested(draft),
    )
    source_id = _plan_source(draft)
    for kind in NESTED_KINDS:
        draft.found(kind.check(state.nested[kind.field], state.scalars))
    if draft.problems:
        return draft.problems
    changed = diff_states(draft.current, state)
    return Plan(index=index, stored=stored, state=state, changed=tuple(changed), source_id=source_id)


def _refuse_unusable(item: ChangeSet, stored: StoredContact | None) -> list[Problem]:
    """What makes an item unplannable at all: unknown keys and unstorable text (reported
    together), a contact that is not there, a version the client did not see."""
    problems = [
        Problem(location, ProblemCode.UNKNOWN_FIELD, f"Unknown field {location[-1]!r}.") for location in item.unknown
    ]
    unstorable = find_unstorable_values(dict(item.values))
    if unstorable:
        return problems + [Problem(location, ProblemCode.INVALID, message) for location, message in unstorable]
    if item.contact_id is not None and stored is None:
        return [Problem(("id",), ProblemCode.NOT_FOUND, "Contact not found.")]
    if stored is not None and item.expected_version is not None and item.expected_version != stored.contact.version:
        message = f"The contact is at version {stored.contact.version}, not {item.expected_version}."
        return [Problem(("version",), ProblemCode.VERSION_MISMATCH, message)]
    return []


def _draft(item: ChangeSet, mode: UpdateMode, stored: StoredContact | None, refs: References) -> Draft | list[Problem]:
    """The draft of an item, its unknown keys already reported. An OPS item's operations
    are applied to the stored contact first (all or none: a failing one ends the plan), so
    that its result names every field: PARTIAL rules and validation apply, and groups may
    be removed."""
    current = stored.state if stored is not None else EMPTY_STATE
    problems = [
        Problem(location, ProblemCode.UNKNOWN_FIELD, f"Unknown field {location[-1]!r}.") for location in item.unknown
    ]
    values, replace_groups, full = item.values, item.replace_groups, mode == UpdateMode.FULL
    if mode == UpdateMode.OPS:
        values, found = apply_operations(state_document(current), item.operations, refs)
        if found:
            return problems + found
        replace_groups = True
    return Draft(values, full, replace_groups, stored, current, refs, problems)


def _plan_scalars(draft: Draft) -> dict[str, object]:
    """Each present scalar cleaned; FULL clears the absent ones and requires a few."""
    scalars = dict(draft.current.scalars)
    for name, spec in SCALARS.items():
        if name in draft.values:
            try:
                scalars[name] = spec.clean(draft.values[name])
            except Invalid as error:
                draft.found([Problem((name,), error.code, str(error))])
        elif draft.full and spec.full_clears:
            scalars[name] = spec.cleared
    if draft.full:
        draft.found(
            [
                Problem((name,), ProblemCode.REQUIRED, "This field is required.")
                for name in FULL_REQUIRED
                if draft.values.get(name) in (None, "")
            ]
        )
    return scalars


def _plan_record_type(draft: Draft) -> int | None:
    """By id or name (the id wins); FULL requires one; a new contact without one gets the
    organization's default (DESIGN §9)."""
    record_type, found = resolve_one(
        draft.refs.record_types,
        raw_id=draft.values.get("record_type_id"),
        raw_name=draft.values.get("record_type_name"),
        id_at=("record_type_id",),
        name_at=("record_type_name",),
        label="record type",
    )
    draft.found(found)
    if record_type is not None:
        return record_type.pk
    if not found and draft.full:
        draft.found([Problem(("record_type_id",), ProblemCode.REQUIRED, "A record type (id or name) is required.")])
    elif not found and draft.stored is None:
        if draft.refs.default_record_type is None:
            message = "The organization has no default record type."
            draft.found([Problem(("record_type_id",), ProblemCode.REQUIRED, message)])
        else:
            return draft.refs.default_record_type.pk
    return draft.current.record_type_id


def _plan_groups(draft: Draft) -> frozenset[int]:
    """DESIGN §9: groups are add-only in FULL and PARTIAL; ids and names together are a
    union. Only a change that states the complete membership (admin form, OPS) removes."""
    groups = set() if draft.replace_groups and "groups" in draft.values else set(draft.current.groups)
    for key, by in (("groups", "id"), ("group_names", "name")):
        if draft.values.get(key) is not None:
            added, found = resolve_many(draft.refs.groups, draft.values[key], by=by, at=(key,), label="group")
            groups |= added
            draft.found(found)
    return frozenset(groups)


def _present_list(draft: Draft, name: str) -> object | None:
    """A list field's new raw value: the one sent (``null`` = empty), ``[]`` when FULL
    omits it, None when it stays as stored."""
    if name in draft.values:
        return draft.values[name] if draft.values[name] is not None else []
    return [] if draft.full else None


def _plan_topics(draft: Draft) -> frozenset[int]:
    raw = _present_list(draft, "topics")
    if raw is None:
        return draft.current.topics
    found, problems = resolve_many(draft.refs.topics, raw, by="id", at=("topics",), label="topic")
    draft.found(problems)
    return frozenset(found)


def _plan_tags(draft: Draft) -> tuple[str, ...]:
    """Tag names in the client's order, each once."""
    raw = _present_list(draft, "tags")
    if raw is None:
        return draft.current.tags
    if not isinstance(raw, list):
        draft.found([Problem(("tags",), ProblemCode.INVALID, "Tags must be a list of names.")])
        return ()
    names: dict[str, None] = {}
    for index, value in enumerate(raw):
        if not isinstance(value, str) or not value.strip() or len(value.strip()) > TAG_MAX_LENGTH:
            message = f"A tag is a name of 1 to {TAG_MAX_LENGTH} characters."
            draft.found([Problem(("tags", index), ProblemCode.INVALID, message)])
        else:
            names[value.strip()] = None
    return tuple(names)


def _plan_nested(draft: Draft) -> dict[str, tuple]:
    """Each nested kind's new list: replaced when sent (or emptied by FULL), then changed
    by the kind's merge keys (dialects that address one field at a time)."""
    nested = dict(draft.current.nested)
    for kind in NESTED_KINDS:
        definitions = draft.refs.nested[kind.field]
        current = draft.current.nested[kind.field]
        raw = _present_list(draft, kind.field)
        if raw is not None:
            nested[kind.field], found = kind.clean(raw, definitions=definitions, current=current)
            draft.found(found)
        for key in kind.merge_keys:
            if key in draft.values:
                nested[kind.field], found = kind.merge(
                    key, nested[kind.field], draft.values[key], definitions=definitions, at=(key,)
                )
                draft.found(found)
    return nested


def _plan_source(draft: Draft) -> int | None:
    """The Source making the change (``modified_source``; ``created_source`` too on create)."""
    if draft.values.get("source_id") in (None, ""):
        return None
    source, found = resolve_one(
        draft.refs.sources,
        raw_id=draft.values["source_id"],
        raw_name=None,
        id_at=("source_id",),
        name_at=(),
        label="source",
    )
    draft.found(found)
    return source.pk if source is not None else None


def _check_read_only(draft: Draft) -> None:
    """Echoing a read-only field's stored value is a no-op; anything else is refused."""
    for name, stored_value in READ_ONLY.items():
        if name not in draft.values:
            continue
        if draft.stored is None:
            if draft.values[name] not in (None, ""):
                message = "This field is read-only and cannot be set."
                draft.found([Problem((name,), ProblemCode.READ_ONLY, message)])
        elif not same_read_only_value(stored_value(draft.stored.contact), draft.values[name]):
            message = "This field is read-only and differs from the stored value."
            draft.found([Problem((name,), ProblemCode.READ_ONLY, message)])
