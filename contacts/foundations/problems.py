"""What is wrong with a change, and where: the engine's and the nested kinds' shared vocabulary
for rejections (STYLE "Errors": every problem found, each at its location, one raise)."""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

#: Where a problem lies, in canonical names: ("paths", 1, "value") or ("first_name",).
Location = tuple[str | int, ...]


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


@dataclass(frozen=True, slots=True)
class Problem:
    location: Location
    code: ProblemCode
    message: str
    #: Extra facts a dialect may show, e.g. {"existing_id": 12} for an external id conflict.
    detail: Mapping[str, Any] = field(default_factory=dict)


def unknown_fields(item: Mapping[str, Any], allowed: frozenset[str], at: Location, label: str) -> list[Problem]:
    """A problem for each key of a nested item that its kind does not have, in key order."""
    extra = item.keys() - allowed
    if not extra:  # nearly always: checked for every nested item of a batch
        return []
    return [
        Problem((*at, key), ProblemCode.UNKNOWN_FIELD, f"Unknown {label} field {key!r}.")
        for key in sorted(extra, key=str)
    ]


def each_object(
    raw: object, *, at: Location, plural: str, label: str, keys: frozenset[str], problems: list[Problem]
) -> Iterator[tuple[Location, dict, list[Problem]]]:
    """The one opening of every nested list (addresses, paths, frames, attribute values): it
    must be a list of objects with known keys. Yields ``(location, item, item_problems)`` for
    each object, its unknown keys already reported in ``item_problems``; what is not a list or
    not an object is reported in ``problems`` and skipped."""
    if not isinstance(raw, list):
        problems.append(Problem(at, ProblemCode.INVALID, f"{plural} must be a list."))
        return
    article = "An" if label[0] in "aeiou" else "A"
    for index, item in enumerate(raw):
        here = (*at, index)
        if not isinstance(item, dict):
            problems.append(Problem(here, ProblemCode.INVALID, f"{article} {label} must be an object."))
            continue
        yield here, item, unknown_fields(item, keys, here, label)
