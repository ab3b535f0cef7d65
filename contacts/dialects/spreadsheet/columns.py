"""The spreadsheet dialect's columns (DESIGN §12): native wire names, one column per path and
per attribute, lists joined by ``;``.

A file's header is read once (``read_header``): a column nobody knows is refused before any
row is applied. Each row then becomes one ChangeSet (``Header.changeset``) and each contact
one row in the same columns (``Header.row_for``), so that an export imports back to no change.

Per column, a cell states its field: an empty cell clears it (a path or attribute column:
removes that path or value). A column left out of the file leaves its field alone (PARTIAL);
FULL states the whole contact, so what the columns do not name is cleared as FULL clears it.
"""

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.db.models import Model

from contacts.dialects.native import wire
from contacts.selectors import spreadsheet_definitions
from contacts.services import ChangeSet, Problem, UpdateMode

SEPARATOR = ";"
IDENTITY = "id"
RECORD_TYPE = "recordTypeName"
PATH_PREFIX = "path:"
ATTRIBUTE_PREFIX = "attr:"
COUNTRY_SUFFIX = ":countryCode"
#: Scalar columns, in the order exports write them.
SCALAR_COLUMNS = (
    "externalId",
    "firstName",
    "lastName",
    "middleInitial",
    "suffix",
    "title",
    "email",
    "phone",
    "phoneHome",
    "fax",
    "timezoneId",
    "preferredEmailFormat",
    "status",
    "companyName",
    "companyPosition",
    "department",
    "industry",
    "linkedinUrl",
    "birthDate",
    "gender",
    "maritalStatus",
    "educationLevel",
    "countryId",
    "cityId",
    "hashKey",
)
#: Columns whose empty cell means ``null`` rather than ``""``.
NULL_WHEN_EMPTY = frozenset({"birthDate", "countryId", "cityId"})
LIST_COLUMNS = ("groupsName", "topics", "tags")
INTEGER = re.compile(r"-?\d{1,18}")
DECIMAL = re.compile(r"-?\d+\.\d+")


class HeaderRefused(ValueError):
    """The header names columns this organization does not have; nothing was read further."""


@dataclass(frozen=True)
class Definitions:
    """What the organization's path and attribute columns may name: prompts, and attribute
    names with their data types (a number attribute reads its cells as numbers)."""

    prompts: Sequence[str]
    attributes: Mapping[str, str]


@dataclass(frozen=True)
class Row:
    """The ChangeSet one data row states, and where its nested items came from."""

    changeset: ChangeSet
    #: ``paths``/``attributes`` item index → the column it came from (to name problems).
    nested_columns: Mapping[str, Sequence[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Header:
    columns: tuple[str, ...]
    definitions: Definitions

    def changeset(self, cells: Mapping[str, str], *, mode: UpdateMode, contact_id: int | None) -> Row:
        """The ChangeSet a row's cells state, for the contact the caller matched (None: new)."""
        values: dict[str, Any] = {}
        for column in SCALAR_COLUMNS:
            if column in cells:
                value = cells[column]
                values[wire.TOP_LEVEL[column]] = None if value == "" and column in NULL_WHEN_EMPTY else value
        if cells.get(RECORD_TYPE):
            values["record_type_name"] = cells[RECORD_TYPE]
        if "groupsName" in cells:
            values["group_names"] = split(cells["groupsName"])
        if "topics" in cells:
            values["topics"] = split(cells["topics"])  # ids as text: the engine reads them as ids
        if "tags" in cells:
            values["tags"] = split(cells["tags"])
        paths, path_columns = self._paths(cells)
        attributes, attribute_columns = self._attributes(cells)
        # PARTIAL sets the paths and values the columns name and keeps the others; FULL's
        # lists are the whole lists (an empty cell is simply not in them).
        if mode == UpdateMode.FULL:
            kept = [i for i, item in enumerate(paths) if item["value"]]
            values["paths"] = [paths[i] for i in kept]
            path_columns = [path_columns[i] for i in kept]
            kept = [i for i, item in enumerate(attributes) if item["values"]]
            values["attributes"] = [attributes[i] for i in kept]
            attribute_columns = [attribute_columns[i] for i in kept]
        else:
            if paths:
                values["paths_merge"] = paths
            if attributes:
                values["attributes_merge"] = attributes
        return Row(
            changeset=ChangeSet(values=values, contact_id=contact_id),
            nested_columns={
                "paths": path_columns,
                "paths_merge": path_columns,
                "attributes": attribute_columns,
                "attributes_merge": attribute_columns,
            },
        )

    def _paths(self, cells: Mapping[str, str]) -> tuple[list[dict], list[str]]:
        items, columns = [], []
        for prompt in self.definitions.prompts:
            column = PATH_PREFIX + prompt
            if column not in cells:
                continue
            item = {"prompt": prompt, "value": cells[column]}
            if column + COUNTRY_SUFFIX in cells:
                item["country_code"] = cells[column + COUNTRY_SUFFIX]
            items.append(item)
            columns.append(column)
        return items, columns

    def _attributes(self, cells: Mapping[str, str]) -> tuple[list[dict], list[str]]:
        items, columns = [], []
        for name, data_type in self.definitions.attributes.items():
            column = ATTRIBUTE_PREFIX + name
            if column in cells:
                values = split(cells[column])
                if data_type == "NUMBER":
                    values = [as_number(value) for value in values]
                items.append({"name": name, "values": values})
                columns.append(column)
        return items, columns

    @cached_property
    def path_cells(self) -> dict[str, tuple[str, str]]:
        """Path column → (prompt, the path's key it holds)."""
        cells = {}
        for prompt in self.definitions.prompts:
            cells[PATH_PREFIX + prompt] = (prompt, "value")
            cells[PATH_PREFIX + prompt + COUNTRY_SUFFIX] = (prompt, "countryCode")
        return cells

    def row_for(self, contact: Mapping[str, Any]) -> list[str]:
        """A contact as the native API renders it → its cells, in the header's columns."""
        paths = {path["prompt"]: path for path in contact.get("paths", [])}
        attributes = {item["name"]: item["values"] for item in contact.get("contactAttributes", [])}
        cells = []
        for column in self.columns:
            if column in self.path_cells:
                prompt, key = self.path_cells[column]
                cells.append(paths[prompt][key] if prompt in paths else "")
            elif column.startswith(ATTRIBUTE_PREFIX):
                cells.append(join(attributes.get(column[len(ATTRIBUTE_PREFIX) :], [])))
            elif column in LIST_COLUMNS:
                cells.append(join(contact.get(column) or []))
            else:
                value = contact.get(column)
                cells.append("" if value is None else str(value))
        return cells

    def column_of(self, problem: Problem, row: Row) -> str:
        """The column a problem concerns (a path's country code problem: its countryCode
        column); problems no column holds are named by their location."""
        head, *rest = problem.location or ("",)
        if head in row.nested_columns and rest and isinstance(rest[0], int):
            columns = row.nested_columns[head]
            if rest[0] < len(columns):
                column = columns[rest[0]]
                if len(rest) > 1 and rest[1] == "country_code" and column + COUNTRY_SUFFIX in self.columns:
                    return column + COUNTRY_SUFFIX
                return column
        if head in ("record_type_id", "record_type_name"):
            return RECORD_TYPE
        if head in ("group_names", "groups"):
            return "groupsName"
        name = wire.CANONICAL_TOP_LEVEL.get(head, head)
        if name in SCALAR_COLUMNS or name == IDENTITY or name in LIST_COLUMNS:
            return name
        return "/".join(map(str, problem.location)) or "(row)"


def organization_definitions(organization: Model) -> Definitions:
    prompts, attributes = spreadsheet_definitions(organization)
    return Definitions(prompts=prompts, attributes=attributes)


def export_columns(definitions: Definitions) -> tuple[str, ...]:
    """Every column an organization's contacts fill, in a fixed order."""
    return (
        IDENTITY,
        *SCALAR_COLUMNS,
        RECORD_TYPE,
        *LIST_COLUMNS,
        *(
            column
            for prompt in definitions.prompts
            for column in (PATH_PREFIX + prompt, PATH_PREFIX + prompt + COUNTRY_SUFFIX)
        ),
        *(ATTRIBUTE_PREFIX + name for name in definitions.attributes),
    )


def read_header(names: Iterable[object], definitions: Definitions) -> Header:
    """The file's columns, checked; raises HeaderRefused naming every unknown or repeated one."""
    columns = tuple("" if name is None else str(name).strip() for name in names)
    known = set(export_columns(definitions))
    unknown = [column for column in columns if column and column not in known]
    repeated = sorted({column for column in columns if column and columns.count(column) > 1})
    problems = []
    if unknown:
        problems.append("unknown columns: " + ", ".join(map(repr, unknown)))
    if repeated:
        problems.append("repeated columns: " + ", ".join(map(repr, repeated)))
    if not any(columns):
        problems.append("the header row is empty")
    if problems:
        raise HeaderRefused("The header names " + "; ".join(problems) + ".")
    return Header(columns, definitions)


def split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(SEPARATOR) if part.strip()]


def join(values: Iterable[object]) -> str:
    return SEPARATOR.join("" if value is None else str(value) for value in values)


def as_number(text: str) -> int | float | str:
    """A number attribute's cell as the JSON number an API client would send (text that is
    not a plain number is passed on, and the engine says why it is refused)."""
    if INTEGER.fullmatch(text):
        return int(text)
    if DECIMAL.fullmatch(text) and str(float(text)) == text:
        return float(text)
    return text
