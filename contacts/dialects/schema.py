"""The error answers of every operation, in its dialect's envelope, for the OpenAPI schema
(a drf-spectacular postprocessing hook): the schema says what the server does, refusals
included, so that a client generated from it (and a schema-driven fuzzer) expects them."""

import json
from typing import Any

from contacts.dialects.external import wire as external_wire
from contacts.dialects.legacy import wire as legacy_wire
from contacts.dialects.middleware import refusals_for
from contacts.dialects.native.request_schema import contact_request
from contacts.services import ENGAGEMENT_FIELDS

STRING = {"type": "string"}
#: Each dialect's error envelope (DESIGN §5, §5.1).
ENVELOPES: dict[str, dict[str, Any]] = {
    "native": {
        "type": "object",
        "required": ["status", "code", "message", "errors"],
        "properties": {
            "status": {"type": "integer"},
            "code": STRING,
            "message": STRING,
            "errors": {
                "type": "object",
                "description": "JSON Pointer into the request body → messages.",
                "additionalProperties": {"type": "array", "items": STRING},
            },
            "existingId": {"type": "integer", "description": "409 on create: the contact that has the externalId."},
        },
    },
    "keyed": {
        "type": "object",
        "required": ["replyCode", "replyText", "data"],
        "properties": {"replyCode": {"type": "integer"}, "replyText": STRING, "data": {}},
    },
    "external": {
        "type": "object",
        "required": ["success", "error"],
        "properties": {
            "success": {"type": "boolean", "enum": [False]},
            "error": {
                "type": "object",
                "required": ["code", "message", "details"],
                "properties": {"code": STRING, "message": STRING, "details": {"type": "object"}},
            },
        },
    },
    "legacy": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message", "property"],
                "properties": {"code": STRING, "message": STRING, "property": {"type": "string", "nullable": True}},
            }
        },
    },
}
COMPONENT = {name: f"{name.capitalize()}Error" for name in ENVELOPES}

#: What every operation may answer besides its success.
ANY_OPERATION = {
    400: "The request is malformed or invalid; every problem is named.",
    401: "Missing or wrong credentials.",
    403: "The credentials lack the scope this operation needs.",
    404: "No such organization, object or route (another tenant's included).",
    405: "The method is not allowed here.",
    406: "No acceptable representation for the Accept header.",
    411: "A chunked body without Content-Length.",
    413: "The body is larger than 5 MiB.",
    414: "The URL is longer than the server's request line limit (answered by the HTTP server).",
    429: "Over the API key's rate limit; see Retry-After.",
    503: "The database cannot be reached; see Retry-After.",
}
#: What a write may answer too.
WRITES = {
    409: "Conflict with stored data: an external id taken on create, a record type still in use.",
    412: "If-Match names another version of the contact.",
    415: "Unsupported Content-Type.",
}
#: What a write sent with an ``Idempotency-Key`` may answer too (DESIGN §10).
IDEMPOTENT_WRITES = {
    409: "A request with this Idempotency-Key is still running (IDEMPOTENCY_KEY_IN_USE; keyed 1003).",
    422: "This Idempotency-Key was used for another request (IDEMPOTENCY_KEY_REUSED; keyed 1002).",
}
REPLAYED_HEADER = {
    "Idempotent-Replayed": {
        "description": "true when this is the stored answer to an earlier request with the same Idempotency-Key.",
        "schema": {"type": "string", "enum": ["true"]},
    }
}
#: The native answer to ``?validateOnly=true`` on a single contact (DESIGN §10).
DRY_RUN = {
    "type": "object",
    "required": ["validateOnly", "status", "contact", "changes"],
    "properties": {
        "validateOnly": {"type": "boolean", "enum": [True]},
        "status": {"type": "string", "enum": ["created", "updated", "unchanged"]},
        "contact": {"type": "object", "description": "The contact as it would read (a new one: id and uid null)."},
        "changes": {
            "type": "object",
            "description": "Changed fields by wire name → {before, after}.",
            "additionalProperties": {"type": "object"},
        },
    },
}
#: Answered outside the application, without a body of ours.
BODILESS = {414}


def _properties(names: object, description: str) -> dict[str, Any]:
    return {
        "type": "object",
        "additionalProperties": False,
        "description": description,
        "properties": {name: {} for name in sorted(names)},
    }


#: The key-only dialects' bodies: the names they read (values are checked by the engine).
REQUEST_BODIES = {
    ("/external/v1/contacts/{uid}", "put"): _properties(
        {"name", *external_wire.FIELDS},
        "Only the fields sent change; tags and custom_fields replace the stored ones (seed 001).",
    ),
    ("/api/2.0/contacts/{contact_id}", "put"): _properties(
        {
            *legacy_wire.SCALARS,
            *legacy_wire.ADDRESS,
            *legacy_wire.ID_LISTS,
            *ENGAGEMENT_FIELDS,
            "date_of_birth",
            "tags",
            "create_notifications",
            "id",
            "date_create",
        },
        "Seed 004 properties; read-only ones may be echoed with their stored value.",
    ),
    # Each item is checked on its own and a failing one is reported in ``results`` (DESIGN §4).
    ("/rest/contacts/{organization_id}/batch", "put"): {
        "type": "array",
        "maxItems": 1000,
        "items": {"description": "A contact as for PUT, with its id (or externalId); checked item by item."},
    },
    ("/rest/contacts/{organization_id}/batch", "patch"): {
        "type": "array",
        "maxItems": 1000,
        "items": {"description": '{"id" (or "externalId"), "operations": [...]}; checked item by item.'},
    },
}


def _legacy_contact() -> dict[str, Any]:
    """Seed 004's properties as ``GET /api/2.0/contacts/{id}`` renders them
    (``legacy.wire.render_contact``): empty values are ``""``."""
    integer, number = {"type": "integer"}, {"type": "number"}
    properties: dict[str, Any] = {"id": integer, "date_create": integer}
    for prop, canonical in legacy_wire.SCALARS.items():
        if prop not in ("lastname", "last_name"):
            properties[prop] = integer if canonical in ("country_id", "city_id") else STRING
    properties |= {prop: STRING for prop in legacy_wire.ADDRESS}
    properties["date_of_birth"] = {"anyOf": [integer, {"type": "string", "maxLength": 0}], "description": "Unix time"}
    properties["tags"] = {**STRING, "description": "A JSON array of tag names."}
    properties["create_notifications"] = {"type": "string", "enum": list(legacy_wire.NOTIFICATION_CHOICES)}
    for name in ENGAGEMENT_FIELDS:
        textual = name in legacy_wire.ID_LISTS or name == "email_status"
        properties[name] = number if name == "score" else STRING if textual else integer
    return {"type": "object", "required": sorted(properties), "additionalProperties": False, "properties": properties}


LEGACY_CONTACT_PATH = "/api/2.0/contacts/{contact_id}"
#: Answers the views declare only loosely, stated as the server renders them.
RESPONSE_BODIES = {
    (LEGACY_CONTACT_PATH, "get"): _legacy_contact(),
    (LEGACY_CONTACT_PATH, "put"): {"type": "integer", "description": "The id of the updated contact."},
}
#: Path parameters that are integers on the wire (seed 004: contact ids are integers).
INTEGER_PARAMETERS = {LEGACY_CONTACT_PATH: "contact_id", f"{LEGACY_CONTACT_PATH}/history": "contact_id"}


def document_error_answers(result: dict, generator: object, request: object, public: bool) -> dict:
    """Add each dialect's envelope as a component and reference it from every operation's
    documented refusals (kept where an operation documents its own); request bodies admit
    no keys beyond their fields."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    # The contact bodies as the engine reads them (the serializers only render answers).
    schemas["ContactInputRequest"] = contact_request(full=True)
    schemas["PatchedContactInputRequest"] = contact_request(full=False)
    for name, component in schemas.items():
        if name.endswith("Request") and component.get("type") == "object":
            # Every endpoint refuses unknown body keys (contacts.api.strict, the engine).
            component["additionalProperties"] = False
    for name, envelope in ENVELOPES.items():
        schemas[COMPONENT[name]] = envelope
    _drop_unused_request_components(result)
    for path, operations in result.get("paths", {}).items():
        dialect = refusals_for(path + "/").name
        reference = {"$ref": f"#/components/schemas/{COMPONENT[dialect]}"}
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            codes = {**ANY_OPERATION, **(WRITES if method in ("post", "put", "patch", "delete") else {})}
            for code, description in codes.items():
                answer = {"description": description}
                if code not in BODILESS:
                    answer["content"] = {"application/json": {"schema": reference}}
                operation["responses"].setdefault(str(code), answer)
            _document_safe_writes(operation, reference)
            _document_as_rendered(path, method, operation)
            body = REQUEST_BODIES.get((path, method))
            if body is not None:
                for media in operation["requestBody"]["content"].values():
                    media["schema"] = body
    return result


def _document_as_rendered(path: str, method: str, operation: dict) -> None:
    answer = RESPONSE_BODIES.get((path, method))
    if answer is not None:
        operation["responses"]["200"]["content"] = {"application/json": {"schema": answer}}
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "path" and parameter["name"] == INTEGER_PARAMETERS.get(path):
            parameter["schema"] = {"type": "integer"}


def _document_safe_writes(operation: dict, error: dict) -> None:
    """An operation that takes ``Idempotency-Key`` may answer 409/422 and replay; one that
    takes ``validateOnly`` may answer what the change would do instead of the contact."""
    names = {parameter["name"] for parameter in operation.get("parameters", [])}
    if "Idempotency-Key" in names:
        for code, description in IDEMPOTENT_WRITES.items():
            answer = operation["responses"].setdefault(str(code), {"description": description})
            answer["description"] = description if code == 422 else f"{answer['description']} Or: {description}"
            answer.setdefault("content", {"application/json": {"schema": error}})
        for code, answer in operation["responses"].items():
            if code.startswith(("2", "4")) and code not in ("401", "429"):
                answer.setdefault("headers", {}).update(REPLAYED_HEADER)
    if "validateOnly" in names and "200" in operation["responses"]:
        for media in operation["responses"]["200"].get("content", {}).values():
            if media["schema"] == {"$ref": "#/components/schemas/ContactOutput"}:
                media["schema"] = {"anyOf": [media["schema"], DRY_RUN]}


def _drop_unused_request_components(result: dict) -> None:
    """Request components that only the replaced contact bodies referred to."""
    schemas = result["components"]["schemas"]
    while True:
        text = json.dumps({"paths": result["paths"], "schemas": schemas}, default=str)
        unused = [name for name in schemas if name.endswith("Request") and f'/{name}"' not in text]
        if not unused:
            return
        for name in unused:
            del schemas[name]
