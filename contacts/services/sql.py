"""Set-based SQL the ORM does slowly: updating many rows with different values.

Django's ``bulk_update`` builds a ``CASE WHEN id = … THEN …`` per row and column: its SQL and
its Python cost grow with rows times columns, and PostgreSQL evaluates the CASE for every row.
``UPDATE … FROM (VALUES …)`` joins one row of values per updated row instead (DESIGN §8).
"""

from collections.abc import Sequence

from django.db import connections, router
from django.db.models import Model

#: Rows per statement, so that one statement stays well within any parameter limit.
MAX_PARAMETERS = 60_000


def update_rows(model: type[Model], rows: Sequence[Model], fields: Sequence[str]) -> None:
    """``UPDATE`` the given columns of many rows, each to its own value, in one statement
    (per 60,000 parameters). Works on PostgreSQL and SQLite ≥ 3.33."""
    if not rows or not fields:
        return
    connection = connections[router.db_for_write(model)]
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    postgres = connection.vendor == "postgresql"

    def value(index: int, field) -> str:
        # VALUES columns are named column1..N on both databases; PostgreSQL needs the type.
        reference = f"v.column{index + 2}"
        return f"CAST({reference} AS {field.db_type(connection)})" if postgres else reference

    assignments = ", ".join(f"{quote(field.column)} = {value(i, field)}" for i, field in enumerate(columns))
    width = len(columns) + 1
    per_statement = max(1, MAX_PARAMETERS // width)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            params: list[object] = []
            for row in chunk:
                params.append(row.pk)
                params.extend(field.get_db_prep_save(getattr(row, field.attname), connection) for field in columns)
            placeholders = ", ".join(["(" + ", ".join(["%s"] * width) + ")"] * len(chunk))
            cursor.execute(
                f"UPDATE {table} SET {assignments} FROM (VALUES {placeholders}) AS v "
                f"WHERE {table}.{quote(meta.pk.column)} = v.column1",
                params,
            )
