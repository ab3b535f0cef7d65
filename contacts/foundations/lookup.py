"""Finding organization-owned rows by id or name, the one way every kind is resolved
(record types, groups, topics and sources for the engine; path and attribute definitions
for their nested kinds).

DESIGN §4: one query per kind per request or batch; the id wins when an element carries
both; every unknown id or name is reported at its location.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection
from django.db.models import Model

from contacts.foundations.problems import Location, Problem, ProblemCode
from contacts.ids import parse_id


@dataclass(frozen=True)
class Named:
    """Rows of one kind found by id and by name (``by_name`` is keyed by the kind's name
    field: ``name``, or ``prompt`` for paths)."""

    by_id: dict[int, Model]
    by_name: dict[str, Model]


NOTHING = Named({}, {})


def item_keys(items: Iterable[object], id_key: str, name_key: str) -> tuple[set[int], set[str]]:
    """The well-formed ids and names that dict items carry under the two keys."""
    ids, names = set(), set()
    for item in items:
        if isinstance(item, dict):
            if (found := parse_id(item.get(id_key))) is not None:
                ids.add(found)
            if isinstance(item.get(name_key), str):
                names.add(item[name_key])
    return ids, names


def find_named(
    model: type[Model], organization: Model, *, ids: set[int], names: set[str], name_field: str = "name", **also: object
) -> Named:
    """The organization's rows with those ids or names (plus rows matching ``also``), in one
    query; no query when nothing is asked."""
    if not ids and not names and not also:
        return NOTHING
    # Plain SQL: this runs for every update, and compiling the ORM query costs as much.
    table, quote = model._meta.db_table, connection.ops.quote_name
    conditions, params = [], []
    for column, values in (("id", sorted(ids)), (name_field, sorted(names))):
        if values:
            conditions.append(f"{quote(column)} IN ({', '.join(['%s'] * len(values))})")
            params.extend(values)
    for column, value in also.items():
        conditions.append(f"{quote(column)} = %s")
        params.append(value)
    sql = f"SELECT * FROM {quote(table)} WHERE {quote('organization_id')} = %s AND ({' OR '.join(conditions)})"
    rows = list(model.objects.raw(sql, [organization.pk, *params]))
    return Named({row.pk: row for row in rows}, {getattr(row, name_field): row for row in rows})


def resolve_one(
    named: Named,
    *,
    raw_id: object,
    raw_name: object,
    id_at: Location,
    name_at: Location,
    label: str,
    name_label: str = "name",
) -> tuple[Model | None, list[Problem]]:
    """One reference given by id and/or name; the id wins (a name that is not even text is
    refused all the same). (None, []) when neither is given."""
    if raw_name is not None and not isinstance(raw_name, str):
        return None, [Problem(name_at, ProblemCode.INVALID, f"The {label} {name_label} must be text.")]
    if raw_id is not None and raw_id != "":
        found = named.by_id.get(parse_id(raw_id))
        if found is None:
            return None, [Problem(id_at, ProblemCode.UNKNOWN, f"Unknown {label} id {raw_id!r}.")]
        return found, []
    if raw_name is not None and raw_name != "":
        found = named.by_name.get(raw_name) if isinstance(raw_name, str) else None
        if found is None:
            return None, [Problem(name_at, ProblemCode.UNKNOWN, f"Unknown {label} {name_label} {raw_name!r}.")]
        return found, []
    return None, []
