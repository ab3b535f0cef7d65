"""Delivery paths, the nested kind ``paths``: name-to-id resolution (``path_id`` or
``prompt``), validation of path values and quiet time frames, and set-based reads and writes.

The engine hands in canonical path items: dicts with ``path_id``, ``prompt``, ``value``,
``country_code``, ``skip_validation`` and optionally ``quiet_time_frames`` (absent = keep the
stored frames of a kept path, ``[]`` = remove them, a list = replace them; DESIGN §4).
"""

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import phonenumbers

from contacts.foundations.emails import is_email
from contacts.foundations.kinds import Changes, Definitions, NestedKind
from contacts.foundations.lookup import Named
from contacts.foundations.problems import Location, Problem, ProblemCode, each_object
from contacts.foundations.sql import (
    among,
    delete_rows,
    insert_rows,
    json_nested,
    json_rows,
    select,
    table,
    update_rows,
)
from paths.models import ContactPath, PathDefinition, PathKind, QuietTimeFrame, days_from_mask, mask_from_days

VALUE_MAX_LENGTH = 255
FRAME_NAME_MAX_LENGTH = 100
PHONE_KINDS = frozenset({PathKind.PHONE, PathKind.SMS})
PATH_KEYS = frozenset({"path_id", "prompt", "value", "country_code", "skip_validation", "quiet_time_frames"})
FRAME_KEYS = frozenset({"name", "days", "from_hour", "from_min", "to_hour", "to_min"})
FRAME_BOUNDS = {"from_hour": 23, "from_min": 59, "to_hour": 23, "to_min": 59}


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
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


def normalize_phone(value: str, country_code: str) -> str:
    """E.164 form of a phone number; raises ValueError with a human message."""
    stripped = value.strip()
    digits = re.sub(r"\D", "", stripped)
    if not digits:
        raise ValueError("is not a phone number")
    international = stripped.startswith("+")
    if not international and not country_code:
        raise ValueError("needs a country code, or must start with + and the international prefix")
    return _e164("+" + digits if international else digits, None if international else country_code)


@functools.lru_cache(maxsize=8192)
def _e164(number: str, region: str | None) -> str:
    """The E.164 form of a valid number (only valid ones are remembered). Parsing and
    validating cost about a tenth of a millisecond, and clients send the same numbers again
    and again: a FULL update restates every path."""
    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException as error:
        raise ValueError(f"is not a phone number ({error})") from error
    if not phonenumbers.is_valid_number(parsed):
        raise ValueError("is not a valid phone number")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def check_ahead(items: object) -> int:
    """Validate the phone numbers and email addresses of raw path items ahead of planning,
    while the database is busy (``contacts.foundations.sql.select``): the answers are
    remembered (``_e164``, ``is_email``), so planning finds them done. Nothing is reported
    here; planning reports every problem at its place. Returns how many values it checked."""
    if not isinstance(items, list):
        return 0
    checked = 0
    for item in items:
        if not isinstance(item, dict) or item.get("skip_validation") is True:
            continue
        value = item.get("value")
        if not isinstance(value, str) or len(value) > VALUE_MAX_LENGTH:
            continue
        checked += 1
        stripped = value.strip()
        if "@" in stripped:
            is_email(stripped)
            continue
        country_code = item.get("country_code")
        try:
            normalize_phone(stripped, country_code.upper() if isinstance(country_code, str) else "")
        except ValueError:
            continue
    return checked


def _int_in(raw: object, low: int, high: int) -> int | None:
    if isinstance(raw, bool) or not isinstance(raw, int):
        return None
    return raw if low <= raw <= high else None


def clean_quiet_time_frames(raw: object, at: Location) -> tuple[tuple[FrameState, ...], list[Problem]]:
    """Validate a list of quiet time frames (days 1..7, hours 0..23, minutes 0..59)."""
    frames, problems = [], []
    for here, item, item_problems in each_object(
        raw, at=at, plural="Quiet time frames", label="quiet time frame", keys=FRAME_KEYS, problems=problems
    ):
        problems.extend(item_problems)
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
        if not isinstance(days, list) or not days or not all(_int_in(day, 1, 7) is not None for day in days):
            problems.append(
                Problem(
                    (*here, "days"),
                    ProblemCode.OUT_OF_RANGE,
                    "Days must be a non-empty list of 1..7 (1 = Sunday).",
                )
            )
            days = []
        # Minutes default to 0, hours are required.
        numbers = [
            _int_in(item.get("from_hour"), 0, 23),
            _int_in(item.get("from_min", 0), 0, 59),
            _int_in(item.get("to_hour"), 0, 23),
            _int_in(item.get("to_min", 0), 0, 59),
        ]
        if None in numbers:
            problems.extend(
                Problem((*here, key), ProblemCode.OUT_OF_RANGE, f"Must be an integer from 0 to {high}.")
                for (key, high), number in zip(FRAME_BOUNDS.items(), numbers, strict=True)
                if number is None
            )
        if not problems:
            frames.append(FrameState(name, tuple(sorted(set(days))), *numbers))
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
        if not is_email(value.strip()):
            raise ValueError("is not a valid email address")
        return value.strip()
    return value


class Paths(NestedKind[PathState]):
    field = "paths"
    label = "path"
    plural = "Paths"
    keys = PATH_KEYS
    model = ContactPath
    columns = ("definition_id", "value", "country_code", "skip_validation")
    definitions = Definitions(
        model=PathDefinition,
        id_key="path_id",
        name_key="prompt",
        name_field="prompt",
        label="path",
        missing="A path needs a pathId or a prompt.",
    )
    #: Spreadsheet imports set one path per column and keep the others.
    merge_keys = ("paths_merge",)

    def clean_item(
        self, item: dict, *, at: Location, definition: PathDefinition | None, current: tuple
    ) -> tuple[PathState | None, list[Problem]]:
        """A kept path (same definition) without ``quiet_time_frames`` keeps its stored frames."""
        problems = []
        country_code = item.get("country_code") or ""
        if not isinstance(country_code, str) or (
            country_code and country_code.upper() not in phonenumbers.SUPPORTED_REGIONS
        ):
            problems.append(
                Problem((*at, "country_code"), ProblemCode.INVALID, "Must be an ISO 3166 alpha-2 country code.")
            )
            country_code = ""
        country_code = country_code.upper()
        skip = item.get("skip_validation", False)
        if not isinstance(skip, bool):
            problems.append(Problem((*at, "skip_validation"), ProblemCode.INVALID, "Must be true or false."))
            skip = False
        value = ""
        if definition is not None:
            try:
                value = clean_path_value(definition, item.get("value"), country_code, skip)
            except ValueError as error:
                code = ProblemCode.INVALID_PHONE if definition.kind in PHONE_KINDS else ProblemCode.INVALID
                if definition.kind == PathKind.EMAIL:
                    code = ProblemCode.INVALID_EMAIL
                problems.append(Problem((*at, "value"), code, f"The {definition.prompt} value {error}."))
        if "quiet_time_frames" in item:
            frames, found = clean_quiet_time_frames(item["quiet_time_frames"], (*at, "quiet_time_frames"))
            problems.extend(found)
        else:
            kept = next((path for path in current if definition and path.definition_id == definition.pk), None)
            frames = kept.frames if kept is not None else ()
        if problems or definition is None:
            return None, problems
        return PathState(definition.pk, value, country_code, skip, frames), problems

    def merge(
        self, key: str, current: tuple, raw: object, *, definitions: Named, at: Location
    ) -> tuple[tuple[PathState, ...], list[Problem]]:
        """``paths_merge``: set only the paths named and keep the others. A named path that
        is stored keeps what the item leaves out (country code, ``skip_validation``, quiet
        time frames); an item whose ``value`` is empty removes the path."""
        if not isinstance(raw, list):
            return current, [Problem(at, ProblemCode.INVALID, "Paths must be a list.")]
        stored = {path.definition_id: path for path in current}
        removed: set[int] = set()
        items, origins = [], []
        for index, item in enumerate(raw):
            definition = None
            if isinstance(item, dict):
                definition, _ = self.definitions.find(item, definitions, (*at, index))
            if definition is not None and item.get("value") in (None, ""):
                removed.add(definition.pk)
                continue
            kept = stored.get(definition.pk) if definition is not None else None
            base = {k: v for k, v in kept.as_json().items() if k != "quiet_time_frames"} if kept else {}
            items.append({**base, **item} if isinstance(item, dict) else item)
            origins.append(index)
        states, problems = self.clean_items(items, definitions=definitions, current=current, at=at)
        if problems:
            relocated = [
                Problem((*at, origins[p.location[len(at)]], *p.location[len(at) + 1 :]), p.code, p.message)
                if len(p.location) > len(at) and isinstance(p.location[len(at)], int)
                else p
                for p in problems
            ]
            return current, relocated
        named = {state.definition_id: state for state in states}
        merged = [named.pop(path.definition_id, path) for path in current if path.definition_id not in removed]
        return (*merged, *named.values()), []

    def delete_all(self, contact_ids: Sequence[int]) -> None:
        """The paths' quiet time frames first (they hang from the paths), then the paths."""
        listed, params = among(contact_ids)
        paths = [row[0] for row in select(f"SELECT id FROM {table(ContactPath)} WHERE contact_id {listed}", params)]
        delete_rows(QuietTimeFrame, paths, column="path_id")
        super().delete_all(contact_ids)

    def check(self, states: tuple, scalars: Mapping[str, object]) -> list[Problem]:
        """DESIGN §4: quiet time frames are kept in the contact's time zone, so they need one."""
        if any(path.frames for path in states) and not scalars["timezone_id"]:
            message = "A time zone (IANA name) is required with quiet time frames."
            return [Problem(("timezone_id",), ProblemCode.REQUIRED, message)]
        return []

    def load_sql(self, contact: str) -> str:
        """Stored paths, each with its frames nested as JSON rows (``from_row`` reads them)."""
        frames = json_rows(
            table(QuietTimeFrame),
            ["id", "name", "days", "from_hour", "from_min", "to_hour", "to_min"],
            where="path_id = stored_path.id",
            order=("position", "id"),
        )
        return json_rows(
            f"{table(ContactPath)} stored_path",
            [
                *(f"stored_path.{column}" for column in ("id", "position", *self.columns)),
                json_nested(frames),
            ],
            where=f"stored_path.contact_id = {contact}",
            order=("stored_path.position", "stored_path.id"),
        )

    def from_row(self, values: Sequence[object]) -> PathState:
        """A path's columns followed by its frames, ``[id, name, days mask, hours and
        minutes]`` each."""
        definition_id, value, country_code, skip, frames = values
        return PathState(
            definition_id,
            value,
            country_code,
            bool(skip),
            tuple(FrameState(name, _DAYS_OF_MASK[days], *times) for _, name, days, *times in frames or ()),
        )

    def ids_below(self, values: Sequence[object]) -> tuple[int, ...]:
        return tuple(frame[0] for frame in values[-1] or ())

    def row(self, state: PathState) -> dict[str, object]:
        return {
            "definition_id": state.definition_id,
            "value": state.value,
            "country_code": state.country_code,
            "skip_validation": state.skip_validation,
        }

    def write(self, changes: Changes) -> None:
        """Paths as every kind writes its rows, and the quiet time frames of the paths whose
        frames change or that go: one delete, one update and one insert of frames for the
        whole batch. A kept path's frames are rewritten in place, its first stored row taking
        its first wanted frame and so on: an update that keeps ``path_id`` costs no foreign
        key check and, no indexed column changing, no new index entry. Only a change in their
        number deletes or inserts frames."""
        diff = self.diff(changes)
        below = {row.row_id: row.below for stored, _ in changes.values() for row in stored}
        stale = [frame_id for path_id in diff.removed for frame_id in below[path_id]]
        rewritten, added = [], []
        for old, state in diff.kept:
            if old.state.frames == state.frames:
                continue
            rows = _frame_rows(old.row_id, state.frames)
            rewritten.extend({"id": frame_id, **row} for frame_id, row in zip(old.below, rows, strict=False))
            stale.extend(old.below[len(rows) :])
            added.extend(rows[len(old.below) :])
        delete_rows(QuietTimeFrame, stale)
        new_ids = self.write_rows(diff, returning_ids=True)
        update_rows(QuietTimeFrame, rewritten, FRAME_COLUMNS)
        for path_id, (_, state) in zip(new_ids, diff.created, strict=True):
            added.extend(_frame_rows(path_id, state.frames))
        insert_rows(QuietTimeFrame, added)


#: The day numbers of each 7-bit mask (a contact's stored frames are decoded on every update).
_DAYS_OF_MASK = tuple(tuple(days_from_mask(mask)) for mask in range(128))


#: The columns of a quiet time frame that a rewrite in place sets (``path_id`` stays).
FRAME_COLUMNS = ("position", "name", "days", "from_hour", "from_min", "to_hour", "to_min")


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


PATHS = Paths()
