"""Set-based SQL the ORM does slowly: writing many rows, each with its own values.

Django's ``bulk_update`` builds a ``CASE WHEN id = … THEN …`` per row and column, so its SQL
and its Python cost grow with rows times columns. Here the rows travel as one JSON document
(PostgreSQL: ``json_to_recordset``) or one ``VALUES`` list (SQLite), joined to the table in
a single statement (DESIGN §8: set-based SQL where the ORM is slow).

Tenant scoping: a statement on a table with an ``organization_id`` names the organization.
Rows of the tables below a contact (links, addresses, paths, frames, attribute values) are
read and written only through the contacts that an organization-filtered, locking statement
of the same transaction returned (``contacts.services.state.lock_and_load``), by their
indexed ``contact_id`` or by row ids read that way: a plain id list keeps every plan an
index scan, whatever the statistics, and the cost with the batch, never the organization.
Contacts found by id keep to their organization with ``owned``, for the same reason.
"""

import functools
from collections.abc import Callable, Sequence

from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import BooleanField, Field, Func, JSONField, Model, Q
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init

from contacts.db_json import dumps, loads
from contacts.foundations.chain import AFTER, Part, execute

#: Rows per statement on SQLite, so that one statement stays well within its parameter limit.
MAX_PARAMETERS = 60_000


Row = dict[str, object]


def owned(column: str) -> str:
    """``column = %s`` (the organization's id) as a condition no index can serve:
    ``(… = %s) IS TRUE``, for a statement that finds its rows by primary key.

    Its plan is made once for every organization (settings.py: generic plans), from the
    statistics' average organization. Where many organizations are small, that is a few
    rows, and reading a few rows from an index that leads with ``organization_id`` looks
    cheaper than looking each id up: so PostgreSQL would read the organization's rows and
    keep those among the ids, every contact of a large organization for one update (30 ms
    for one of 100,000 contacts, against 0.1). Written this way, the condition only filters the
    rows the ids found, and the cost follows the ids, never the organization's size."""
    return f"({column} = %s) IS TRUE"


class _IsTrue(Func):
    template = "(%(expressions)s) IS TRUE"
    output_field = BooleanField()


def owned_by(organization_id: int) -> Func:
    """``owned`` for a queryset that names rows by primary key or another unique column:
    ``Contact.objects.filter(owned_by(organization.pk), pk__in=ids)``."""
    return _IsTrue(Q(organization_id=organization_id))


def update_rows(
    model: type[Model], rows: Sequence[Row], fields: Sequence[str], *, organization_id: int | None = None
) -> None:
    """``UPDATE`` the given columns of many rows, each to its own value, in one statement.
    Each row is a dict of field attnames (``"id"`` names the row). With ``organization_id``
    (tables that have the column) the statement also keeps to that organization's rows."""
    if not rows or not fields:
        return
    connection = connections[router.db_for_write(model)]
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    scope_params = [] if organization_id is None else [organization_id]
    sql = _update_sql(connection.vendor, model, tuple(fields), scoped=organization_id is not None)
    if connection.vendor == "postgresql":
        ids = [row[meta.pk.attname] for row in rows]
        document = dict(zip(map(str, ids), _json_rows(columns, rows), strict=True))
        execute([Part(sql, [dumps(document), id_array(ids), *scope_params])])
        return
    with connection.cursor() as cursor:
        width = len(columns) + 1
        per_statement = max(1, MAX_PARAMETERS // width)
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            params: list[object] = []
            for row in chunk:
                params.append(row[meta.pk.attname])
                params.extend(f.get_db_prep_save(row[f.attname], connection) for f in columns)
            placeholders = ", ".join(["(" + ", ".join(["%s"] * width) + ")"] * len(chunk))
            cursor.execute(sql.format(values=placeholders), [*params, *scope_params])


@functools.lru_cache(maxsize=256)
def _update_sql(vendor: str, model: type[Model], fields: tuple[str, ...], *, scoped: bool) -> str:
    """``update_rows``' statement (on SQLite with a ``{values}`` slot for the rows' list)."""
    connection = connections[router.db_for_write(model)]
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    pk = quote(meta.pk.column)
    scope = f" AND {owned(f'{table}.organization_id')}" if scoped else ""
    if vendor == "postgresql":
        # The rows are found by primary key (index scan on the id list), and each reads its
        # values from one JSON object keyed by id: no join for the planner to misjudge.
        row_values = f"(d.data -> CAST({table}.{pk} AS text))"

        def value(field: Field) -> str:
            if isinstance(field, JSONField):
                return f"{row_values} -> '{field.column}'"
            return f"CAST({row_values} ->> '{field.column}' AS {field.db_type(connection)})"

        assignments = ", ".join(f"{quote(f.column)} = {value(f)}" for f in columns)
        return (
            f"UPDATE {table} SET {assignments} FROM (SELECT CAST(%s AS jsonb) AS data) AS d "
            f"WHERE {table}.{pk} = ANY(CAST(%s AS bigint[])){scope} AND {AFTER}"
        )
    assignments = ", ".join(f"{quote(f.column)} = v.column{i + 2}" for i, f in enumerate(columns))
    return f"UPDATE {table} SET {assignments} FROM (VALUES {{values}}) AS v WHERE {table}.{pk} = v.column1{scope}"


def insert_rows(
    model: type[Model], rows: Sequence[Row], *, first: Part | None = None, ignore_conflicts: bool = False
) -> None:
    """``INSERT`` many rows whose ids the caller does not need, in one statement. Fields a
    row leaves out take their defaults; with ``ignore_conflicts`` a row that would break a
    unique constraint is left out.

    ``first`` (PostgreSQL): a ``SELECT`` part, such as taking a lock, that the statement
    evaluates before it draws any id."""
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        model.objects.bulk_create([model(**row) for row in rows], ignore_conflicts=ignore_conflicts)
        return
    columns = _insert_columns(model)
    defaults = {f.attname: f.get_default() for f in columns if f.has_default()}
    sql = _insert_sql(connection.vendor, model) + (" ON CONFLICT DO NOTHING" if ignore_conflicts else "")
    insert = Part(sql, [dumps(_json_rows(columns, rows, defaults))])
    execute([first, insert] if first is not None else [insert])


def _insert_columns(model: type[Model]) -> list[Field]:
    return [f for f in model._meta.concrete_fields if not f.primary_key]


@functools.lru_cache(maxsize=64)
def _insert_sql(vendor: str, model: type[Model]) -> str:
    """``insert_rows``' statement (PostgreSQL): the JSON rows read as a typed relation, the
    document parsed once as ``jsonb`` (from ``json``, each ``jsonb`` column's text, such as a
    history row's changes, would be parsed a second time)."""
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    columns = _insert_columns(model)
    names = ", ".join(quote(f.column) for f in columns)
    definitions = ", ".join(f"{quote(f.column)} {f.db_type(connection)}" for f in columns)
    return (
        f"INSERT INTO {quote(model._meta.db_table)} ({names}) "
        f"SELECT {names} FROM jsonb_to_recordset(%s::jsonb) AS v({definitions}) WHERE {AFTER}"
    )


def _json_rows(
    columns: Sequence[Field], rows: Sequence[Row], defaults: dict[str, object] | None = None
) -> list[dict[str, object]]:
    """The rows as JSON-ready objects keyed by column (JSON fields stay nested); a field a
    row leaves out takes its value from ``defaults``, else null."""
    defaults = defaults or {}
    pairs = [(f.column, f.attname, defaults.get(f.attname)) for f in columns]
    return [{column: row.get(attname, default) for column, attname, default in pairs} for row in rows]


def instances(model: type[Model], rows: Sequence[Sequence[object]], *, start: int = 0) -> list[Model]:
    """Model instances from rows whose columns ``start`` onwards are the model's concrete
    fields in order, converted as the ORM converts them: what a queryset builds, for rows
    of a statement written once (compiling an ORM query costs as much as running it)."""
    connection = connections["default"]
    fields = model._meta.concrete_fields
    attnames, converters = _converters(model, connection)
    end, built, direct = start + len(fields), [], _unobserved(model)
    for row in rows:
        values = list(row[start:end])
        for index, column, found in converters:
            for convert in found:
                values[index] = convert(values[index], column, connection)
        built.append(loaded_instance(model, attnames, values, connection.alias, direct=direct))
    return built


def _unobserved(model: type[Model]) -> bool:
    return not (pre_init.has_listeners(model) or post_init.has_listeners(model))


def loaded_instance(
    model: type[Model], attnames: list[str], values: list[object], alias: str, *, direct: bool | None = None
) -> Model:
    """What ``Model.from_db`` builds from a full row of field values, without
    ``Model.__init__`` (it sets fifty fields one by one through their descriptors) when
    nothing listens to the creation of the model's instances (``direct``: already known)."""
    if not (_unobserved(model) if direct is None else direct):
        return model.from_db(alias, attnames, values)
    instance = model.__new__(model)
    instance.__dict__.update(zip(attnames, values, strict=True))
    instance._state = state = ModelState()
    state.adding, state.db = False, alias
    return instance


@functools.lru_cache(maxsize=64)
def _converters(model: type[Model], connection: BaseDatabaseWrapper) -> tuple[list[str], list[tuple]]:
    """The model's field attnames, and for each field that needs them the ORM's converters
    of a database value (``instances``), for one connection (each thread has its own)."""
    fields = model._meta.concrete_fields
    converters = []
    for index, f in enumerate(fields):
        column = f.get_col(model._meta.db_table)
        found = connection.ops.get_db_converters(column) + f.get_db_converters(connection)
        if found:
            converters.append((index, column, found))
    return [f.attname for f in fields], converters


def columns_of(model: type[Model], alias: str) -> str:
    """The model's concrete columns, qualified by ``alias``, in field order (``instances``)."""
    return ", ".join(f"{alias}.{quoted(f.column)}" for f in model._meta.concrete_fields)


def select(sql: str, params: Sequence[object], *, meanwhile: Callable[[], object] | None = None) -> list[tuple]:
    """Rows of a plain ``SELECT``. The engine's loads run on every update, and compiling them
    through the ORM costs as much as running them.

    ``meanwhile`` (PostgreSQL): work that runs while the database computes the rows, the
    statement sent first (psycopg's pipeline mode) and its rows read after; elsewhere it is
    not run at all, so it must only save time later (warm a cache)."""
    connection = connections["default"]
    with connection.cursor() as cursor:
        if meanwhile is None or connection.vendor != "postgresql":
            cursor.execute(sql, params)
            return cursor.fetchall()
        with connection.connection.pipeline():
            cursor.execute(sql, params)
            meanwhile()
            return cursor.fetchall()


def among(ids: Sequence[int]) -> tuple[str, list[object]]:
    """``column`` + this: the (bigint) column is one of the ids, an index scan on a list. On
    PostgreSQL the ids are one array parameter: the statement's text does not change with
    the count, so it is parsed and planned once (prepared statements)."""
    if connections["default"].vendor == "postgresql":
        return "= ANY(CAST(%s AS bigint[]))", [id_array(ids)]
    return f"IN ({', '.join(['%s'] * len(ids))})", list(ids)


def id_array(ids: Sequence[int]) -> str:
    """Ids as a PostgreSQL array literal (``{1,2,3}``): psycopg would write a list of a
    thousand ints element by element, in Python."""
    return "{" + ",".join(str(int(i)) for i in ids) + "}"


def json_rows(source: str, columns: Sequence[str], *, where: str, order: Sequence[str]) -> str:
    """A scalar subquery: the rows of ``source`` that match ``where``, in ``order``, as one JSON
    array of arrays of ``columns`` (SQL expressions); NULL or ``[]`` when there are none.

    With a ``where`` that names a column of the outer query, one statement reads the rows
    of every kind below many contacts, each kind as one column per contact."""
    values, ordering = ", ".join(columns), ", ".join(order)
    if connections["default"].vendor == "postgresql":
        return f"(SELECT json_agg(json_build_array({values}) ORDER BY {ordering}) FROM {source} WHERE {where})"
    # SQLite (before 3.44) orders an aggregate's input through a subquery, and passes its rows
    # on as text: json() reads each back as JSON.
    return (
        f"(SELECT json_group_array(json(item)) FROM "
        f"(SELECT json_array({values}) AS item FROM {source} WHERE {where} ORDER BY {ordering}))"
    )


def json_array(expressions: Sequence[str]) -> str:
    """A JSON array of SQL expressions' values."""
    function = "json_build_array" if connections["default"].vendor == "postgresql" else "json_array"
    return f"{function}({', '.join(expressions)})"


def json_float(expression: str) -> str:
    """A float column inside ``json_rows``, as text that ``float()`` reads back exactly: SQLite
    writes JSON numbers with 15 significant digits, and a JSON ``-0`` reads back as 0."""
    if connections["default"].vendor == "postgresql":
        return f"CAST({expression} AS text)"
    return f"CASE WHEN {expression} IS NULL THEN NULL ELSE printf('%%!.17g', {expression}) END"


def json_nested(expression: str) -> str:
    """A JSON value (a JSON column, or a ``json_rows`` subquery) inside ``json_rows``, nested
    as JSON rather than as a string (SQLite hands JSON on as text)."""
    if connections["default"].vendor == "postgresql":
        return expression
    return f"json({expression})"


def json_loaded(value: object) -> object:
    """A ``json_rows`` column as Python values (drivers return JSON decoded or as text)."""
    return loads(value) if isinstance(value, str) else value


def delete_rows(
    model: type[Model], ids: Sequence[int], *, column: str = "id", organization_id: int | None = None
) -> None:
    """``DELETE`` the rows whose ``column`` is among ``ids``, in one statement, and of
    ``organization_id`` when given (for tables that have one). No cascade: rows that hang
    from these are deleted first by the caller (the database refuses otherwise)."""
    if not ids:
        return
    table = quoted(model._meta.db_table)
    listed, params = among(ids)
    scope = ""
    if organization_id is not None:
        scope, params = owned(f"{table}.{quoted('organization_id')}") + " AND ", [organization_id, *params]
    execute([Part(f"DELETE FROM {table} WHERE {scope}{table}.{quoted(column)} {listed} AND {AFTER}", params)])


def quoted(name: str) -> str:
    """A table or column name quoted for the database."""
    return connections["default"].ops.quote_name(name)


def table(model: type[Model]) -> str:
    return quoted(model._meta.db_table)
