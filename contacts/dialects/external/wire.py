"""External wire format ↔ canonical names (pure translation, no rules)."""

import datetime
from collections.abc import Mapping
from typing import Any

from contacts.services import ChangeSet, Problem, ProblemCode

#: Request field → canonical name. ``name`` is special: it splits into first/last name.
FIELDS = {
    "email": "email",
    "phone": "phone",
    "company": "company_name",
    "position": "company_position",
    "linkedin_url": "linkedin_url",
    "tags": "tags",
    "custom_fields": "custom_fields",
    # Read-only (DESIGN §5.1): echoing the stored value is a no-op.
    "id": "uid",
    "created_at": "created_at",
    "updated_at": "updated_at",
    "source": "created_source_name",
}
WIRE_NAMES = {canonical: wire for wire, canonical in FIELDS.items()} | {"first_name": "name", "last_name": "name"}
ERROR_CODES = {
    400: "VALIDATION_ERROR",
    401: "UNAUTHORIZED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    411: "LENGTH_REQUIRED",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
    429: "RATE_LIMITED",
    500: "SERVER_ERROR",
    503: "SERVICE_UNAVAILABLE",
}


def split_name(name: object) -> tuple[object, object]:
    """``"Mary Jane Watson"`` → (``"Mary Jane"``, ``"Watson"``); one word → (word, ``""``)."""
    if name is None or name == "":
        return "", ""
    if not isinstance(name, str):
        return name, ""  # reported by the engine as not text
    first, _, last = name.strip().rpartition(" ")
    return (first.strip(), last) if first else (last, "")


def parse_contact(body: dict[str, Any], *, contact_id: int) -> ChangeSet:
    """An external PUT body → a PARTIAL ChangeSet; unknown fields are reported."""
    values: dict[str, Any] = {}
    unknown = []
    for key, value in body.items():
        if key == "name":
            values["first_name"], values["last_name"] = split_name(value)
        elif key in FIELDS:
            values[FIELDS[key]] = value
        else:
            unknown.append((key,))
    return ChangeSet(values=values, contact_id=contact_id, unknown=tuple(unknown))


def render_contact(contact: Mapping[str, Any]) -> dict[str, Any]:
    """The seed 001 contact shape, from a contact document (``contacts.documents``)."""
    return {
        "id": contact["uid"],
        "name": f"{contact['first_name']} {contact['last_name']}".strip(),
        "email": contact["email"],
        "phone": contact["phone"],
        "company": contact["company_name"],
        "position": contact["company_position"],
        "source": contact["created_source_name"],
        "linkedin_url": contact["linkedin_url"],
        "tags": contact["tags"],
        "custom_fields": contact["custom_fields"],
        "created_at": timestamp(contact["created_at"]),
        "updated_at": timestamp(contact["updated_at"]),
    }


def timestamp(value: datetime.datetime) -> str:
    """ISO 8601 in UTC, one format everywhere (DESIGN §9)."""
    return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def details(problems: tuple[Problem, ...]) -> dict[str, list[str]]:
    """Problems by request field name (nested positions as ``tags/1``)."""
    found: dict[str, list[str]] = {}
    for problem in problems:
        head, *rest = problem.location or ("",)
        name = str(head) if problem.code == ProblemCode.UNKNOWN_FIELD else WIRE_NAMES.get(head, str(head))
        label = "/".join([name, *map(str, rest)])
        found.setdefault(label, []).append(problem.message)
    return found


def error_body(code: str, message: str, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"success": False, "error": {"code": code, "message": message, "details": extra or {}}}


def refusal(status: int, message: str) -> dict[str, Any]:
    """A refusal outside the update rules, its code chosen by status."""
    return error_body(ERROR_CODES.get(status, "ERROR"), message)


def render_history(entries: list[dict]) -> list[dict[str, Any]]:
    return [{**entry, "at": timestamp(entry["at"])} for entry in entries]
