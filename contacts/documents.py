"""Whole contacts read as plain documents, in one SQL statement however many contacts and
however many nested rows they have.

The statement reads the contact rows joined with their record type and creating source,
and each relation as a correlated subquery that the database aggregates to one JSON array
per contact (PostgreSQL: ``json_agg`` in order; SQLite: ``json_group_array`` over an
ordered subquery, which keeps its order because the outer query aggregates). Prefetching
the same costs one round trip per kind and a model instance per row; a page of contacts
costs one statement here.

A document is a dict: every column of the contact by its attname (converted as the ORM
converts it), ``record_type_name``, ``created_source_name``, and ``groups`` (``{id,
name}`` by id), ``topics`` (ids), ``tags`` (names in order), ``addresses``, ``paths`` (with
``prompt`` and their ``quiet_time_frames``, days as day numbers) and ``attributes``
(``definition_id``, ``name``, ``values``), each in order. Tenant scoping: the contact rows
are those of the organization named; everything below a contact is read through them.
"""

import json
from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet

from attributes.models import AttributeDefinition, ContactAttributeValue
from contacts.foundations.sql import among, owned, select, table
from contacts.models import Address, Contact, ContactTag, Group, Organization, RecordType, Source, Tag
from paths.models import ContactPath, PathDefinition, QuietTimeFrame, days_from_mask

Document = dict[str, Any]
GroupLink = Contact.groups.through
TopicLink = Contact.topics.through
#: The relations, in the order the statement selects them after the contact's columns.
RELATIONS = ("groups", "topics", "tags", "addresses", "paths", "attributes")
ADDRESS_TEXT = ("location_name", "street_address", "suite", "city", "state", "postal_code", "country")


def read_contact(organization: Organization, contact_id: int) -> Document | None:
    """The organization's contact ``contact_id`` as a document, or None (one statement)."""
    found = _read(organization, "= %s", [contact_id])
    return found[0] if found else None


def read_contacts(organization: Organization, contact_ids: Sequence[int]) -> list[Document]:
    """The organization's contacts among ``contact_ids``, in id order (one statement); ids
    of other organizations, or of no contact, are left out."""
    if not contact_ids:
        return []
    return _read(organization, *among(contact_ids))


class ContactDocuments:
    """The contacts a queryset of one organization selects, read as documents in id order
    when sliced: what a paginator needs (``count()``, then one slice), each slice in one
    statement whatever the filters."""

    ordered = True

    def __init__(self, organization: Organization, contacts: QuerySet[Contact]) -> None:
        self.organization = organization
        self.contacts = contacts.order_by("pk")

    def count(self) -> int:
        return self.contacts.count()

    def __getitem__(self, index: slice) -> list[Document]:
        if not isinstance(index, slice):
            raise TypeError("Contact documents are read a slice at a time.")
        return _read_selected(self.organization, self.contacts[index])

    def chunks(self, size: int) -> Iterator[list[Document]]:
        """Every selected contact, ``size`` at a time: one statement per chunk, each chunk
        found from the last id of the one before (never an offset that grows)."""
        last = 0
        while True:
            chunk = _read_selected(self.organization, self.contacts.filter(pk__gt=last)[:size])
            if chunk:
                yield chunk
            if len(chunk) < size:
                return
            last = chunk[-1]["id"]


def _read_selected(organization: Organization, contacts: QuerySet[Contact]) -> list[Document]:
    """Documents of the contacts a (sliced) queryset selects: the queryset's own SQL is the
    subquery that names them. On PostgreSQL its ids are gathered into an array first, then
    each contact is found by its id: as ``IN (…)`` the contacts were merged with the ids in
    id order, reading every contact of the organization up to the last one wanted (each
    chunk of an export read all those before it)."""
    try:
        sql, params = contacts.values("pk").query.sql_with_params()
    except EmptyResultSet:  # an empty slice, or a filter that can select nothing
        return []
    condition = f"= ANY(ARRAY({sql}))" if connections["default"].vendor == "postgresql" else f"IN ({sql})"
    return _read(organization, condition, list(params))


def _read(organization: Organization, condition: str, params: list[object]) -> list[Document]:
    statement, converters = _statement(connections["default"].vendor)
    rows = select(statement.replace("{condition}", condition), [organization.pk, *params])
    return [_document(row, converters) for row in rows]


# -- the statement ----------------------------------------------------------------------------------


def _array(vendor: str, items: Sequence[tuple[str, str]] | str, source: str, order: str, nested: str = "") -> str:
    """A correlated subquery: the JSON array, in ``order``, of one item per row of ``source``
    (``FROM … WHERE …``). ``items`` is one expression, or ``(key, expression)`` pairs for an
    object; ``nested`` names the key whose expression is itself such an array."""
    if vendor == "postgresql":
        if isinstance(items, str):
            item = items
        else:
            item = "json_build_object(" + ", ".join(f"'{key}', {expression}" for key, expression in items) + ")"
        return f"(SELECT COALESCE(json_agg({item} ORDER BY {order}), '[]'::json) {source})"
    # SQLite: the ordered rows first, then the array over them. A nested array passes the
    # subquery as text, so json() makes it JSON again.
    if isinstance(items, str):
        return f"(SELECT json_group_array(s.item) FROM (SELECT {items} AS item {source} ORDER BY {order}) AS s)"
    columns = ", ".join(f'{expression} AS "{key}"' for key, expression in items)
    pairs = ", ".join(f"'{key}', " + (f'json(s."{key}")' if key == nested else f's."{key}"') for key, _ in items)
    return f"(SELECT json_group_array(json_object({pairs})) FROM (SELECT {columns} {source} ORDER BY {order}) AS s)"


def _exact(vendor: str, column: str) -> str:
    """A float column as text that reads back as the same float (SQLite's JSON functions
    write only 15 digits; 17 always round-trip). NULL stays NULL."""
    if vendor == "postgresql":
        return f"CAST({column} AS text)"
    return f"CASE WHEN {column} IS NULL THEN NULL ELSE printf('%%!.17g', {column}) END"


def _relations(vendor: str) -> list[str]:
    """The relations' subqueries, in ``RELATIONS`` order, each correlated to contact ``c``."""
    # Attribute values as their stored JSON text, which Python decodes as the ORM does.
    stored_values = 'CAST(v."values" AS text)' if vendor == "postgresql" else 'v."values"'
    return [
        _array(
            vendor,
            [("id", "g.id"), ("name", "g.name")],
            f"FROM {table(GroupLink)} l JOIN {table(Group)} g ON g.id = l.group_id WHERE l.contact_id = c.id",
            "g.id",
        ),
        _array(vendor, "l.topic_id", f"FROM {table(TopicLink)} l WHERE l.contact_id = c.id", "l.topic_id"),
        _array(
            vendor,
            "t.name",
            f"FROM {table(ContactTag)} l JOIN {table(Tag)} t ON t.id = l.tag_id WHERE l.contact_id = c.id",
            "l.position, l.id",
        ),
        _array(
            vendor,
            [
                *((name, f"a.{name}") for name in ADDRESS_TEXT),
                ("latitude", _exact(vendor, "a.latitude")),
                ("longitude", _exact(vendor, "a.longitude")),
            ],
            f"FROM {table(Address)} a WHERE a.contact_id = c.id",
            "a.position, a.id",
        ),
        _paths(vendor),
        _array(
            vendor,
            [("definition_id", "v.definition_id"), ("name", "ad.name"), ("values", stored_values)],
            f"FROM {table(ContactAttributeValue)} v JOIN {table(AttributeDefinition)} ad ON ad.id = v.definition_id "
            "WHERE v.contact_id = c.id",
            "v.position, v.id",
        ),
    ]


def _paths(vendor: str) -> str:
    """Paths with their definition's prompt, each with its quiet time frames."""
    frames = _array(
        vendor,
        [
            ("name", "f.name"),
            ("days", "f.days"),
            ("from_hour", "f.from_hour"),
            ("from_min", "f.from_min"),
            ("to_hour", "f.to_hour"),
            ("to_min", "f.to_min"),
        ],
        f"FROM {table(QuietTimeFrame)} f WHERE f.path_id = p.id",
        "f.position, f.id",
    )
    return _array(
        vendor,
        [
            ("definition_id", "p.definition_id"),
            ("prompt", "d.prompt"),
            ("value", "p.value"),
            ("country_code", "p.country_code"),
            ("skip_validation", "p.skip_validation"),
            ("quiet_time_frames", frames),
        ],
        f"FROM {table(ContactPath)} p JOIN {table(PathDefinition)} d ON d.id = p.definition_id "
        "WHERE p.contact_id = c.id",
        "p.position, p.id",
        nested="quiet_time_frames",
    )


@lru_cache(maxsize=4)
def _statement(vendor: str) -> tuple[str, list[tuple[int, str, list]]]:
    """The statement (its contact condition left as ``{condition}``) and, for each contact
    column that needs one, the ORM's converters of the database value."""
    connection = connections["default"]
    fields = Contact._meta.concrete_fields
    columns = ", ".join(f"c.{connection.ops.quote_name(field.column)}" for field in fields)
    relations = ", ".join(_relations(vendor))
    statement = (
        f"SELECT {columns}, rt.name, src.name, {relations} "
        f"FROM {table(Contact)} c JOIN {table(RecordType)} rt ON rt.id = c.record_type_id "
        f"LEFT JOIN {table(Source)} src ON src.id = c.created_source_id "
        f"WHERE {owned('c.organization_id')} AND c.id {{condition}} ORDER BY c.id"
    )
    converters = []
    for index, field in enumerate(fields):
        column = field.get_col(Contact._meta.db_table)
        found = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        if found:
            converters.append((index, field.attname, [(converter, column) for converter in found]))
    return statement, converters


# -- decoding -----------------------------------------------------------------------------------------

FIELD_NAMES = tuple(field.attname for field in Contact._meta.concrete_fields)


def _document(row: Sequence[Any], converters: list[tuple[int, str, list]]) -> Document:
    connection = connections["default"]
    width = len(FIELD_NAMES)
    document = dict(zip(FIELD_NAMES, row[:width], strict=True))
    for index, name, steps in converters:
        value = row[index]
        for converter, expression in steps:
            value = converter(value, expression, connection)
        document[name] = value
    document["record_type_name"], document["created_source_name"] = row[width], row[width + 1]
    document.update(zip(RELATIONS, map(_loaded, row[width + 2 :]), strict=True))
    for address in document["addresses"]:
        address["latitude"] = _float(address["latitude"])
        address["longitude"] = _float(address["longitude"])
    for path in document["paths"]:
        path["skip_validation"] = bool(path["skip_validation"])  # SQLite's JSON has no booleans
        for frame in path["quiet_time_frames"]:
            frame["days"] = days_from_mask(frame["days"])
    for attribute in document["attributes"]:
        attribute["values"] = json.loads(attribute["values"])
    return document


def _loaded(value: object) -> Any:
    """A JSON aggregate: text (SQLite) or already decoded (psycopg decodes ``json``)."""
    return json.loads(value) if isinstance(value, str | bytes) else value


def _float(text: str | None) -> float | None:
    return None if text is None else float(text)
