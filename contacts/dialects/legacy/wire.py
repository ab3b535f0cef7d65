"""Legacy property names ↔ canonical names (pure translation, no rules), and the two
operations both transports share."""

import datetime
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from contacts.ids import parse_id
from contacts.services import ENGAGEMENT_FIELDS as ENGAGEMENT
from contacts.services import ChangeSet, Problem, ProblemCode

SCALARS = {
    "name": "first_name",
    "last name": "last_name",
    "lastname": "last_name",
    "last_name": "last_name",
    "status": "status",
    "preferred_email_format": "preferred_email_format",
    "title": "title",
    "company_position": "company_position",
    "company_name": "company_name",
    "department": "department",
    "industry": "industry",
    "telephone_office": "phone",
    "telephone_home": "phone_home",
    "telephone_fax": "fax",
    "birth_date": "birth_date",
    "gender": "gender",
    "marital_status": "marital_status",
    "education_level": "education_level",
    "hash": "hash_key",
    "unique_id": "external_id",
    "country_id": "country_id",
    "city_id": "city_id",
}
ADDRESS = {"address": "street_address", "city": "city", "country": "country", "state": "state", "zip": "postal_code"}
ID_LISTS = ("email_message_ids", "sms_message_ids")
NOTIFICATION_CHOICES = ("yes", "no")


ERROR_CODES = {
    400: "INVALID_REQUEST",
    401: "UNAUTHORIZED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    411: "LENGTH_REQUIRED",
    413: "PAYLOAD_TOO_LARGE",
    429: "THROTTLED",
    500: "SERVER_ERROR",
    503: "SERVICE_UNAVAILABLE",
}


def error_body(code: str, message: str, prop: str | None = None) -> dict:
    return {"error": {"code": code, "message": message, "property": prop}}


def refusal(status: int, message: str) -> dict:
    """A refusal outside the update rules, its code chosen by status."""
    return error_body(ERROR_CODES.get(status, "ERROR"), message)


class LegacyError(Exception):
    """A refusal: HTTP status (also the XML-RPC fault code), an error code, a message and
    the property concerned."""

    def __init__(
        self, status: int, code: str, message: str, prop: str | None = None, retry_after: int | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.prop = prop
        #: Seconds until a throttled key may call again (429).
        self.retry_after = retry_after


@dataclass
class Translation:
    changeset: ChangeSet
    #: Canonical location head (or ("first_address", key)) → the property the client used.
    properties: dict[object, str] = field(default_factory=dict)


def unix_to_date(value: object) -> object:
    """Deprecated ``date_of_birth``: unix seconds → the UTC date; else passed on for the
    engine to report."""
    if isinstance(value, str) and value.strip().lstrip("-").isascii() and value.strip().lstrip("-").isdigit():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        try:
            return datetime.datetime.fromtimestamp(value, tz=datetime.UTC).date()
        except (OverflowError, OSError, ValueError):
            return value
    return value


def id_list(value: object) -> object:
    """``"1,2"`` (as GET shows message ids) → ``[1, 2]``, to compare with the stored list."""
    if not isinstance(value, str):
        return value
    items = [item.strip() for item in value.split(",") if item.strip()]
    return [int(item) if item.isascii() and item.isdigit() else item for item in items]


def parse_properties(properties: dict[str, Any], *, contact_id: int) -> Translation:
    """Legacy properties → a PARTIAL ChangeSet. Unknown properties are reported."""
    values: dict[str, Any] = {}
    used: dict[object, str] = {}
    unknown = []
    for prop, value in properties.items():
        key = str(prop)
        if key in SCALARS:
            values[SCALARS[key]] = value
            used[SCALARS[key]] = key
        elif key in ADDRESS:
            values.setdefault("first_address", {})[ADDRESS[key]] = value
            used[("first_address", ADDRESS[key])] = key
        elif key == "date_of_birth":
            values["birth_date"] = unix_to_date(value)
            used["birth_date"] = key
        elif key == "tags":
            values["tags"] = _tag_list(value)
            used["tags"] = key
        elif key == "create_notifications":
            if str(value).lower() not in NOTIFICATION_CHOICES:
                raise LegacyError(400, "INVALID_VALUE", "create_notifications must be yes or no.", key)
            values["create_notifications"] = str(value).lower() == "yes"
            used["create_notifications"] = key
        elif key == "id":
            values["id"] = value
        elif key == "date_create":
            values["created_at"] = value if value not in ("", None) else None
            used["created_at"] = key
        elif key in ID_LISTS:
            values[key] = id_list(value)
        elif key in ENGAGEMENT:
            values[key] = value
        else:
            unknown.append((key,))
    return Translation(ChangeSet(values=values, contact_id=contact_id, unknown=tuple(unknown)), used)


def _tag_list(value: object) -> object:
    """``tags`` is a JSON array string of names; a list is taken as is."""
    if value in (None, ""):
        return []
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value  # reported by the engine: not a list
    return value


def first_problem(problems: tuple[Problem, ...], translation: Translation) -> LegacyError:
    """The first problem as a legacy error naming the property (all problems in the message)."""
    problem = problems[0]
    head = problem.location[0] if problem.location else None
    if problem.code == ProblemCode.NOT_FOUND:
        return LegacyError(404, "NOT_FOUND", "Contact not found.")
    key = tuple(problem.location[:2]) if head == "first_address" else head
    prop = str(head) if problem.code == ProblemCode.UNKNOWN_FIELD else translation.properties.get(key, head)
    code = {
        ProblemCode.READ_ONLY: "READ_ONLY_PROPERTY",
        ProblemCode.UNKNOWN_FIELD: "UNKNOWN_PROPERTY",
        ProblemCode.EXTERNAL_ID_TAKEN: "DUPLICATE_UNIQUE_ID",
    }.get(problem.code, "INVALID_VALUE")
    message = "; ".join(f"{_label(p, translation)}: {p.message}" for p in problems)
    return LegacyError(400, code, message, None if prop is None else str(prop))


def _label(problem: Problem, translation: Translation) -> str:
    head = problem.location[0] if problem.location else ""
    key = tuple(problem.location[:2]) if head == "first_address" else head
    return str(translation.properties.get(key, head))


def xmlrpc_contact_id(raw: object) -> object:
    """An XML-RPC ``id`` argument: an integer (or its digits); anything else is a wrong
    argument (400), not an unknown contact."""
    digits = isinstance(raw, str) and raw.strip().lstrip("-").isascii() and raw.strip().lstrip("-").isdigit()
    if isinstance(raw, bool) or not (isinstance(raw, int) or digits):
        raise LegacyError(400, "INVALID_REQUEST", "The contact id must be an integer.", "id")
    return raw


def xmlrpc_properties(raw: object) -> dict[str, Any]:
    """The ``$properties`` argument, ``struct | array`` as seed 004 signs it: a struct; or an
    array of structs (merged in order) or of ``[name, value]`` pairs."""
    if isinstance(raw, dict):
        return raw
    if not isinstance(raw, list):
        raise LegacyError(400, "INVALID_REQUEST", "Properties must be a struct or an array of them.")
    merged: dict[str, Any] = {}
    for item in raw:
        if isinstance(item, dict):
            merged.update(item)
        elif isinstance(item, list) and len(item) == 2 and isinstance(item[0], str):
            merged[item[0]] = item[1]
        else:
            message = "Each element of a properties array is a struct or a [name, value] pair."
            raise LegacyError(400, "INVALID_REQUEST", message)
    return merged


def parse_contact_id(raw: object) -> int:
    contact_id = parse_id(raw)
    if contact_id is None:
        raise LegacyError(404, "NOT_FOUND", "Contact not found.")
    return contact_id


def unix_time(value: datetime.datetime | datetime.date | None) -> int | str:
    if value is None:
        return ""
    if not isinstance(value, datetime.datetime):
        value = datetime.datetime.combine(value, datetime.time(), tzinfo=datetime.UTC)
    return int(value.timestamp())


def render_contact(contact: Mapping[str, Any]) -> dict[str, Any]:
    """Every seed 004 property of a contact document (``contacts.documents``), read-only
    ones included; empty values are ``""``."""
    address = contact["addresses"][0] if contact["addresses"] else None
    properties: dict[str, Any] = {"id": contact["id"], "date_create": unix_time(contact["created_at"])}
    for prop, canonical in SCALARS.items():
        if prop in ("lastname", "last_name"):
            continue
        value = contact[canonical]
        properties[prop] = "" if value is None else value.isoformat() if canonical == "birth_date" else value
    for prop, key in ADDRESS.items():
        properties[prop] = address[key] if address is not None else ""
    properties["date_of_birth"] = unix_time(contact["birth_date"])
    properties["tags"] = json.dumps(contact["tags"])
    properties["create_notifications"] = "yes" if contact["create_notifications"] else "no"
    for name in ENGAGEMENT:
        value = contact[name]
        properties[name] = ",".join(map(str, value)) if name in ID_LISTS else value
    return properties
