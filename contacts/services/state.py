"""A contact's complete state as plain values, so the engine can merge, compare and diff
without touching rows, and load many contacts' states in a fixed number of queries."""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from contacts.foundations.kinds import StoredRow
from contacts.foundations.sql import among, delete_rows, select, table
from contacts.models import Contact, ContactTag, Organization, Tag
from contacts.services.kinds import NESTED_KINDS
from contacts.services.validation import SCALARS

GroupLink = Contact.groups.through
TopicLink = Contact.topics.through


@dataclass(frozen=True, slots=True)
class ContactState:
    """``nested`` holds each nested kind's items, by the kind's field (``"paths"``)."""

    scalars: Mapping[str, object]
    record_type_id: int | None = None
    groups: frozenset[int] = frozenset()
    topics: frozenset[int] = frozenset()
    tags: tuple[str, ...] = ()
    nested: Mapping[str, tuple] = field(default_factory=lambda: {kind.field: () for kind in NESTED_KINDS})

    def evolve(self, **changes: object) -> "ContactState":
        return replace(self, **changes)

    def value(self, name: str) -> object:
        """A field by its canonical name: a scalar, a link set or a nested list."""
        if name in self.scalars:
            return self.scalars[name]
        if name in self.nested:
            return self.nested[name]
        return getattr(self, name)


EMPTY_STATE = ContactState(scalars={name: spec.cleared for name, spec in SCALARS.items()})
#: The fields besides the scalars, in the order history lists them.
RELATION_FIELDS = ("record_type_id", "groups", "topics", "tags", *(kind.field for kind in NESTED_KINDS))


@dataclass(slots=True)
class StoredContact:
    """A locked contact with its state and the row ids needed to write its relations."""

    contact: Contact
    state: ContactState
    group_rows: dict[int, int] = field(default_factory=dict)  # group id → through row id
    topic_rows: dict[int, int] = field(default_factory=dict)  # topic id → through row id
    tag_rows: dict[str, int] = field(default_factory=dict)  # tag name → ContactTag id, in order
    nested_rows: dict[str, list[StoredRow]] = field(default_factory=dict)  # kind field → stored rows


def lock_and_load(*, organization: Organization, contact_ids: Iterable[int]) -> dict[int, StoredContact]:
    """Lock the organization's contacts among ``contact_ids`` (``SELECT … FOR UPDATE``, in id
    order so concurrent batches cannot deadlock) and load their relations. Ids of other
    organizations are neither locked nor read. A fixed number of queries whatever the count."""
    ids = sorted(set(contact_ids))
    if not ids:
        return {}
    # Lock the contact rows only; the creating source is joined for the read-only ``source`` check.
    locked = Contact.objects.select_for_update(of=("self",)).select_related("created_source")
    contacts = list(locked.filter(organization=organization, pk__in=ids).order_by("pk"))
    found = [contact.pk for contact in contacts]
    # Everything below a contact is read through the contacts just locked.
    links = _load_links(found)
    nested = {kind.field: kind.load(found) for kind in NESTED_KINDS}
    stored = {}
    for contact in contacts:
        pk = contact.pk
        groups, topics, tags = links["group"][pk], links["topic"][pk], links["tag"][pk]
        rows = {name: by_contact.get(pk, []) for name, by_contact in nested.items()}
        state = ContactState(
            scalars={name: getattr(contact, name) for name in SCALARS},
            record_type_id=contact.record_type_id,
            groups=frozenset(groups),
            topics=frozenset(topics),
            tags=tuple(tags),
            nested={name: tuple(row.state for row in kind_rows) for name, kind_rows in rows.items()},
        )
        stored[pk] = StoredContact(contact, state, groups, topics, tags, rows)
    return stored


def _load_links(contact_ids: list[int]) -> dict[str, dict[int, dict]]:
    """Group, topic and tag links in one round trip (tags in their order): for each kind,
    contact id → {group id, topic id or tag name → link row id}."""
    links: dict[str, dict[int, dict]] = {kind: defaultdict(dict) for kind in ("group", "topic", "tag")}
    if not contact_ids:
        return links
    listed, params = among(contact_ids)
    rows = select(
        f"SELECT 'group', contact_id, 0, id, group_id, NULL FROM {table(GroupLink)} WHERE contact_id {listed} "
        f"UNION ALL SELECT 'topic', contact_id, 0, id, topic_id, NULL FROM {table(TopicLink)} "
        f"WHERE contact_id {listed} "
        f"UNION ALL SELECT 'tag', link.contact_id, link.position, link.id, link.tag_id, tag.name "
        f"FROM {table(ContactTag)} link JOIN {table(Tag)} tag ON tag.id = link.tag_id "
        f"WHERE link.contact_id {listed} ORDER BY 1, 2, 3, 4",
        params * 3,
    )
    for kind, contact_id, _, row_id, target, name in rows:
        links[kind][contact_id][name if kind == "tag" else target] = row_id
    return links


def delete_links(contact_ids: list[int]) -> None:
    """Group, topic and tag links of contacts that are being deleted."""
    for link in (GroupLink, TopicLink, ContactTag):
        delete_rows(link, contact_ids, column="contact_id")


def _json(value: object) -> object:
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return value


def state_as_json(state: ContactState, name: str) -> object:
    """One field of a state in the JSON form history rows store."""
    value = state.value(name)
    if isinstance(value, frozenset):
        return sorted(value)
    if isinstance(value, tuple):
        return [item if isinstance(item, str) else item.as_json() for item in value]
    return _json(value)


def diff_states(before: ContactState, after: ContactState) -> list[str]:
    """Names of the fields whose value differs, scalars first."""
    changed = [name for name in SCALARS if before.scalars[name] != after.scalars[name]]
    changed.extend(name for name in RELATION_FIELDS if before.value(name) != after.value(name))
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
