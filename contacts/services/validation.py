"""Validation of a contact's own fields: one table of typed handlers (DESIGN §4, §5.1).

Each scalar has a cleaner that turns a wire value into its stored form, or raises
``Invalid``, and a cleared value (what FULL omission, ``null`` and ``""`` mean).
"""

import datetime
import json
import math
import re
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import orjson
from django.utils.dateparse import parse_datetime

from contacts.foundations.emails import is_email
from contacts.foundations.problems import ProblemCode
from contacts.models.contact import EmailFormat, Gender, MaritalStatus, Status

CUSTOM_FIELDS_MAX_BYTES = 64 * 1024
INTEGER = re.compile(r"-?[0-9]{1,12}")
INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1


class Invalid(ValueError):
    def __init__(self, code: ProblemCode, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Scalar:
    clean: Callable[[object], object]
    cleared: object
    #: FULL clears the field when absent; not so for a field a FULL dialect does not carry.
    full_clears: bool = True


def _is_blank(value: object) -> bool:
    return value is None or value == ""


def text(max_length: int) -> Callable[[object], str]:
    def clean(value: object) -> str:
        if _is_blank(value):
            return ""
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            raise Invalid(ProblemCode.INVALID, "Must be text.")
        if len(value) > max_length:
            raise Invalid(ProblemCode.TOO_LONG, f"Must be at most {max_length} characters (got {len(value)}).")
        return value

    return clean


def email(value: object) -> str:
    cleaned = text(254)(value).strip()
    if cleaned and not is_email(cleaned):
        raise Invalid(ProblemCode.INVALID_EMAIL, f"{cleaned!r} is not a valid email address.")
    return cleaned


def choice(options: type, default: str) -> Callable[[object], str]:
    def clean(value: object) -> str:
        if _is_blank(value):
            return default
        if isinstance(value, str) and value.strip().lower() in options.values:
            return value.strip().lower()
        raise Invalid(ProblemCode.NOT_ALLOWED, f"Must be one of: {', '.join(options.values)}.")

    return clean


def boolean(value: object) -> bool:
    """``true``/``false``; a cleared value is ``false``."""
    if _is_blank(value):
        return False
    if not isinstance(value, bool):
        raise Invalid(ProblemCode.INVALID, "Must be true or false.")
    return value


def date(value: object) -> datetime.date | None:
    if _is_blank(value):
        return None
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise Invalid(ProblemCode.INVALID, "Must be a date (YYYY-MM-DD).")


def int32(default: int) -> Callable[[object], int]:
    def clean(value: object) -> int:
        if _is_blank(value):
            return default
        if isinstance(value, str) and INTEGER.fullmatch(value.strip()):
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise Invalid(ProblemCode.INVALID, "Must be an integer.")
        if not INT32_MIN <= value <= INT32_MAX:
            raise Invalid(ProblemCode.OUT_OF_RANGE, f"Must be between {INT32_MIN} and {INT32_MAX}.")
        return value

    return clean


@cache
def known_timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def timezone_name(value: object) -> str:
    cleaned = text(64)(value).strip()
    if cleaned and cleaned not in known_timezones():
        raise Invalid(ProblemCode.INVALID_TIMEZONE, f"{cleaned!r} is not an IANA time zone (e.g. Europe/Paris).")
    return cleaned


def json_object(value: object) -> dict:
    if _is_blank(value):
        return {}
    if not isinstance(value, dict):
        raise Invalid(ProblemCode.INVALID, "Must be a JSON object.")
    size = len(json.dumps(value, ensure_ascii=False).encode())
    if size > CUSTOM_FIELDS_MAX_BYTES:
        raise Invalid(ProblemCode.TOO_LONG, f"Must be at most {CUSTOM_FIELDS_MAX_BYTES} bytes serialized.")
    return value


NAME = text(100)
TEXT = text(255)

SCALARS: dict[str, Scalar] = {
    "external_id": Scalar(TEXT, ""),
    "first_name": Scalar(NAME, ""),
    "last_name": Scalar(NAME, ""),
    "middle_initial": Scalar(NAME, ""),
    "suffix": Scalar(NAME, ""),
    "title": Scalar(TEXT, ""),
    "email": Scalar(email, ""),
    "phone": Scalar(TEXT, ""),
    "phone_home": Scalar(TEXT, ""),
    "fax": Scalar(TEXT, ""),
    "timezone_id": Scalar(timezone_name, ""),
    "preferred_email_format": Scalar(choice(EmailFormat, EmailFormat.HTML), EmailFormat.HTML),
    "status": Scalar(choice(Status, Status.ON), Status.ON),
    "company_name": Scalar(TEXT, ""),
    "company_position": Scalar(TEXT, ""),
    "department": Scalar(TEXT, ""),
    "industry": Scalar(TEXT, ""),
    "linkedin_url": Scalar(text(500), ""),
    "birth_date": Scalar(date, None),
    "gender": Scalar(choice(Gender, Gender.UNKNOWN), Gender.UNKNOWN),
    "marital_status": Scalar(choice(MaritalStatus, MaritalStatus.UNKNOWN), MaritalStatus.UNKNOWN),
    "education_level": Scalar(TEXT, ""),
    "country_id": Scalar(int32(1), 1),
    "city_id": Scalar(int32(1), 1),
    "hash_key": Scalar(TEXT, ""),
    # A legacy (seed 004) setting the native contact does not carry: a native FULL replace
    # cannot state it, so it keeps what is stored.
    "create_notifications": Scalar(boolean, False, full_clears=False),
    "custom_fields": Scalar(json_object, {}),
}

#: The fields that take one of a list of values, and the values (``""`` and ``null`` clear).
CHOICES: dict[str, tuple[str, ...]] = {
    "preferred_email_format": tuple(EmailFormat.values),
    "status": tuple(Status.values),
    "gender": tuple(Gender.values),
    "marital_status": tuple(MaritalStatus.values),
}

#: Fields FULL mode requires (DESIGN §4); the record type is checked with the references.
FULL_REQUIRED = ("first_name", "last_name", "external_id")


def find_unstorable_values(values: dict) -> list[tuple[tuple, str]]:
    """``find_unstorable_text`` over a whole change, with a fast path: orjson serializes it
    in C, refusing lone surrogates (and whatever it cannot write) and writing NUL as
    ``\\u0000`` and a non-finite number as ``null``. Only a change that it refuses, or
    whose JSON holds one of those, is walked."""
    try:
        dumped = orjson.dumps(values, default=str)
    except TypeError:
        return find_unstorable_text(values)
    return find_unstorable_text(values) if b"\\u0000" in dumped or b"null" in dumped else []


def find_unstorable_text(value: object, at: tuple = ()) -> list[tuple[tuple, str]]:
    """Locations of values no database stores faithfully: NUL characters (PostgreSQL
    refuses them), lone surrogates (not encodable as UTF-8) and non-finite numbers (JSON
    ``1e400``), in keys or values."""
    found = []
    if isinstance(value, float) and not math.isfinite(value):
        found.append((at, "Must be a finite number."))
    elif isinstance(value, str):
        if "\x00" in value:
            found.append((at, "Must not contain NUL characters."))
        elif any("\ud800" <= char <= "\udfff" for char in value):
            found.append((at, "Must be valid Unicode text (lone surrogate)."))
    elif isinstance(value, dict):
        for key, item in value.items():
            # A key with a lone surrogate is named by its escape: the answer must be encodable.
            here = (*at, key.encode("utf-8", "backslashreplace").decode() if isinstance(key, str) else key)
            found.extend(find_unstorable_text(key, here))
            found.extend(find_unstorable_text(item, here))
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            found.extend(find_unstorable_text(item, (*at, index)))
    return found


def parse_instant(value: object) -> datetime.datetime | None:
    """An ISO 8601 instant (``Z`` or an offset) or unix seconds; None when unreadable."""
    if isinstance(value, datetime.datetime):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return datetime.datetime.fromtimestamp(value, tz=datetime.UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if isinstance(value, str):
        try:
            parsed = parse_datetime(value.strip())
        except ValueError:
            return None
        if parsed is not None and parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=datetime.UTC)
        return parsed
    return None


def same_read_only_value(stored: object, sent: object) -> bool:
    """Whether an echoed read-only value equals the stored one (DESIGN §9: timestamps are
    compared as instants, numbers by value)."""
    if isinstance(stored, datetime.datetime):
        if isinstance(sent, str) and sent.strip().lstrip("-").isascii() and sent.strip().lstrip("-").isdigit():
            sent = int(sent)
        if isinstance(sent, (int, float)) and not isinstance(sent, bool):
            # Unix time (legacy ``date_create``) has whole seconds: compare at that precision.
            return int(stored.timestamp()) == int(sent)
        return parse_instant(sent) == stored
    if isinstance(stored, bool) or isinstance(sent, bool):
        return stored == sent and type(stored) is type(sent)
    if isinstance(stored, int) and isinstance(sent, int):
        return stored == sent
    if isinstance(stored, (int, float)) and isinstance(sent, (int, float, str)):
        try:
            return math.isclose(float(sent), float(stored), rel_tol=0, abs_tol=1e-9)
        except (ValueError, OverflowError):
            return False
    if stored is None:
        return sent is None or sent == ""
    return stored == sent
