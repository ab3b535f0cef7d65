"""The engine's vocabulary: the canonical change a dialect hands in (ChangeSet), the
problems it finds (Problem) and what it answers per item (ItemResult).

Canonical names are the model's snake_case names (DESIGN §3). A ChangeSet's ``values`` holds
only the keys the client sent; what an absent key means depends on the mode (FULL clears,
PARTIAL keeps).
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

#: Where a problem lies, in canonical names: ("paths", 1, "value") or ("first_name",).
Location = tuple[str | int, ...]


class UpdateMode(StrEnum):
    FULL = "full"
    PARTIAL = "partial"
    OPS = "ops"


class ProblemCode(StrEnum):
    REQUIRED = "required"
    INVALID = "invalid"
    TOO_LONG = "too_long"
    OUT_OF_RANGE = "out_of_range"
    NOT_ALLOWED = "not_allowed"
    UNKNOWN = "unknown"
    UNKNOWN_FIELD = "unknown_field"
    DUPLICATE = "duplicate"
    READ_ONLY = "read_only"
    INVALID_EMAIL = "invalid_email"
    INVALID_PHONE = "invalid_phone"
    INVALID_TIMEZONE = "invalid_timezone"
    EXTERNAL_ID_TAKEN = "external_id_taken"
    NOT_FOUND = "not_found"
    VERSION_MISMATCH = "version_mismatch"


@dataclass(frozen=True)
class Problem:
    location: Location
    code: ProblemCode
    message: str
    #: Extra facts a dialect may show, e.g. {"existing_id": 12} for an external id conflict.
    detail: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ChangeSet:
    """One contact's change. ``contact_id`` None means create.

    ``values`` maps canonical names to the raw values the client sent (validated by the
    engine, not the dialect): scalars; ``record_type_id``/``record_type_name``;
    ``groups`` (ids) and ``group_names``; ``topics`` (ids); ``tags`` (names); ``addresses``,
    ``paths`` and ``attributes`` (lists of dicts with canonical keys); ``source_id`` (the Source
    making the change); and any read-only field the client echoed back.
    """

    values: Mapping[str, Any]
    contact_id: int | None = None
    #: The version the client last saw (If-Match); None skips the check.
    expected_version: int | None = None
    #: Locations of keys the dialect did not recognise: each is reported as a problem.
    unknown: tuple[Location, ...] = ()
    #: ``groups`` is the complete membership (admin form, OPS) rather than groups to add.
    replace_groups: bool = False
    #: OPS mode: the operations (``contacts.services.ops.Operation``), applied in order.
    operations: tuple = ()


class ItemStatus(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    ERROR = "error"


@dataclass(frozen=True)
class ItemResult:
    index: int
    status: ItemStatus
    contact_id: int | None = None
    problems: tuple[Problem, ...] = ()

    @property
    def ok(self) -> bool:
        return self.status != ItemStatus.ERROR

    def has(self, code: ProblemCode) -> bool:
        return any(problem.code == code for problem in self.problems)


@dataclass(frozen=True)
class Actor:
    """Who makes a change, for history rows."""

    label: str
    api_key_id: int | None = None
    user_id: int | None = None


class UpdateRejected(Exception):
    """A single update that was refused; nothing was written."""

    def __init__(self, result: ItemResult) -> None:
        super().__init__("; ".join(problem.message for problem in result.problems))
        self.result = result

    @property
    def problems(self) -> tuple[Problem, ...]:
        return self.result.problems


class BatchTooLarge(Exception):
    """More items than a batch may hold; nothing was written."""

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(f"A batch holds at most {limit} contacts; this one has {size}.")
        self.size = size
        self.limit = limit


def unknown_fields(item: Mapping[str, Any], allowed: frozenset[str], at: Location, label: str) -> list[Problem]:
    """A problem for each key of a nested item that its kind does not have, in key order."""
    return [
        Problem((*at, key), ProblemCode.UNKNOWN_FIELD, f"Unknown {label} field {key!r}.")
        for key in sorted(item.keys() - allowed, key=str)
    ]
