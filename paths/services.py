"""Delivery paths: name-to-id resolution, validation of path values and quiet time frames,
and the set-based reads and writes the update engine calls.

The engine hands in canonical path items: dicts with ``path_id``, ``prompt``, ``value``,
``country_code``, ``skip_validation`` and optionally ``quiet_time_frames`` (absent = keep the
stored frames of a kept path, ``[]`` = remove them, a list = replace them; DESIGN §4).
"""

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from contacts.models import Organization
from contacts.services.lookup import Named, find_named, item_keys, resolve_one
from contacts.services.sql import fetch_by_ids, insert_rows, table, update_rows
from contacts.services.types import Location, Problem, ProblemCode, unknown_fields
from paths.models import ContactPath, PathDefinition, PathKind, QuietTimeFrame, days_from_mask, mask_from_days

VALUE_MAX_LENGTH = 255
FRAME_NAME_MAX_LENGTH = 100
PHONE_KINDS = frozenset({PathKind.PHONE, PathKind.SMS})
PATH_KEYS = frozenset({"path_id", "prompt", "value", "country_code", "skip_validation", "quiet_time_frames"})
FRAME_KEYS = frozenset({"name", "days", "from_hour", "from_min", "to_hour", "to_min"})


@dataclass(frozen=True)
class FrameState:
    name: str
    days: tuple[int, ...]
    from_hour: int
    from_min: int
    to_hour: int
    to_min: int

    def as_json(self) -> dict:
        return {
            "name": self.name,
            "days": list(self.days),
            "from_hour": self.from_hour,
            "from_min": self.from_min,
            "to_hour": self.to_hour,
            "to_min": self.to_min,
        }


@dataclass(frozen=True)
class PathState:
    definition_id: int
    value: str
    country_code: str
    skip_validation: bool
    frames: tuple[FrameState, ...]

    def as_json(self) -> dict:
        return {
            "path_id": self.definition_id,
            "value": self.value,
            "country_code": self.country_code,
            "skip_validation": self.skip_validation,
            "quiet_time_frames": [frame.as_json() for frame in self.frames],
        }


@dataclass(frozen=True)
class StoredPath:
    row_id: int
    position: int
    state: PathState


def resolve_path_definitions(*, organization: Organization, items: Iterable[object]) -> Named:
    """Every definition the items name by ``path_id`` or ``prompt`` (one query);
    ``by_name`` is keyed by prompt."""
    ids, prompts = item_keys(items, "path_id", "prompt")
    return find_named(PathDefinition, organization, ids=ids, names=prompts, name_field="prompt")


def normalize_phone(value: str, country_code: str) -> str:
    """E.164 form of a phone number; raises ValueError with a human message."""
    stripped = value.strip()
    digits = re.sub(r"\D", "", stripped)
    if not digits:
        raise ValueError("is not a phone number")
    international = stripped.startswith("+")
    if not international and not country_code:
        raise ValueError("needs a country code, or must start with + and the international prefix")
    try:
        number = phonenumbers.parse("+" + digits if international else digits, None if international else country_code)
    except phonenumbers.NumberParseException as error:
        raise ValueError(f"is not a phone number ({error})") from error
    if not phonenumbers.is_valid_number(number):
        raise ValueError("is not a valid phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _int_in(raw: object, low: int, high: int) -> int | None:
    if isinstance(raw, bool) or not isinstance(raw, int):
        return None
    return raw if low <= raw <= high else None


def clean_quiet_time_frames(raw: object, at: Location) -> tuple[tuple[FrameState, ...], list[Problem]]:
    """Validate a list of quiet time frames (days 1..7, hours 0..23, minutes 0..59)."""
    if not isinstance(raw, list):
        return (), [Problem(at, ProblemCode.INVALID, "Quiet time frames must be a list.")]
    frames, problems = [], []
    for index, item in enumerate(raw):
        here = (*at, index)
        if not isinstance(item, dict):
            problems.append(Problem(here, ProblemCode.INVALID, "A quiet time frame must be an object."))
            continue
        problems.extend(unknown_fields(item, FRAME_KEYS, here, "quiet time frame"))
        name = item.get("name") or ""
        if not isinstance(name, str) or len(name) > FRAME_NAME_MAX_LENGTH:
            problems.append(
                Problem(
                    (*here, "name"),
                    ProblemCode.INVALID,
                    f"Must be text of at most {FRAME_NAME_MAX_LENGTH} characters.",
                )
            )
        days = item.get("days")
        if not isinstance(days, list) or not days or any(_int_in(day, 1, 7) is None for day in days):
            problems.append(
                Problem(
                    (*here, "days"),
                    ProblemCode.OUT_OF_RANGE,
                    "Days must be a non-empty list of 1..7 (1 = Sunday).",
                )
            )
            days = []
        bounds = {"from_hour": 23, "from_min": 59, "to_hour": 23, "to_min": 59}
        numbers = {}
        for key, high in bounds.items():
            value = item.get(key, 0 if key.endswith("_min") else None)
            numbers[key] = _int_in(value, 0, high)
            if numbers[key] is None:
                problems.append(
                    Problem((*here, key), ProblemCode.OUT_OF_RANGE, f"Must be an integer from 0 to {high}.")
                )
        if not problems:
            frames.append(FrameState(name=name, days=tuple(sorted(set(days))), **numbers))
    names = [frame.name for frame in frames if frame.name]
    if len(names) != len(set(names)):
        problems.append(Problem(at, ProblemCode.DUPLICATE, "Quiet time frame names must be unique within a path."))
    return tuple(frames), problems


def clean_path_value(definition: PathDefinition, value: object, country_code: str, skip: bool) -> str:
    """The stored form of a path value; raises ValueError. Phones become E.164 unless skipped."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError("is required")
    if len(value) > VALUE_MAX_LENGTH:
        raise ValueError(f"must be at most {VALUE_MAX_LENGTH} characters")
    if skip:
        return value
    if definition.kind in PHONE_KINDS:
        return normalize_phone(value, country_code)
    if definition.kind == PathKind.EMAIL:
        try:
            validate_email(value.strip())
        except ValidationError as error:
            raise ValueError("is not a valid email address") from error
        return value.strip()
    return value


def clean_paths(
    raw: object,
    *,
    definitions: Named,
    current: dict[int, PathState],
    at: Location = ("paths",),
) -> tuple[tuple[PathState, ...], list[Problem]]:
    """Turn canonical path items into the contact's new path list (in order of preference).

    A kept path (same definition) without ``quiet_time_frames`` keeps its stored frames.
    Reports unknown ids/prompts, invalid values and duplicates, each at its location.
    """
    if not isinstance(raw, list):
        return (), [Problem(at, ProblemCode.INVALID, "Paths must be a list.")]
    paths, problems, seen = [], [], set()
    for index, item in enumerate(raw):
        here = (*at, index)
        if not isinstance(item, dict):
            problems.append(Problem(here, ProblemCode.INVALID, "A path must be an object."))
            continue
        item_problems = unknown_fields(item, PATH_KEYS, here, "path")
        definition = _definition_for(item, definitions, here, item_problems)
        country_code = item.get("country_code") or ""
        if not isinstance(country_code, str) or (
            country_code and country_code.upper() not in phonenumbers.SUPPORTED_REGIONS
        ):
            item_problems.append(
                Problem((*here, "country_code"), ProblemCode.INVALID, "Must be an ISO 3166 alpha-2 country code.")
            )
            country_code = ""
        country_code = country_code.upper()
        skip = item.get("skip_validation", False)
        if not isinstance(skip, bool):
            item_problems.append(Problem((*here, "skip_validation"), ProblemCode.INVALID, "Must be true or false."))
            skip = False
        value = ""
        if definition is not None:
            if definition.pk in seen:
                item_problems.append(
                    Problem(
                        here,
                        ProblemCode.DUPLICATE,
                        f"The path {definition.prompt!r} is listed more than once.",
                    )
                )
            seen.add(definition.pk)
            try:
                value = clean_path_value(definition, item.get("value"), country_code, skip)
            except ValueError as error:
                code = ProblemCode.INVALID_PHONE if definition.kind in PHONE_KINDS else ProblemCode.INVALID
                if definition.kind == PathKind.EMAIL:
                    code = ProblemCode.INVALID_EMAIL
                item_problems.append(Problem((*here, "value"), code, f"The {definition.prompt} value {error}."))
        if "quiet_time_frames" in item:
            frames, frame_problems = clean_quiet_time_frames(item["quiet_time_frames"], (*here, "quiet_time_frames"))
            item_problems.extend(frame_problems)
        else:
            kept = current.get(definition.pk) if definition is not None else None
            frames = kept.frames if kept is not None else ()
        problems.extend(item_problems)
        if not item_problems and definition is not None:
            paths.append(PathState(definition.pk, value, country_code, skip, frames))
    return tuple(paths), problems


def _definition_for(item: dict, definitions: Named, here: Location, problems: list[Problem]) -> PathDefinition | None:
    """The id wins over the prompt (DESIGN §4); an unknown one is reported."""
    definition, found = resolve_one(
        definitions,
        raw_id=item.get("path_id"),
        raw_name=item.get("prompt"),
        id_at=(*here, "path_id"),
        name_at=(*here, "prompt"),
        label="path",
        name_label="prompt",
    )
    problems.extend(found)
    if definition is None and not found:
        problems.append(Problem((*here, "path_id"), ProblemCode.REQUIRED, "A path needs a pathId or a prompt."))
    return definition


def load_paths(contact_ids: Iterable[int]) -> dict[int, list[StoredPath]]:
    """Stored paths of many contacts with their frames (two queries, both by index)."""
    rows = fetch_by_ids(
        "SELECT id, contact_id, definition_id, position, value, country_code, skip_validation "
        f"FROM {table(ContactPath)} WHERE contact_id IN ({{ids}}) ORDER BY contact_id, position, id",
        list(contact_ids),
    )
    frames: dict[int, list[FrameState]] = defaultdict(list)
    for path_id, name, days, *times in fetch_by_ids(
        "SELECT path_id, name, days, from_hour, from_min, to_hour, to_min "
        f"FROM {table(QuietTimeFrame)} WHERE path_id IN ({{ids}}) ORDER BY path_id, position, id",
        [row[0] for row in rows],
    ):
        frames[path_id].append(FrameState(name, tuple(days_from_mask(days)), *times))
    stored: dict[int, list[StoredPath]] = defaultdict(list)
    for row_id, contact_id, definition_id, position, value, country_code, skip in rows:
        state = PathState(definition_id, value, country_code, bool(skip), tuple(frames[row_id]))
        stored[contact_id].append(StoredPath(row_id, position, state))
    return stored


def write_paths(changes: dict[int, tuple[list[StoredPath], tuple[PathState, ...]]]) -> None:
    """Apply new path lists, ``{contact_id: (stored, wanted)}``, touching only what differs.

    A constant number of queries for any number of contacts: one delete of removed paths,
    one bulk update of changed ones, one bulk insert of new ones, one delete and one bulk
    insert of the frames that change.
    """
    removed, updated, created, new_frames, reframed = [], [], [], [], []
    for contact_id, (stored, wanted) in changes.items():
        by_definition = {path.state.definition_id: path for path in stored}
        wanted_ids = {path.definition_id for path in wanted}
        removed.extend(path.row_id for path in stored if path.state.definition_id not in wanted_ids)
        for position, state in enumerate(wanted):
            old = by_definition.get(state.definition_id)
            row = {
                "contact_id": contact_id,
                "definition_id": state.definition_id,
                "position": position,
                "value": state.value,
                "country_code": state.country_code,
                "skip_validation": state.skip_validation,
            }
            if old is None:
                created.append((ContactPath(**row), state.frames))
                continue
            if (old.position, old.state.value, old.state.country_code, old.state.skip_validation) != (
                position,
                state.value,
                state.country_code,
                state.skip_validation,
            ):
                updated.append({"id": old.row_id, **row})
            if old.state.frames != state.frames:
                reframed.append(old.row_id)
                new_frames.extend(_frame_rows(old.row_id, state.frames))
    if removed:
        ContactPath.objects.filter(pk__in=removed).delete()
    if updated:
        update_rows(ContactPath, updated, ["position", "value", "country_code", "skip_validation"])
    if created:
        ContactPath.objects.bulk_create([row for row, _ in created])
        for row, frames in created:
            new_frames.extend(_frame_rows(row.pk, frames))
    if reframed:
        QuietTimeFrame.objects.filter(path_id__in=reframed).delete()
    if new_frames:
        insert_rows(QuietTimeFrame, new_frames)


def _frame_rows(path_id: int, frames: tuple[FrameState, ...]) -> list[dict]:
    return [
        {
            "path_id": path_id,
            "position": position,
            "name": frame.name,
            "days": mask_from_days(list(frame.days)),
            "from_hour": frame.from_hour,
            "from_min": frame.from_min,
            "to_hour": frame.to_hour,
            "to_min": frame.to_min,
        }
        for position, frame in enumerate(frames)
    ]
