"""Set-based SQL the ORM does slowly: writing many rows, each with its own values.

Django's ``bulk_update`` builds a ``CASE WHEN id = … THEN …`` per row and column, so its SQL
and its Python cost grow with rows times columns. Here the rows travel as one JSON document
(PostgreSQL: ``json_to_recordset``) or one ``VALUES`` list (SQLite), joined to the table in
a single statement (DESIGN §8: set-based SQL where the ORM is slow).
"""

import datetime
import json
from collections.abc import Sequence

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, router
from django.db.models import Field, JSONField, Model

from contacts.models import Contact

#: Rows per statement on SQLite, so that one statement stays well within its parameter limit.
MAX_PARAMETERS = 60_000


Row = dict[str, object]


def update_rows(model: type[Model], rows: Sequence[Row], fields: Sequence[str], *, organization_id: int) -> None:
    """``UPDATE`` the given columns of many rows of one organization, each to its own value,
    in one statement. Each row is a dict of field attnames (``"id"`` names the row)."""
    if not rows or not fields:
        return
    connection = connections[router.db_for_write(model)]
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    pk = quote(meta.pk.column)
    # Child rows carry their contact; the scope is bounded by those contacts.
    contact_ids = sorted({row["contact_id"] for row in rows}) if "contact_id" in rows[0] else []
    scope, scope_params = organization_scope(model, table, organization_id=organization_id, contact_ids=contact_ids)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The rows are found by primary key (index scan on the id list), and each reads its
            # values from one JSON object keyed by id: no join for the planner to misjudge.
            row_values = f"(d.data -> CAST({table}.{pk} AS text))"

            def value(field: Field) -> str:
                if isinstance(field, JSONField):
                    return f"{row_values} -> '{field.column}'"
                return f"CAST({row_values} ->> '{field.column}' AS {field.db_type(connection)})"

            assignments = ", ".join(f"{quote(f.column)} = {value(f)}" for f in columns)
            ids = [row[meta.pk.attname] for row in rows]
            document = dict(zip(map(str, ids), _json_rows(columns, rows), strict=True))
            cursor.execute(
                f"UPDATE {table} SET {assignments} FROM (SELECT CAST(%s AS jsonb) AS data) AS d "
                f"WHERE {table}.{pk} = ANY(CAST(%s AS bigint[])) AND {scope}",
                [json.dumps(document, cls=ExactJSONEncoder, ensure_ascii=False), ids, *scope_params],
            )
            return
        assignments = ", ".join(f"{quote(f.column)} = v.column{i + 2}" for i, f in enumerate(columns))
        width = len(columns) + 1
        per_statement = max(1, MAX_PARAMETERS // width)
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            params: list[object] = []
            for row in chunk:
                params.append(row[meta.pk.attname])
                params.extend(f.get_db_prep_save(row[f.attname], connection) for f in columns)
            placeholders = ", ".join(["(" + ", ".join(["%s"] * width) + ")"] * len(chunk))
            cursor.execute(
                f"UPDATE {table} SET {assignments} FROM (VALUES {placeholders}) AS v "
                f"WHERE {table}.{pk} = v.column1 AND {scope}",
                [*params, *scope_params],
            )


def insert_rows(model: type[Model], rows: Sequence[Row]) -> None:
    """``INSERT`` many rows whose ids the caller does not need, in one statement. Fields a
    row leaves out take their defaults."""
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        model.objects.bulk_create([model(**row) for row in rows])
        return
    meta = model._meta
    columns = [f for f in meta.concrete_fields if not f.primary_key]
    defaults = {f.attname: f.get_default() for f in columns if f.has_default()}
    quote = connection.ops.quote_name
    names = ", ".join(quote(f.column) for f in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(meta.db_table)} ({names}) SELECT {names} FROM {_recordset(connection, columns)}",
            [_rows_json(columns, [{**defaults, **row} for row in rows])],
        )


def _recordset(connection, columns: Sequence[Field]) -> str:
    """``json_to_recordset(%s::json) AS v(col type, …)``: the JSON rows as a typed relation."""
    quote = connection.ops.quote_name
    definitions = ", ".join(f"{quote(f.column)} {f.db_type(connection)}" for f in columns)
    return f"json_to_recordset(%s::json) AS v({definitions})"


class ExactJSONEncoder(DjangoJSONEncoder):
    """Django's encoder, but instants keep their microseconds (it rounds to milliseconds)."""

    def default(self, o: object) -> object:
        if isinstance(o, datetime.datetime | datetime.date | datetime.time):
            return o.isoformat()
        return super().default(o)


def _json_rows(columns: Sequence[Field], rows: Sequence[Row]) -> list[dict[str, object]]:
    """The rows as JSON-ready objects keyed by column (JSON fields stay nested)."""
    return [{f.column: row.get(f.attname) for f in columns} for row in rows]


def _rows_json(columns: Sequence[Field], rows: Sequence[Row]) -> str:
    return json.dumps(_json_rows(columns, rows), cls=ExactJSONEncoder, ensure_ascii=False)


def select(sql: str, params: Sequence[object]) -> list[tuple]:
    """Rows of a plain ``SELECT``. The engine's loads run on every update, and compiling them
    through the ORM costs as much as running them."""
    with connections["default"].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def among(ids: Sequence[int]) -> tuple[str, list[object]]:
    """``column`` + this: the column is one of the ids (an index scan on a list whose length
    the planner knows)."""
    if connections["default"].vendor == "postgresql":
        return "= ANY(CAST(%s AS bigint[]))", [list(ids)]
    return f"IN ({', '.join(['%s'] * len(ids))})", list(ids)


def organization_scope(
    model: type[Model], table: str, *, organization_id: int, contact_ids: Sequence[int]
) -> tuple[str, list[object]]:
    """A ``WHERE`` condition and its parameters that keep a statement on ``table`` (the
    model's table or its alias) to one organization's rows: by the row's own
    ``organization_id``, or through the contact it belongs to (a quiet time frame through
    its path). The contacts are those of the batch (``contact_ids``), so the condition costs
    what the batch costs, whatever the organization's size."""
    if _has_field(model, "organization"):
        return f"{table}.organization_id = %s", [organization_id]
    owner = _owner(model)
    parent = quoted(owner.related_model._meta.db_table)
    if owner.related_model is Contact:
        listed, params = among(contact_ids)
        inner, inner_params = f"{parent}.organization_id = %s AND {parent}.id {listed}", [organization_id, *params]
    else:
        inner, inner_params = organization_scope(
            owner.related_model, parent, organization_id=organization_id, contact_ids=contact_ids
        )
    return f"{table}.{quoted(owner.column)} IN (SELECT {parent}.id FROM {parent} WHERE {inner})", inner_params


def of_contacts(
    model: type[Model], table: str, *, organization_id: int, contact_ids: Sequence[int]
) -> tuple[str, list[object]]:
    """A ``WHERE`` condition and its parameters for the rows of the given contacts, among
    those of the organization: found by the indexed ``contact_id``, and scoped."""
    listed, params = among(contact_ids)
    scope, scope_params = organization_scope(model, table, organization_id=organization_id, contact_ids=contact_ids)
    return f"{table}.contact_id {listed} AND {scope}", [*params, *scope_params]


def _has_field(model: type[Model], name: str) -> bool:
    return any(f.name == name for f in model._meta.concrete_fields)


def _owner(model: type[Model]) -> Field:
    """The foreign key through which a row belongs to an organization: its contact, or the
    row it hangs from (a quiet time frame's path)."""
    keys = [f for f in model._meta.concrete_fields if f.many_to_one]
    for key in sorted(keys, key=lambda f: f.related_model is not Contact):
        if key.related_model is Contact or any(f.many_to_one for f in key.related_model._meta.concrete_fields):
            return key
    raise ValueError(f"{model.__name__} rows are not scoped to an organization")


def delete_rows(
    model: type[Model], ids: Sequence[int], *, organization_id: int, contact_ids: Sequence[int], column: str = "id"
) -> None:
    """``DELETE`` the rows of the batch's contacts (``contact_ids``, in the organization)
    whose ``column`` is among ``ids``, in one statement. No cascade: rows that hang from
    these are deleted first by the caller (the database refuses otherwise)."""
    if not ids:
        return
    connection = connections[router.db_for_write(model)]
    table = quoted(model._meta.db_table)
    listed, params = among(ids)
    scope, scope_params = organization_scope(model, table, organization_id=organization_id, contact_ids=contact_ids)
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {table} WHERE {table}.{quoted(column)} {listed} AND {scope}", [*params, *scope_params]
        )


def quoted(name: str) -> str:
    """A table or column name quoted for the database."""
    return connections["default"].ops.quote_name(name)


def table(model: type[Model]) -> str:
    return quoted(model._meta.db_table)
