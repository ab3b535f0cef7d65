"""A contact's complete state as plain values, so the engine can merge, compare and diff
without touching rows, and load many contacts' states in a fixed number of queries."""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from attributes import services as attribute_services
from contacts.models import Contact, ContactTag, Organization, Tag
from contacts.services.addresses import AddressState, StoredAddress, load_addresses
from contacts.services.sql import fetch_by_ids, table
from contacts.services.validation import SCALARS
from paths import services as path_services

GroupLink = Contact.groups.through
TopicLink = Contact.topics.through


@dataclass(frozen=True)
class ContactState:
    scalars: dict[str, object]
    record_type_id: int | None = None
    groups: frozenset[int] = frozenset()
    topics: frozenset[int] = frozenset()
    tags: tuple[str, ...] = ()
    addresses: tuple[AddressState, ...] = ()
    paths: tuple["path_services.PathState", ...] = ()
    attributes: tuple["attribute_services.AttributeState", ...] = ()

    def evolve(self, **changes: object) -> "ContactState":
        return replace(self, **changes)


EMPTY_STATE = ContactState(scalars={name: spec.cleared for name, spec in SCALARS.items()})


@dataclass
class StoredContact:
    """A locked contact with its state and the row ids needed to write its children."""

    contact: Contact
    state: ContactState
    group_rows: dict[int, int] = field(default_factory=dict)  # group id → through row id
    topic_rows: dict[int, int] = field(default_factory=dict)  # topic id → through row id
    tag_rows: dict[str, int] = field(default_factory=dict)  # tag name → ContactTag id, in order
    addresses: list[StoredAddress] = field(default_factory=list)
    paths: list["path_services.StoredPath"] = field(default_factory=list)
    attributes: list["attribute_services.StoredAttribute"] = field(default_factory=list)


def lock_and_load(*, organization: Organization, contact_ids: Iterable[int]) -> dict[int, StoredContact]:
    """Lock the contacts (``SELECT … FOR UPDATE``, in id order so concurrent batches cannot
    deadlock) and load their nested data: nine queries whatever the count."""
    ids = sorted(set(contact_ids))
    if not ids:
        return {}
    # Lock the contact rows only; the creating source is joined for the read-only ``source`` check.
    # Found by primary key alone (the organization is checked here): the planner then always
    # takes the primary key index.
    locked = Contact.objects.select_for_update(of=("self",)).select_related("created_source")
    contacts = [c for c in locked.filter(pk__in=ids).order_by("pk") if c.organization_id == organization.pk]
    found = [contact.pk for contact in contacts]
    # Group, topic and tag links in one round trip (tags in their order).
    group_rows: dict[int, dict[int, int]] = defaultdict(dict)
    topic_rows: dict[int, dict[int, int]] = defaultdict(dict)
    tag_rows: dict[int, dict[str, int]] = defaultdict(dict)
    for kind, contact_id, _, row_id, target, name in fetch_by_ids(
        f"SELECT 'group', contact_id, 0, id, group_id, NULL FROM {table(GroupLink)} WHERE contact_id IN ({{ids}}) "
        f"UNION ALL SELECT 'topic', contact_id, 0, id, topic_id, NULL FROM {table(TopicLink)} "
        f"WHERE contact_id IN ({{ids}}) "
        f"UNION ALL SELECT 'tag', link.contact_id, link.position, link.id, link.tag_id, tag.name "
        f"FROM {table(ContactTag)} link JOIN {table(Tag)} tag ON tag.id = link.tag_id "
        f"WHERE link.contact_id IN ({{ids}}) ORDER BY 1, 2, 3, 4",
        found,
    ):
        if kind == "group":
            group_rows[contact_id][target] = row_id
        elif kind == "topic":
            topic_rows[contact_id][target] = row_id
        else:
            tag_rows[contact_id][name] = row_id
    addresses = load_addresses(found)
    paths = path_services.load_paths(found)
    attributes = attribute_services.load_attributes(found)
    stored = {}
    for contact in contacts:
        pk = contact.pk
        state = ContactState(
            scalars={name: getattr(contact, name) for name in SCALARS},
            record_type_id=contact.record_type_id,
            groups=frozenset(group_rows[pk]),
            topics=frozenset(topic_rows[pk]),
            tags=tuple(tag_rows[pk]),
            addresses=tuple(address.state for address in addresses[pk]),
            paths=tuple(path.state for path in paths[pk]),
            attributes=tuple(value.state for value in attributes[pk]),
        )
        stored[pk] = StoredContact(
            contact, state, group_rows[pk], topic_rows[pk], tag_rows[pk], addresses[pk], paths[pk], attributes[pk]
        )
    return stored


def _json(value: object) -> object:
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return value


def state_as_json(state: ContactState, name: str) -> object:
    """One field of a state in the JSON form history rows store."""
    if name in SCALARS:
        return _json(state.scalars[name])
    value = getattr(state, name)
    if isinstance(value, frozenset):
        return sorted(value)
    if isinstance(value, tuple):
        return [item if isinstance(item, str) else item.as_json() for item in value]
    return value


NESTED_FIELDS = ("record_type_id", "groups", "topics", "tags", "addresses", "paths", "attributes")


def diff_states(before: ContactState, after: ContactState) -> list[str]:
    """Names of the fields whose value differs, scalars first."""
    changed = [name for name in SCALARS if before.scalars[name] != after.scalars[name]]
    changed.extend(name for name in NESTED_FIELDS if getattr(before, name) != getattr(after, name))
    return changed


def describe_changes(before: ContactState | None, after: ContactState, names: Iterable[str]) -> dict[str, dict]:
    """``{field: {"before": .., "after": ..}}`` for a history row (before is None on creation)."""
    return {
        name: {
            "before": state_as_json(before, name) if before is not None else None,
            "after": state_as_json(after, name),
        }
        for name in names
    }
