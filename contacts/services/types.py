"""The engine's vocabulary: the canonical change a dialect hands in (ChangeSet), the
references it resolves (References) and what it answers per item (ItemResult); problems
are ``contacts.foundations.problems``.

Canonical names are the model's snake_case names (DESIGN §3). A ChangeSet's ``values`` holds
only the keys the client sent; what an absent key means depends on the mode (FULL clears,
PARTIAL keeps).
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from contacts.foundations.lookup import Named
from contacts.foundations.problems import Location, Problem, ProblemCode
from contacts.models import RecordType


class UpdateMode(StrEnum):
    FULL = "full"
    PARTIAL = "partial"
    OPS = "ops"


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


@dataclass(frozen=True)
class References:
    """Everything a batch's items name, found in a fixed number of queries (resolution)."""

    record_types: Named
    default_record_type: RecordType | None
    groups: Named
    topics: Named
    sources: Named
    #: The tags named that exist already (the others are created when written).
    tags: Named
    #: Nested kind (its field) → the definitions its items name.
    nested: Mapping[str, Named]


class ItemStatus(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    ERROR = "error"
    #: Valid, but not applied: another item of an all-or-none batch failed.
    NOT_APPLIED = "notApplied"


@dataclass(frozen=True)
class ItemResult:
    index: int
    status: ItemStatus
    contact_id: int | None = None
    problems: tuple[Problem, ...] = ()
    #: What changed, ``{canonical field: {"before", "after"}}`` as history records it.
    changes: Mapping[str, Any] = field(default_factory=dict)

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
    #: The request's ``Idempotency-Key``, recorded with the change (DESIGN §11).
    idempotency_key: str = ""


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
