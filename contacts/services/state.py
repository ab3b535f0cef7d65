"""A contact's complete state as plain values, so the engine can merge, compare and diff
without touching rows, and load many contacts' states in a fixed number of queries."""

import datetime
import functools
import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from django.db import connections

from contacts.foundations.kinds import StoredRow
from contacts.foundations.sql import (
    among,
    delete_rows,
    instances,
    json_loaded,
    json_nested,
    json_rows,
    owned,
    quoted,
    select,
    table,
)
from contacts.models import Contact, ContactTag, Organization, Source, Tag
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


def lock_and_load(
    *,
    organization: Organization,
    contact_ids: Iterable[int],
    meanwhile: Callable[[], object] | None = None,
    carrying: tuple[str, Sequence[object]] | None = None,
) -> tuple[dict[int, StoredContact], list | None]:
    """Lock the organization's contacts among ``contact_ids`` (``SELECT … FOR UPDATE``, in id
    order so concurrent batches cannot deadlock) and load their relations, in one statement
    whatever the count: each link and nested kind is a JSON column per contact. Ids of other
    organizations are neither locked nor read. ``meanwhile``: see ``select``.

    ``carrying``: another ``SELECT`` (its text and parameters) that needs no locked contact,
    such as the names the items refer to; its rows ride in the first contact's row, one
    statement and round trip for both. Returns the stored contacts and the carried rows,
    None when no contact was found to carry them (nor asked)."""
    ids = sorted(set(contact_ids))
    if not ids:
        return {}, None
    connection = connections["default"]
    listed, params = among(ids)
    carried_sql, carried_params = carrying or ("", ())
    sql = _locking_load_sql(connection.vendor, listed, carried_sql)
    params = [organization.pk, *params, *carried_params]
    rows = select(sql, params, meanwhile=meanwhile)
    if connection.vendor == "postgresql" and any(row[_SEEN_VERSION] != row[_VERSION] for row in rows):
        # A contact changed after the statement began (its lock was waited for): its rows
        # below were read as they were before. The locks are held now, so a second reading
        # sees the committed state.
        rows = select(sql, params)
    contacts = _contacts(rows)
    stored = {}
    for contact, row in zip(contacts, rows, strict=True):
        groups, topics, tags = (dict(json_loaded(links) or ()) for links in row[_LINKS : _LINKS + 3])
        nested = {kind.field: kind.decode(row[_NESTED + index]) for index, kind in enumerate(NESTED_KINDS)}
        state = ContactState(
            scalars=dict(zip(SCALARS, _scalar_values(vars(contact)), strict=True)),
            record_type_id=contact.record_type_id,
            groups=frozenset(groups),
            topics=frozenset(topics),
            tags=tuple(tags),
            nested={name: tuple(stored_row.state for stored_row in kind_rows) for name, kind_rows in nested.items()},
        )
        stored[contact.pk] = StoredContact(contact, state, groups, topics, tags, nested)
    if carrying is None or not rows:
        return stored, None
    return stored, json_loaded(rows[0][_CARRIED]) or []


#: A contact's scalars from its instance dict, in SCALARS order (a thousand contacts times
#: fifty fields: attribute access through the model's field descriptors costs more).
_scalar_values = operator.itemgetter(*SCALARS)
#: Where ``_locking_load_sql``'s columns are, after the contact's own.
_CONTACT_FIELDS = len(Contact._meta.concrete_fields)
_VERSION = next(index for index, f in enumerate(Contact._meta.concrete_fields) if f.attname == "version")
_SEEN_VERSION, _SOURCE_NAME, _LINKS = _CONTACT_FIELDS, _CONTACT_FIELDS + 1, _CONTACT_FIELDS + 2
_NESTED = _LINKS + 3
_CARRIED = _NESTED + len(NESTED_KINDS)


@functools.lru_cache(maxsize=256)
def _locking_load_sql(vendor: str, listed: str, carried: str) -> str:
    """The contacts' columns, locked; the version the statement's snapshot saw (it differs
    when the lock had to wait for another writer); the creating source's name; and the
    group, topic and tag links (tags in their order) and each nested kind's items, each as a
    JSON column (``[group id | topic id | tag name, link row id]`` pairs for the links); then,
    with a ``carried`` statement (``kind``, ``found`` columns), its rows as a JSON array of
    pairs in the first row only (evaluated once). Built once per database, id list shape
    (PostgreSQL: one array, whatever the count) and carried statement."""
    columns = ", ".join(quoted(f.column) for f in Contact._meta.concrete_fields)
    on_postgresql = vendor == "postgresql"
    contact = "locked.id"
    links = [
        json_rows(table(GroupLink), ["group_id", "id"], where=f"contact_id = {contact}", order=["id"]),
        json_rows(table(TopicLink), ["topic_id", "id"], where=f"contact_id = {contact}", order=["id"]),
        json_rows(
            f"{table(ContactTag)} link JOIN {table(Tag)} tag ON tag.id = link.tag_id",
            ["tag.name", "link.id"],
            where=f"link.contact_id = {contact}",
            order=["link.position", "link.id"],
        ),
    ]
    seen_version = (
        f"(SELECT seen.version FROM {table(Contact)} seen WHERE seen.id = {contact})" if on_postgresql else "NULL"
    )
    source_name = f"(SELECT source.name FROM {table(Source)} source WHERE source.id = locked.created_source_id)"
    loaded = [seen_version, source_name, *links, *(kind.load_sql(contact) for kind in NESTED_KINDS)]
    if carried:
        pairs = json_rows(
            f"({carried}) carried",
            ["carried.kind", json_nested("carried.found")],
            where="1 = 1",
            order=["carried.kind"],
        )
        loaded.append(f"CASE WHEN row_number() OVER (ORDER BY {contact}) = 1 THEN {pairs} END")
    lock = " FOR UPDATE" if on_postgresql else ""  # SQLite transactions start IMMEDIATE: one writer
    materialized = "MATERIALIZED " if on_postgresql else ""
    return (
        f"WITH locked AS {materialized}(SELECT {columns} FROM {table(Contact)} "
        f"WHERE {owned('organization_id')} AND id {listed} ORDER BY id{lock}) "
        f"SELECT locked.*, {', '.join(loaded)} FROM locked ORDER BY locked.id"
    )


def _contacts(rows: list[tuple]) -> list[Contact]:
    """Contact instances from the rows' leading columns, with the creating source (its name
    only) in place of ``select_related``."""
    source_cache = Contact._meta.get_field("created_source")
    contacts = instances(Contact, rows)
    for contact, row in zip(contacts, rows, strict=True):
        source = None
        if contact.created_source_id is not None:
            source = Source.from_db(contact._state.db, ["id", "name"], [contact.created_source_id, row[_SOURCE_NAME]])
        source_cache.set_cached_value(contact, source)
    return contacts


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
