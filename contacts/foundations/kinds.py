"""The protocol of a contact's nested kinds: addresses, delivery paths, attribute values.

Each kind is one object that knows how its items are named (resolve), checked (clean),
read along with the contacts that hold them (load_sql and decode) and written (diff and
write). The engine loops over a registry of kinds (``contacts.services.kinds``) instead of
naming them, so a fourth kind is one module and one line in the registry. Every step is
set-based: a fixed number of queries per kind for a whole batch, whatever its size, and no
query of its own to read (DESIGN §4).
"""

from abc import ABC, abstractmethod
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from django.db.models import FloatField, JSONField, Model

from contacts.foundations.lookup import Lookup, Named, item_keys, resolve_one
from contacts.foundations.problems import Location, Problem, ProblemCode, each_object
from contacts.foundations.sql import (
    delete_rows,
    insert_rows,
    json_float,
    json_loaded,
    json_nested,
    json_rows,
    quoted,
    table,
    update_rows,
)


class ItemState(Protocol):
    """One nested item as plain, comparable values (a frozen dataclass)."""

    def as_json(self) -> dict[str, Any]: ...


S = TypeVar("S", bound=ItemState)


@dataclass(frozen=True, slots=True)
class StoredRow(Generic[S]):
    """A stored item: its row id, its ``position`` column, its state, and the ids of the rows
    it holds in order (a path's quiet time frames), which a write can then update in place."""

    row_id: int
    position: int
    state: S
    below: tuple[int, ...] = ()


#: The order of a kind's stored items.
_ORDER = ("position", "id")

#: contact id → (its stored rows in order, the wanted states in order)
Changes = Mapping[int, tuple[Sequence[StoredRow], tuple]]


@dataclass
class RowDiff(Generic[S]):
    """What writing new item lists changes: rows to delete, to update, to insert, and the
    stored rows that stay (with their new state, for kinds with rows of their own below)."""

    removed: list[int] = field(default_factory=list)
    updated: list[dict[str, object]] = field(default_factory=list)
    created: list[tuple[dict[str, object], S]] = field(default_factory=list)
    kept: list[tuple[StoredRow[S], S]] = field(default_factory=list)


@dataclass(frozen=True)
class Definitions:
    """How a kind's items refer to the organization's definitions of it (a path by
    ``path_id`` or ``prompt``, an attribute value by ``org_attr_id`` or ``name``)."""

    model: type[Model]
    id_key: str
    name_key: str
    #: The definition's column that ``name_key`` matches.
    name_field: str
    label: str
    #: The problem when an item names neither.
    missing: str

    def lookup(self, items: Iterable[object]) -> Lookup:
        """Every definition the items name (resolution finds them with the other kinds')."""
        ids, names = item_keys(items, self.id_key, self.name_key)
        return Lookup(self.model, ids, names, name_field=self.name_field)

    def find(self, item: Mapping[str, object], named: Named, at: Location) -> tuple[Model | None, list[Problem]]:
        """The definition an item names; the id wins over the name (DESIGN §4)."""
        definition, problems = resolve_one(
            named,
            raw_id=item.get(self.id_key),
            raw_name=item.get(self.name_key),
            id_at=(*at, self.id_key),
            name_at=(*at, self.name_key),
            label=self.label,
            name_label=self.name_field,
        )
        if definition is None and not problems:
            problems = [Problem((*at, self.id_key), ProblemCode.REQUIRED, self.missing)]
        return definition, problems


class NestedKind(ABC, Generic[S]):
    """One nested kind of a contact. Subclasses set the class attributes and implement
    ``clean_item``, ``from_row`` and ``row``; the rest is shared."""

    #: The kind's key in a ChangeSet's values, in a contact's state and in history.
    field: ClassVar[str]
    #: Singular and plural names for messages ("path", "Paths").
    label: ClassVar[str]
    plural: ClassVar[str]
    #: The canonical keys an item may carry.
    keys: ClassVar[frozenset[str]]
    #: The row model (a ``contact`` foreign key and a ``position``) and the columns ``row`` fills.
    model: ClassVar[type[Model]]
    columns: ClassVar[tuple[str, ...]]
    #: How items name definitions; None for kinds that name none (addresses).
    definitions: ClassVar[Definitions | None] = None
    #: Other ChangeSet keys that change some items and keep the rest (``merge``).
    merge_keys: ClassVar[tuple[str, ...]] = ()

    # -- resolve -------------------------------------------------------------------------

    def lookup(self, items: Iterable[object]) -> Lookup | None:
        """The definitions a batch's items name (None for kinds without definitions)."""
        if self.definitions is None:
            return None
        return self.definitions.lookup(items)

    # -- clean ---------------------------------------------------------------------------

    def clean(
        self, raw: object, *, definitions: Named, current: tuple, at: Location | None = None
    ) -> tuple[tuple[S, ...], list[Problem]]:
        """A list of canonical items → the contact's new list of this kind (it replaces the
        stored one), or every problem found, each at its location."""
        states, problems = self.clean_items(raw, definitions=definitions, current=current, at=at or (self.field,))
        return tuple(state for state in states if self.keep(state)), problems

    def clean_items(
        self, raw: object, *, definitions: Named, current: tuple, at: Location
    ) -> tuple[list[S], list[Problem]]:
        """Every well-formed item's state, in order; an item named twice is reported."""
        states: list[S] = []
        problems: list[Problem] = []
        seen: set[int] = set()
        for here, item, item_problems in each_object(
            raw, at=at, plural=self.plural, label=self.label, keys=self.keys, problems=problems
        ):
            definition = None
            if self.definitions is not None:
                definition, found = self.definitions.find(item, definitions, here)
                item_problems.extend(found)
                if definition is not None and definition.pk in seen:
                    name = getattr(definition, self.definitions.name_field)
                    item_problems.append(
                        Problem(
                            here,
                            ProblemCode.DUPLICATE,
                            f"The {self.definitions.label} {name!r} is listed more than once.",
                        )
                    )
                if definition is not None:
                    seen.add(definition.pk)
            state, found = self.clean_item(item, at=here, definition=definition, current=current)
            item_problems.extend(found)
            problems.extend(item_problems)
            if not item_problems and state is not None:
                states.append(state)
        return states, problems

    @abstractmethod
    def clean_item(
        self, item: dict, *, at: Location, definition: Model | None, current: tuple
    ) -> tuple[S | None, list[Problem]]:
        """One item's state (None when it has problems). ``definition`` is what the item
        names (None for kinds without definitions, or when it names nothing known);
        ``current`` is the contact's stored list of this kind."""

    def keep(self, state: S) -> bool:
        """Whether a cleaned item stays in the list (an attribute without values does not)."""
        return True

    def merge(
        self, key: str, current: tuple, raw: object, *, definitions: Named, at: Location
    ) -> tuple[tuple[S, ...], list[Problem]]:
        """Apply a ``merge_keys`` value: change some items, keep the others."""
        raise NotImplementedError(f"{type(self).__name__} has no merge key {key!r}")

    def check(self, states: tuple, scalars: Mapping[str, object]) -> list[Problem]:
        """Rules between the kind's new list and the contact's own fields."""
        return []

    def delete_all(self, contact_ids: Sequence[int]) -> None:
        """Delete every item of these contacts (an organization-filtered lock returned
        them), before the contacts themselves go."""
        delete_rows(self.model, contact_ids, column="contact_id")

    # -- load ----------------------------------------------------------------------------

    def load_sql(self, contact: str) -> str:
        """A scalar subquery: the stored items of the contact whose id is the SQL expression
        ``contact``, in order, as a JSON array of ``[id, position, *columns]`` (``decode``
        reads it). ``lock_and_load`` puts every kind's subquery in the statement that locks
        the contacts, so that a batch's whole stored state is one round trip."""
        columns = [self.json_column(column) for column in self.columns]
        return json_rows(table(self.model), ["id", "position", *columns], where=f"contact_id = {contact}", order=_ORDER)

    def json_column(self, column: str) -> str:
        """A column as ``load_sql`` carries it: floats as exact text, JSON as JSON."""
        field = self.model._meta.get_field(column)
        if isinstance(field, FloatField):
            return json_float(quoted(field.column))
        if isinstance(field, JSONField):
            return json_nested(quoted(field.column))
        return quoted(field.column)

    def decode(self, loaded: object) -> list[StoredRow[S]]:
        """A contact's stored items from its ``load_sql`` column."""
        rows = json_loaded(loaded) or ()
        return [
            StoredRow(row_id, position, self.from_row(values), self.ids_below(values))
            for row_id, position, *values in rows
        ]

    @abstractmethod
    def from_row(self, values: Sequence[object]) -> S:
        """An item's state from its ``columns``, as ``load_sql`` carries them."""

    def ids_below(self, values: Sequence[object]) -> tuple[int, ...]:
        """The ids of the rows an item holds, in order, from its ``load_sql`` values."""
        return ()

    # -- diff and write ------------------------------------------------------------------

    @abstractmethod
    def row(self, state: S) -> dict[str, object]:
        """An item's ``columns`` (not ``contact_id`` nor ``position``)."""

    def identity(self, state: S, index: int) -> Hashable:
        """What makes a wanted item the same as a stored one: its place in the list, or the
        definition it names (a kept path keeps its row, and its frames)."""
        return index if self.definitions is None else state.definition_id

    def diff(self, changes: Changes) -> RowDiff[S]:
        """Compare each contact's stored rows with its wanted list; only what differs moves."""
        diff: RowDiff[S] = RowDiff()
        for contact_id, (stored, wanted) in changes.items():
            by_identity = {self.identity(row.state, index): row for index, row in enumerate(stored)}
            kept = set()
            for position, state in enumerate(wanted):
                key = self.identity(state, position)
                old = by_identity.get(key)
                if old is None:
                    diff.created.append(({"contact_id": contact_id, "position": position, **self.row(state)}, state))
                    continue
                kept.add(key)
                diff.kept.append((old, state))
                if old.position == position and old.state == state:
                    continue
                row = self.row(state)
                if old.position != position or self.row(old.state) != row:
                    diff.updated.append({"id": old.row_id, "contact_id": contact_id, "position": position, **row})
            diff.removed.extend(row.row_id for key, row in by_identity.items() if key not in kept)
        return diff

    def write(self, changes: Changes) -> None:
        """Write new lists, ``{contact_id: (stored rows, wanted states)}``: one delete, one
        update and one insert at most, whatever the number of contacts."""
        self.write_rows(self.diff(changes))

    def write_rows(self, diff: RowDiff[S], *, returning_ids: bool = False) -> list[int]:
        """Apply a diff; with ``returning_ids`` the new rows' ids, in ``diff.created`` order."""
        delete_rows(self.model, diff.removed)
        if diff.updated:
            update_rows(self.model, diff.updated, ["position", *self.columns])
        if not diff.created:
            return []
        if returning_ids:
            created = self.model.objects.bulk_create([self.model(**row) for row, _ in diff.created])
            return [row.pk for row in created]
        insert_rows(self.model, [row for row, _ in diff.created])
        return []
