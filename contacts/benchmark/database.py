"""What the benchmark does to its own organizations outside the clock: keep the tables it
writes vacuumed and analysed between runs, add filler contacts fast, and drop everything
afterwards without loading a row into Python.

All of it is plain SQL that PostgreSQL and SQLite both run (a recursive ``WITH`` counts the
filler rows), and every statement is scoped to the benchmark's own organization.
"""

from collections.abc import Iterable

from django.db import connection
from django.db.models import Model
from django.utils import timezone

from attributes.models import AttributeDefinition, ContactAttributeValue
from contacts.foundations.sql import quoted, table
from contacts.models import (
    Address,
    Contact,
    ContactChange,
    ContactTag,
    Group,
    IdempotencyRecord,
    Organization,
    RecordType,
    Tag,
)
from paths.models import ContactPath, PathDefinition, QuietTimeFrame

GroupLink = Contact.groups.through
TopicLink = Contact.topics.through

#: The tables a FULL update writes: vacuumed and analysed between runs.
WRITTEN = (Contact, GroupLink, ContactPath, QuietTimeFrame, ContactAttributeValue, ContactChange)
#: Filler uids are ``cnt_`` + 6 digits of the organization id + 6 of the row number.
UID_BASE = 10**12
#: Filler contacts per INSERT statement.
FILLER_BATCH = 50_000


def vacuum(models: Iterable[type[Model]] = WRITTEN) -> None:
    """``VACUUM (ANALYZE)`` each table (PostgreSQL), so that no run pays for the dead rows
    the run before it left; SQLite only refreshes its statistics."""
    command = "VACUUM (ANALYZE)" if connection.vendor == "postgresql" else "ANALYZE"
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"{command} {table(model)}")


def fill_organization(organization: Organization, count: int) -> None:
    """Add ``count`` filler contacts, each with a path per path definition (a quiet time
    frame on each), a value per attribute definition, the first group, a tag and an address,
    so that every table below a contact grows with the organization. Filler has no external
    id."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table(Contact)}")
        [after] = cursor.fetchone()
        cursor.execute(
            f"SELECT COUNT(*) FROM {table(Contact)} WHERE organization_id = %s AND external_id = ''",
            [organization.pk],
        )
        [existing] = cursor.fetchone()
        for first in range(existing + 1, existing + count + 1, FILLER_BATCH):
            _insert_contacts(cursor, organization, first, min(existing + count, first + FILLER_BATCH - 1))
        _insert_children(cursor, organization, after)


def _insert_contacts(cursor, organization: Organization, first: int, last: int) -> None:
    """Filler contacts ``first``..``last`` in one statement: every column takes its model
    default but for the organization, record type, uid, name and timestamps."""
    now = timezone.now()
    record_type = RecordType.objects.get(organization=organization, is_default=True)
    fixed = {"organization_id": organization.pk, "record_type_id": record_type.pk, "created_at": now}
    fixed |= {"updated_at": now, "first_name": "Filler", "external_id": ""}
    columns, expressions, params = [], [], []
    for field in Contact._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(quoted(field.column))
        if field.attname == "uid":
            expressions.append("'cnt_' || substr(CAST(n + %s AS TEXT), 2, 12)")
            params.append(UID_BASE + organization.pk * 10**6)
        else:
            expressions.append("%s")
            value = fixed[field.attname] if field.attname in fixed else field.get_default()
            params.append(field.get_db_prep_save(value, connection))
    cursor.execute(
        f"WITH RECURSIVE serial(n) AS (SELECT CAST(%s AS bigint) UNION ALL SELECT n + 1 FROM serial WHERE n < %s) "
        f"INSERT INTO {table(Contact)} ({', '.join(columns)}) SELECT {', '.join(expressions)} FROM serial",
        [first, last, *params],
    )


def _insert_children(cursor, organization: Organization, after: int) -> None:
    """Paths, frames, attribute values and group links of the filler contacts added after
    contact id ``after``."""
    filler = f"SELECT id FROM {table(Contact)} WHERE organization_id = %s AND external_id = '' AND id > %s"
    scope = [organization.pk, after]
    group = Group.objects.filter(organization=organization).order_by("name").values_list("pk", flat=True)[0]
    cursor.execute(
        f"INSERT INTO {table(ContactPath)} (contact_id, definition_id, position, value, country_code, "
        f"skip_validation) SELECT c.id, d.id, 0, 'filler', '', %s FROM ({filler}) c "
        f"CROSS JOIN {table(PathDefinition)} d WHERE d.organization_id = %s",
        [False, *scope, organization.pk],
    )
    cursor.execute(
        f"INSERT INTO {table(QuietTimeFrame)} (path_id, position, name, days, from_hour, from_min, to_hour, "
        f"to_min) SELECT p.id, 0, 'night', 65, 22, 0, 7, 0 FROM {table(ContactPath)} p "
        f"WHERE p.contact_id IN ({filler})",
        scope,
    )
    cursor.execute(
        f"INSERT INTO {table(ContactAttributeValue)} (contact_id, definition_id, position, {quoted('values')}) "
        f"SELECT c.id, d.id, 0, %s FROM ({filler}) c CROSS JOIN {table(AttributeDefinition)} d "
        f"WHERE d.organization_id = %s",
        [_json(["filler"]), *scope, organization.pk],
    )
    cursor.execute(
        f"INSERT INTO {table(GroupLink)} (contact_id, group_id) SELECT c.id, %s FROM ({filler}) c",
        [group, *scope],
    )
    tag, _ = Tag.objects.get_or_create(organization=organization, name="filler")
    cursor.execute(
        f"INSERT INTO {table(ContactTag)} (contact_id, tag_id, position) SELECT c.id, %s, 0 FROM ({filler}) c",
        [tag.pk, *scope],
    )
    columns = [field for field in Address._meta.concrete_fields if not field.primary_key and field.name != "contact"]
    names = ", ".join(quoted(field.column) for field in columns)
    defaults = [field.get_db_prep_save(field.get_default(), connection) for field in columns]
    cursor.execute(
        f"INSERT INTO {table(Address)} (contact_id, {names}) "
        f"SELECT c.id, {', '.join(['%s'] * len(columns))} FROM ({filler}) c",
        [*defaults, *scope],
    )


def _json(value: object) -> object:
    return ContactAttributeValue._meta.get_field("values").get_db_prep_save(value, connection)


def drop_organization(organization: Organization) -> None:
    """Delete the organization and everything in it, table by table in set-based statements
    (the ORM's cascade would first load every row of a 100,000-contact organization)."""
    contacts = f"SELECT id FROM {table(Contact)} WHERE organization_id = %s"
    paths = f"SELECT id FROM {table(ContactPath)} WHERE contact_id IN ({contacts})"
    below = (ContactPath, ContactAttributeValue, Address, ContactTag, GroupLink, TopicLink)
    statements = [
        f"DELETE FROM {table(QuietTimeFrame)} WHERE path_id IN ({paths})",
        *(f"DELETE FROM {table(model)} WHERE contact_id IN ({contacts})" for model in below),
        f"DELETE FROM {table(ContactChange)} WHERE organization_id = %s",
        f"DELETE FROM {table(IdempotencyRecord)} WHERE organization_id = %s",
        f"DELETE FROM {table(Contact)} WHERE organization_id = %s",
    ]
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql, [organization.pk])
    organization.delete()
