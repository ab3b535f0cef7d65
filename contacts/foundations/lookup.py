"""Finding organization-owned rows by id or name, the one way every kind is resolved
(record types, groups, topics and sources for the engine; path and attribute definitions
for their nested kinds).

DESIGN §4: one query for every kind of a request or batch; the id wins when an element carries
both; every unknown id or name is reported at its location.
"""

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.db import connections
from django.db.models import (
    AutoField,
    BigAutoField,
    BooleanField,
    CharField,
    Field,
    ForeignKey,
    IntegerField,
    JSONField,
    Model,
    TextField,
)

from contacts.foundations.problems import Location, Problem, ProblemCode
from contacts.foundations.sql import (
    json_array,
    json_loaded,
    json_nested,
    loaded_instance,
    owned,
    quoted,
    select,
    table,
)
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


@dataclass(frozen=True)
class Lookup:
    """What to find of one kind: the organization's rows with these ids or names, plus rows
    matching ``also`` (column → value)."""

    model: type[Model]
    ids: set[int]
    names: set[str]
    name_field: str = "name"
    also: Mapping[str, object] = field(default_factory=dict)

    @property
    def wanted(self) -> bool:
        return bool(self.ids or self.names or self.also)


def find_all(
    organization: Model, lookups: Sequence[Lookup | None], *, rows: Sequence[Sequence[object]] | None = None
) -> list[Named]:
    """Every lookup's rows, in one statement for them all (none when nothing is asked); a
    ``None`` lookup finds nothing. ``rows``: what ``lookup_statement`` answered, when another
    statement carried it (``contacts.services.state.lock_and_load``); nothing is sent then."""
    if rows is None:
        statement = lookup_statement(organization, lookups)
        rows = select(*statement) if statement is not None else []
    found: list[list[Model]] = [[] for _ in lookups]
    for index, values in rows:
        found[index].append(_instance(lookups[index].model, json_loaded(values)))
    return [
        Named({row.pk: row for row in kind_rows}, {getattr(row, lookup.name_field): row for row in kind_rows})
        if lookup is not None
        else NOTHING
        for lookup, kind_rows in zip(lookups, found, strict=True)
    ]


def lookup_statement(organization: Model, lookups: Sequence[Lookup | None]) -> tuple[str, list[object]] | None:
    """The one ``SELECT`` that finds every lookup's rows, and its parameters; None when
    nothing is asked. Each row is ``kind`` (the lookup's index) and ``found`` (the row's
    columns as a JSON array), so that kinds of different shapes share one ``UNION ALL``."""
    wanted = [(index, lookup) for index, lookup in enumerate(lookups) if lookup is not None and lookup.wanted]
    if not wanted:
        return None
    arrays = connections["default"].vendor == "postgresql"
    params: list[object] = []
    for _, lookup in wanted:
        if not arrays:
            params.extend([organization.pk, *sorted(lookup.ids), *sorted(lookup.names), *lookup.also.values()])
            continue
        if lookup.ids:
            params.extend([organization.pk, sorted(lookup.ids)])
        if lookup.names:
            params.extend([sorted(lookup.names), organization.pk])
        if lookup.also:
            params.extend([organization.pk, *lookup.also.values()])
    shape = tuple((index, *_shape(lookup, arrays)) for index, lookup in wanted)
    return _union_sql(shape, arrays), params


def _shape(lookup: Lookup, arrays: bool) -> tuple:
    """What the statement's text depends on: PostgreSQL takes each list as one array
    parameter (one text whatever the counts, prepared once); SQLite lists the values."""
    counts = [min(len(values), 1) if arrays else len(values) for values in (lookup.ids, lookup.names)]
    return (lookup.model, lookup.name_field, *counts, tuple(lookup.also))


@functools.lru_cache(maxsize=256)
def _union_sql(shape: tuple, arrays: bool) -> str:
    if arrays:
        return " UNION ALL ".join(branch for kind in shape for branch in _array_selects(*kind))
    selects = []
    for index, model, name_field, id_count, name_count, also in shape:
        # Columns are qualified, so that each branch reads alike wherever the statement goes.
        source = table(model)
        conditions = []
        for column, count in (("id", id_count), (name_field, name_count)):
            if count:
                conditions.append(f"{source}.{quoted(column)} IN ({', '.join(['%s'] * count)})")
        conditions.extend(f"{source}.{quoted(column)} = %s" for column in also)
        columns = [_column(f) for f in _fields(model)]
        selects.append(
            f"SELECT {index} AS kind, {json_array(columns)} AS found FROM {source} "
            f"WHERE {source}.organization_id = %s AND ({' OR '.join(conditions)})"
        )
    return " UNION ALL ".join(selects)


def _array_selects(
    index: int, model: type[Model], name_field: str, id_count: int, name_count: int, also: tuple[str, ...]
) -> list[str]:
    """PostgreSQL: a kind's rows by id, by name and by ``also``, each its own ``SELECT``, each
    planned whatever the size of the organization (generic plans: ``sql.owned``). The ids
    drive the primary key, the organization kept by a condition no index serves; each name
    is looked up on its own, a descent of the (organization, name) index, which a list of
    names beside the organization would not be: the organization's rows would be read,
    every tag of an organization to find one. A row found by its id and its name comes
    twice, to the same effect."""
    source = table(model)
    found = json_array([_column(f) for f in _fields(model)])
    selects = []
    if id_count:
        selects.append(
            f"SELECT {index} AS kind, {found} AS found FROM {source} "
            f"WHERE {owned(f'{source}.organization_id')} AND {source}.id = ANY(CAST(%s AS bigint[]))"
        )
    if name_count:
        selects.append(
            f"SELECT {index} AS kind, named.found FROM unnest(CAST(%s AS text[])) AS wanted(value) "
            f"CROSS JOIN LATERAL (SELECT {found} AS found FROM {source} WHERE {source}.organization_id = %s "
            f"AND {source}.{quoted(name_field)} = wanted.value LIMIT 1) named"
        )
    if also:
        conditions = " AND ".join(f"{source}.{quoted(column)} = %s" for column in also)
        selects.append(
            f"SELECT {index} AS kind, {found} AS found FROM {source} "
            f"WHERE {source}.organization_id = %s AND {conditions}"
        )
    return selects


def _fields(model: type[Model]) -> list[Field]:
    return model._meta.concrete_fields


def _column(field: Field) -> str:
    return json_nested(quoted(field.column)) if isinstance(field, JSONField) else quoted(field.column)


def _instance(model: type[Model], values: Sequence[object]) -> Model:
    """A model instance from its columns as JSON carried them: text, numbers, booleans and
    JSON arrive as they are stored; the other fields (instants, dates, decimals) are read
    back by their field."""
    attnames, conversions = _json_conversions(model)
    values = list(values)
    for index, to_python in conversions:
        values[index] = to_python(values[index])
    return loaded_instance(model, attnames, values, "default")


#: Field types whose value JSON carries as it is.
_AS_JSON = (CharField, TextField, IntegerField, BooleanField, ForeignKey, JSONField, AutoField, BigAutoField)


@functools.lru_cache(maxsize=64)
def _json_conversions(model: type[Model]) -> tuple[list[str], list[tuple[int, object]]]:
    fields = _fields(model)
    conversions = [(index, f.to_python) for index, f in enumerate(fields) if not isinstance(f, _AS_JSON)]
    return [f.attname for f in fields], conversions


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
