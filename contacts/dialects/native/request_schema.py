"""The native contact request body as the engine reads it, for the OpenAPI schema.

Written as JSON Schema from the same wire tables as ``wire``: what a field accepts here is
what the engine accepts (``contacts.services.validation`` and the nested kinds): ``null``
or ``""`` clears a scalar, text fields also take integers, ids also take digit strings.
What the schema cannot say (names that must exist, unique external ids, phone numbers that
fit their path) is refused with a 400 that names the field. Read-only fields may be echoed
(equal: a no-op) but are not part of the documented request.
"""

import zoneinfo
from typing import Any

from contacts.addresses import TEXT_MAX_LENGTH as ADDRESS_TEXT_MAX_LENGTH
from contacts.dialects.native.wire import ADDRESS, FRAME
from contacts.services import CHOICES
from contacts.services.validation import INT32_MAX, INT32_MIN
from paths.services import FRAME_BOUNDS, FRAME_NAME_MAX_LENGTH, VALUE_MAX_LENGTH

Schema = dict[str, Any]
CLEARED: Schema = {"type": "string", "maxLength": 0}


def _nullable(*choices: Schema) -> Schema:
    """``null`` clears. (OpenAPI 3.0: an enum that allows null lists it among its values.)"""
    return {"oneOf": list(choices), "nullable": True} if len(choices) > 1 else {**choices[0], "nullable": True}


def text(max_length: int) -> Schema:
    return _nullable({"type": "string", "maxLength": max_length}, {"type": "integer"})


def choice(name: str) -> Schema:
    return _nullable({"type": "string", "enum": [*CHOICES[name], "", None]})


#: A 32-bit integer, or its digits as text (the engine reads both: other dialects send text).
INT32: Schema = _nullable(
    {"type": "integer", "minimum": INT32_MIN, "maximum": INT32_MAX},
    {"type": "string", "pattern": r"^\s*-?[0-9]{1,12}\s*$"},
    CLEARED,
)
ID: Schema = {"oneOf": [{"type": "integer", "minimum": 1}, {"type": "string", "pattern": "^[0-9]{1,19}$"}]}
IDS: Schema = {"type": "array", "items": ID, "nullable": True}
NAMES: Schema = {"type": "array", "items": {"type": "string"}, "nullable": True}

FRAME_ITEM: Schema = {
    "type": "object",
    "additionalProperties": False,
    "required": ["days", "fromHour", "toHour"],
    "properties": {
        "name": _nullable({"type": "string", "maxLength": FRAME_NAME_MAX_LENGTH}),
        "days": {"type": "array", "minItems": 1, "items": {"type": "integer", "minimum": 1, "maximum": 7}},
        **{
            wire: {"type": "integer", "minimum": 0, "maximum": FRAME_BOUNDS[canonical]}
            for wire, canonical in FRAME.items()
            if canonical in FRAME_BOUNDS
        },
    },
}
PATH_ITEM: Schema = {
    "type": "object",
    "additionalProperties": False,
    "description": "Named by pathId (wins) or prompt. Without quietTimeFrames a kept path keeps its frames.",
    "properties": {
        "pathId": ID,
        "prompt": {"type": "string"},
        "value": {"type": "string", "minLength": 1, "maxLength": VALUE_MAX_LENGTH},
        "countryCode": _nullable({"type": "string", "pattern": "^[A-Za-z]{2}$"}, CLEARED),
        "skipValidation": {"type": "boolean"},
        "quietTimeFrames": {"type": "array", "items": FRAME_ITEM, "nullable": True},
    },
}
ADDRESS_ITEM: Schema = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        **{wire: _nullable({"type": "string", "maxLength": ADDRESS_TEXT_MAX_LENGTH}) for wire in ADDRESS},
        "gisLocation": {
            "type": "object",
            "nullable": True,
            "additionalProperties": False,
            "properties": {
                "lat": {"type": "number", "minimum": -90, "maximum": 90, "nullable": True},
                "lon": {"type": "number", "minimum": -180, "maximum": 180, "nullable": True},
            },
        },
    },
}
ATTRIBUTE_ITEM: Schema = {
    "type": "object",
    "additionalProperties": False,
    "description": "Named by orgAttrId (wins) or name; values fit the attribute's type and choices.",
    "properties": {"orgAttrId": ID, "name": {"type": "string"}, "values": {}},
}

NAME, TEXT = text(100), text(255)
SCALARS: Schema = {
    "externalId": TEXT,
    "firstName": NAME,
    "lastName": NAME,
    "middleInitial": NAME,
    "suffix": NAME,
    "title": TEXT,
    "email": _nullable({"type": "string", "format": "email", "maxLength": 254}, CLEARED),
    "phone": TEXT,
    "phoneHome": TEXT,
    "fax": TEXT,
    "timezoneId": _nullable({"type": "string", "enum": [*sorted(zoneinfo.available_timezones()), "", None]}),
    "preferredEmailFormat": choice("preferred_email_format"),
    "status": choice("status"),
    "companyName": TEXT,
    "companyPosition": TEXT,
    "department": TEXT,
    "industry": TEXT,
    "linkedinUrl": text(500),
    "birthDate": _nullable({"type": "string", "format": "date"}, CLEARED),
    "gender": choice("gender"),
    "maritalStatus": choice("marital_status"),
    "educationLevel": TEXT,
    "countryId": INT32,
    "cityId": INT32,
    "hashKey": TEXT,
    "customFields": _nullable({"type": "object"}, CLEARED),
}
RELATIONS: Schema = {
    "recordTypeId": _nullable(ID, CLEARED),
    "recordTypeName": _nullable({"type": "string"}),
    "groups": {**IDS, "description": "Group ids; only ever added (removal: membership endpoint or OPS)."},
    "groupsName": {**NAMES, "description": "Group names; only ever added."},
    "topics": IDS,
    "tags": {**NAMES, "description": "Tag names; unknown ones are created."},
    "addresses": {"type": "array", "items": ADDRESS_ITEM, "nullable": True},
    "paths": {"type": "array", "items": PATH_ITEM, "nullable": True},
    "contactAttributes": {"type": "array", "items": ATTRIBUTE_ITEM, "nullable": True},
    "sourceId": _nullable(ID, CLEARED),
}


def contact_request(*, full: bool) -> Schema:
    """FULL (PUT, POST, batch): the whole contact, with its required fields; PARTIAL
    (PATCH): any subset."""
    schema: Schema = {"type": "object", "additionalProperties": False, "properties": {**SCALARS, **RELATIONS}}
    if full:
        # Not empty; a number is taken as its digits, as for every text field.
        schema["properties"].update(
            externalId={"oneOf": [{"type": "string", "minLength": 1, "maxLength": 255}, {"type": "integer"}]},
            firstName={"oneOf": [{"type": "string", "minLength": 1, "maxLength": 100}, {"type": "integer"}]},
            lastName={"oneOf": [{"type": "string", "minLength": 1, "maxLength": 100}, {"type": "integer"}]},
        )
        schema["required"] = ["externalId", "firstName", "lastName"]
        schema["description"] = "FULL: omitted fields are cleared; a record type (id or name) is required."
    return schema
